/* Request/reply with in, out and inout args of every kind (string, bytes, int, XDR); the
 * sender's handle comes back updated in place; ids, sender, uid/gid; reply and pattern
 * callbacks. */
#include "check.h"

static const unsigned char blob[] = {0, 1, 2, 0xff, 0};
static int pattern_callback_runs;

static Tt_callback_action on_pattern(Tt_message m, Tt_pattern p)
{
	(void)m;
	CHECK(tt_pattern_user(p, 7) == (void *)blob);
	pattern_callback_runs++;
	return TT_CALLBACK_CONTINUE;
}

static void handler(void *arg)
{
	Tt_pattern p;
	Tt_message m;
	unsigned char *b;
	int len, i;
	long x = 0;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	p = session_pattern(TT_HANDLE, "Compute");
	CHECK_STATUS(tt_pattern_callback_add(p, on_pattern), TT_OK);
	CHECK_STATUS(tt_pattern_user_set(p, 7, (void *)blob), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();

	m = next_message(5000);
	CHECK(m != NULL);
	CHECK(pattern_callback_runs == 1);
	CHECK(tt_message_pattern(m) == p);
	CHECK_STATUS(tt_message_state(m), TT_SENT);
	CHECK_STATUS(tt_message_class(m), TT_REQUEST);
	CHECK_STR(tt_message_op(m), "Compute");
	CHECK_STATUS(tt_message_args_count(m), 9);
	CHECK_STR(tt_message_arg_val(m, 0), "in text");
	CHECK_STATUS(tt_message_arg_mode(m, 0), TT_IN);
	CHECK_STR(tt_message_arg_type(m, 0), "string");
	CHECK(tt_message_arg_val(m, 1) == NULL); /* out string, unset */
	CHECK_STR(tt_message_arg_val(m, 2), "inout text");
	CHECK_STATUS(tt_message_arg_bval(m, 3, &b, &len), TT_OK);
	CHECK(len == (int)sizeof blob && memcmp(b, blob, sizeof blob) == 0);
	CHECK_STATUS(tt_message_arg_ival(m, 6, &i), TT_OK);
	CHECK(i == 42);
	CHECK_STATUS(tt_message_arg_ival(m, 8, &i), TT_OK);
	CHECK(i == -7);
	CHECK_STATUS(tt_message_arg_xval(m, 5, (xdrproc_t)xdr_long, &x), TT_OK);
	CHECK(x == 123456);
	CHECK(tt_message_uid(m) == geteuid());
	CHECK(tt_message_gid(m) == getegid());

	CHECK_STATUS(tt_message_arg_val_set(m, 1, "out text"), TT_OK);
	CHECK_STATUS(tt_message_arg_val_set(m, 2, "inout changed"), TT_OK);
	CHECK_STATUS(tt_message_arg_bval_set(m, 4, blob, 3), TT_OK);
	CHECK_STATUS(tt_message_arg_ival_set(m, 7, 99), TT_OK);
	CHECK_STATUS(tt_message_arg_ival_set(m, 8, 8), TT_OK);
	CHECK_STATUS(tt_message_arg_val_set(m, 0, "ignored: in"), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	/* The sender's id travels with the message. */
	printf("handler saw id %s\n", tt_message_id(m));
	CHECK_STATUS(tt_message_destroy(m), TT_OK);
	CHECK_STATUS(tt_close(), TT_OK);
}

static int reply_callback_runs;

static Tt_callback_action on_reply(Tt_message m, Tt_pattern p)
{
	(void)p;
	if (tt_message_state(m) != TT_HANDLED)
		return TT_CALLBACK_CONTINUE;
	reply_callback_runs++;
	return TT_CALLBACK_PROCESSED;
}

static Tt_message compute_request(void)
{
	static long x = 123456;
	Tt_message m = tt_prequest_create(TT_SESSION, "Compute");
	CHECK(tt_ptr_error(m) == TT_OK);
	CHECK_STATUS(tt_message_arg_add(m, TT_IN, "string", "in text"), TT_OK);
	CHECK_STATUS(tt_message_arg_add(m, TT_OUT, "string", NULL), TT_OK);
	CHECK_STATUS(tt_message_arg_add(m, TT_INOUT, "string", "inout text"), TT_OK);
	CHECK_STATUS(tt_message_barg_add(m, TT_IN, "bytes", blob, sizeof blob), TT_OK);
	CHECK_STATUS(tt_message_barg_add(m, TT_OUT, "bytes", NULL, 0), TT_OK);
	CHECK_STATUS(tt_message_xarg_add(m, TT_IN, "xlong", (xdrproc_t)xdr_long, &x), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", 42), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_OUT, "int", 0), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_INOUT, "int", -7), TT_OK);
	return m;
}

int main(void)
{
	pid_t peer = spawn_peer(handler, NULL);
	char *procid = tt_open();
	Tt_message m, got;
	char *id;
	unsigned char *b;
	int len, i;

	CHECK(tt_ptr_error(procid) == TT_OK);
	m = compute_request();
	id = tt_message_id(m);
	CHECK(id != NULL && tt_ptr_error(id) == TT_OK);
	CHECK_STR(tt_message_sender(m), procid);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	CHECK_STATUS(tt_message_state(m), TT_SENT);
	CHECK_STATUS(tt_message_send(m), TT_ERR_STATE);

	got = next_message(5000);
	CHECK(got == m); /* the same handle, updated in place */
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	CHECK_STR(tt_message_id(m), id);
	CHECK_STR(tt_message_arg_val(m, 0), "in text");
	CHECK_STR(tt_message_arg_val(m, 1), "out text");
	CHECK_STR(tt_message_arg_val(m, 2), "inout changed");
	CHECK_STATUS(tt_message_arg_bval(m, 4, &b, &len), TT_OK);
	CHECK(len == 3 && memcmp(b, blob, 3) == 0);
	CHECK_STATUS(tt_message_arg_ival(m, 7, &i), TT_OK);
	CHECK(i == 99);
	CHECK_STATUS(tt_message_arg_ival(m, 8, &i), TT_OK);
	CHECK(i == 8);
	CHECK(tt_message_handler(m) != NULL);
	CHECK(strcmp(tt_message_handler(m), procid) != 0);
	CHECK_STATUS(tt_message_destroy(m), TT_OK);

	/* A reply callback that takes the reply: tt_message_receive returns 0. */
	m = compute_request();
	CHECK_STATUS(tt_message_callback_add(m, on_reply), TT_OK);
	reap_peer(peer);
	peer = spawn_peer(handler, NULL);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	while (reply_callback_runs == 0) {
		CHECK(wait_message(5000) == NULL);
	}
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	reap_peer(peer);
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
