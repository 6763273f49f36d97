/* Ptypes from types/compat.types: a handler started from its start string (TT_STARTED, then
 * TT_HANDLED; later requests wait for the start message's answer), a request queued until a
 * handler declares its ptype, and an observe promise that starts an observer. */
#include "check.h"

static Tt_message work(int n)
{
	Tt_message m = tt_prequest_create(TT_SESSION, "Work");
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", n), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	return m;
}

static void started_handler(void)
{
	Tt_message first = work(1), second = work(2), got;
	int first_started = 0, handled = 0;
	while (handled < 2) {
		got = next_message(20000);
		CHECK(got == first || got == second);
		if (got == first && tt_message_state(first) == TT_STARTED)
			first_started = 1;
		if (tt_message_state(got) == TT_HANDLED) {
			/* In order: the second one waited for the first. */
			CHECK(got == (handled == 0 ? first : second));
			CHECK_STATUS(tt_message_opnum(got), 1);
			handled++;
		}
		CHECK(tt_message_state(got) != TT_FAILED);
	}
	CHECK(first_started);
	tt_message_destroy(first);
	tt_message_destroy(second);
}

static void late_handler(void *arg)
{
	Tt_message m;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	CHECK_STATUS(tt_ptype_declare("Compat_Queued"), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Later");
	CHECK_STATUS(tt_message_status(m), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
	tt_close();
}

static void queued(void)
{
	Tt_message m = tt_prequest_create(TT_SESSION, "Later"), got;
	pid_t peer;
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", 5), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	got = next_message(10000);
	CHECK(got == m);
	CHECK_STATUS(tt_message_state(m), TT_QUEUED);
	peer = spawn_peer(late_handler, NULL);
	do {
		got = next_message(10000);
		CHECK(got == m);
	} while (tt_message_state(m) != TT_HANDLED);
	reap_peer(peer);
	tt_message_destroy(m);
}

static void observe_promise(void)
{
	Tt_pattern p = session_pattern(TT_OBSERVE, "WatcherSaw");
	Tt_message m = tt_pnotice_create(TT_SESSION, "Event"), got;
	int n = 0;
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", 77), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	got = next_message(20000);
	CHECK(got != NULL);
	CHECK_STR(tt_message_op(got), "WatcherSaw");
	CHECK_STATUS(tt_message_arg_ival(got, 0, &n), TT_OK);
	CHECK(n == 77);
	CHECK_STATUS(tt_message_arg_ival(got, 1, &n), TT_OK);
	CHECK(n == TT_WRN_START_MESSAGE);
	tt_pattern_destroy(p);
}

int main(void)
{
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	CHECK_STATUS(tt_ptype_exists("Compat_Started"), TT_OK);
	CHECK_STATUS(tt_ptype_exists("Compat_Nothing"), TT_ERR_PTYPE);
	started_handler();
	queued();
	observe_promise();
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
