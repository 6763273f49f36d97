/* How libtt reaches ttbusd. By default over the broker's private peer-to-peer socket: the process
 * then keeps no connection on the bus at all. With TTBUS_TRANSPORT=bus, one bus connection per
 * procid. Either way tt_message_send is one-way: what only the broker can judge (an unknown
 * session) comes back as a failed update, and a message larger than the socket buffers still
 * arrives whole. */
#include "check.h"

#include <systemd/sd-bus.h>

enum { BIG = 1 << 20 };

/* Connections on the bus that belong to this process, not counting the one asking. */
static int own_bus_connections(void)
{
	sd_bus *bus = NULL;
	sd_bus_message *reply = NULL;
	const char *me = NULL, *name = NULL;
	int count = 0;
	CHECK(sd_bus_open_user(&bus) >= 0);
	CHECK(sd_bus_get_unique_name(bus, &me) >= 0);
	CHECK(sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
				 "ListNames", NULL, &reply, "") >= 0);
	CHECK(sd_bus_message_enter_container(reply, 'a', "s") >= 0);
	while (sd_bus_message_read_basic(reply, 's', &name) > 0) {
		uint32_t pid = 0;
		sd_bus_message *answer = NULL;
		if (name[0] != ':' || strcmp(name, me) == 0)
			continue;
		if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
				       "GetConnectionUnixProcessID", NULL, &answer, "s", name) < 0)
			continue; /* gone meanwhile */
		CHECK(sd_bus_message_read_basic(answer, 'u', &pid) >= 0);
		sd_bus_message_unref(answer);
		if (pid == (uint32_t)getpid())
			count++;
	}
	sd_bus_message_unref(reply);
	sd_bus_flush_close_unref(bus);
	return count;
}

static void big_observer(void *arg)
{
	Tt_message m;
	unsigned char *value = NULL;
	int len = 0, i;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	session_pattern(TT_OBSERVE, "Big");
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STATUS(tt_message_arg_bval(m, 0, &value, &len), TT_OK);
	CHECK(len == BIG);
	for (i = 0; i < BIG; i++)
		CHECK(value[i] == (unsigned char)(i % 251));
	tt_close();
}

int main(void)
{
	const char *transport = getenv("TTBUS_TRANSPORT");
	int on_bus = transport != NULL && strcmp(transport, "bus") == 0;
	unsigned char *big;
	Tt_message m;
	pid_t observer;
	int i;

	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	CHECK(own_bus_connections() == (on_bus ? 2 : 0));

	/* The session is the broker's to judge: the send succeeds, the request fails later. */
	m = tt_prequest_create(TT_SESSION, "Anything");
	CHECK_STATUS(tt_message_session_set(m, "no-such-session"), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	CHECK_STATUS(tt_message_state(m), TT_SENT);
	CHECK(next_message(10000) == m);
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_SESSION);
	tt_message_destroy(m);

	/* What the message alone shows wrong is refused at once, as classic libtt did. */
	m = tt_message_create();
	CHECK_STATUS(tt_message_class_set(m, TT_REQUEST), TT_OK);
	CHECK_STATUS(tt_message_address_set(m, TT_HANDLER), TT_OK);
	CHECK_STATUS(tt_message_scope_set(m, TT_SESSION), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_ERR_PROCID);
	tt_message_destroy(m);

	observer = spawn_peer(big_observer, NULL);
	big = malloc(BIG);
	CHECK(big != NULL);
	for (i = 0; i < BIG; i++)
		big[i] = (unsigned char)(i % 251);
	m = tt_pnotice_create(TT_SESSION, "Big");
	CHECK_STATUS(tt_message_barg_add(m, TT_IN, "bytes", big, BIG), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	tt_message_destroy(m);
	free(big);
	reap_peer(observer);

	CHECK_STATUS(tt_close(), TT_OK);
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
