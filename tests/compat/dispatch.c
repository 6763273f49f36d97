/* Dispatch seen from legacy programs: notices to several observers, a notice with a handler, no
 * handler (TT_ERR_NO_MATCH), the reject chain, fail with a status string, specificity,
 * handle_push and handle_rotate, TT_HANDLER addressing, arg wildcards, contexts, a handler that
 * dies mid-request, send-on-exit, destroying a request before its reply, tt_fd's readiness, and a
 * burst of notices received in order. */
#include "check.h"

/* A peer that handles or observes "op" and answers each message it gets as told by the
 * message's first int arg: 0 reply, 1 reject, 2 fail, 3 exit holding it; it echoes its own tag
 * into the out arg 1. It stops after "count" messages; with count 0 it stays until killed. */
struct peer {
	Tt_category category;
	const char *op;
	int count;
	int tag;
	int specific; /* also matches arg 0 as "int" with a value */
};

static void run_peer(void *arg)
{
	struct peer *pr = arg;
	Tt_pattern p;
	int n, action;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	p = tt_pattern_create();
	CHECK_STATUS(tt_pattern_category_set(p, pr->category), TT_OK);
	CHECK_STATUS(tt_pattern_scope_add(p, TT_SESSION), TT_OK);
	CHECK_STATUS(tt_pattern_op_add(p, pr->op), TT_OK);
	if (pr->specific) {
		CHECK_STATUS(tt_pattern_iarg_add(p, TT_IN, "int", 0), TT_OK);
	} else {
		/* Wildcards: any mode, vtype ALL, no value. */
		CHECK_STATUS(tt_pattern_arg_add(p, TT_MODE_UNDEFINED, "ALL", NULL), TT_OK);
	}
	CHECK_STATUS(tt_pattern_register(p), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();
	for (n = 0; pr->count == 0 || n < pr->count; n++) {
		Tt_message m = next_message(30000);
		CHECK(m != NULL);
		if (pr->category == TT_OBSERVE || tt_message_class(m) == TT_NOTICE) {
			tt_message_destroy(m);
			continue;
		}
		CHECK_STATUS(tt_message_arg_ival(m, 0, &action), TT_OK);
		if (action == 1) {
			CHECK_STATUS(tt_message_reject(m), TT_OK);
			CHECK_STATUS(tt_message_reply(m), TT_ERR_STATE);
		} else if (action == 2) {
			CHECK_STATUS(tt_message_status_set(m, TT_ERR_APPFIRST + 3), TT_OK);
			CHECK_STATUS(tt_message_status_string_set(m, "cannot do that"), TT_OK);
			CHECK_STATUS(tt_message_fail(m), TT_OK);
		} else if (action == 3) {
			_exit(0); /* dies holding the request, without tt_close */
		} else {
			CHECK_STATUS(tt_message_arg_ival_set(m, 1, pr->tag), TT_OK);
			CHECK_STATUS(tt_message_reply(m), TT_OK);
		}
		tt_message_destroy(m);
	}
	tt_close();
}

static pid_t start(Tt_category category, const char *op, int count, int tag, int specific)
{
	struct peer pr;
	pr.category = category;
	pr.op = op;
	pr.count = count;
	pr.tag = tag;
	pr.specific = specific;
	return spawn_peer(run_peer, &pr);
}

/* Sends a request "op"(in int action, out int tag) and waits for its final state. */
static Tt_message request(const char *op, int action)
{
	Tt_message m = tt_prequest_create(TT_SESSION, op);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", action), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_OUT, "int", 0), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	for (;;) {
		Tt_message got = next_message(10000);
		CHECK(got == m);
		if (tt_message_state(m) == TT_HANDLED || tt_message_state(m) == TT_FAILED)
			return m;
	}
}

static int tag_of(Tt_message m)
{
	int tag = -1;
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	CHECK_STATUS(tt_message_arg_ival(m, 1, &tag), TT_OK);
	tt_message_destroy(m);
	return tag;
}

static void notices(void)
{
	pid_t o1 = start(TT_OBSERVE, "Hello", 1, 0, 0);
	pid_t o2 = start(TT_OBSERVE, "Hello", 1, 0, 0);
	pid_t h = start(TT_HANDLE, "Hello", 1, 0, 0);
	Tt_message m = tt_pnotice_create(TT_SESSION, "Hello");
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", 0), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	tt_message_destroy(m);
	reap_peer(o1); /* each observer got it, and so did the handler */
	reap_peer(o2);
	reap_peer(h);
}

static void no_handler(void)
{
	Tt_message m = request("Nobody", 0);
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_NO_MATCH);
	tt_message_destroy(m);
	/* An op-less notice is sent. */
	m = tt_message_create();
	tt_message_class_set(m, TT_NOTICE);
	tt_message_address_set(m, TT_PROCEDURE);
	tt_message_scope_set(m, TT_SESSION);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	tt_message_destroy(m);
}

static void reject_and_fail(void)
{
	/* Two handlers: each rejects once, so the request fails with TT_ERR_NO_MATCH. */
	pid_t a = start(TT_HANDLE, "Picky", 1, 1, 0);
	pid_t b = start(TT_HANDLE, "Picky", 1, 2, 0);
	Tt_message m = request("Picky", 1);
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_NO_MATCH);
	tt_message_destroy(m);
	reap_peer(a);
	reap_peer(b);

	a = start(TT_HANDLE, "Failing", 1, 1, 0);
	m = request("Failing", 2);
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_APPFIRST + 3);
	CHECK_STR(tt_message_status_string(m), "cannot do that");
	tt_message_destroy(m);
	reap_peer(a);
}

static void choice_of_handler(void)
{
	/* The more specific pattern wins whatever the order of registration. */
	pid_t general = start(TT_HANDLE, "Pick", 0, 1, 0);
	pid_t specific = start(TT_HANDLE, "Pick", 1, 2, 1);
	CHECK(tag_of(request("Pick", 0)) == 2);
	reap_peer(specific);
	kill(general, SIGTERM);
	waitpid(general, NULL, 0);

	/* handle_push beats a more specific handle; the newest push wins. */
	specific = start(TT_HANDLE, "Push", 0, 1, 1);
	pid_t p1 = start(TT_HANDLE_PUSH, "Push", 0, 2, 0);
	pid_t p2 = start(TT_HANDLE_PUSH, "Push", 1, 3, 0);
	CHECK(tag_of(request("Push", 0)) == 3);
	reap_peer(p2);
	kill(p1, SIGTERM);
	kill(specific, SIGTERM);
	waitpid(p1, NULL, 0);
	waitpid(specific, NULL, 0);

	/* handle_rotate takes turns. */
	pid_t r1 = start(TT_HANDLE_ROTATE, "Rotate", 2, 1, 0);
	pid_t r2 = start(TT_HANDLE_ROTATE, "Rotate", 2, 2, 0);
	int t1 = tag_of(request("Rotate", 0));
	int t2 = tag_of(request("Rotate", 0));
	int t3 = tag_of(request("Rotate", 0));
	int t4 = tag_of(request("Rotate", 0));
	CHECK(t1 != t2 && t1 == t3 && t2 == t4);
	reap_peer(r1);
	reap_peer(r2);
}

/* TT_HANDLER addressing: the handler procid comes from a session property the peer sets. */
static void handler_peer(void *arg)
{
	Tt_message m;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	CHECK_STATUS(tt_session_prop_set(tt_default_session(), "compat-handler", tt_default_procid()), TT_OK);
	peer_ready();
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Direct");
	CHECK_STATUS(tt_message_address(m), TT_HANDLER);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
	tt_close();
}

static void addressing(void)
{
	pid_t h = spawn_peer(handler_peer, NULL);
	char *procid = tt_session_prop(tt_default_session(), "compat-handler", 0);
	Tt_message m = tt_message_create();
	tt_message_class_set(m, TT_REQUEST);
	tt_message_address_set(m, TT_HANDLER);
	tt_message_scope_set(m, TT_SESSION);
	tt_message_op_set(m, "Direct");
	CHECK_STATUS(tt_message_send(m), TT_ERR_PROCID); /* no handler set */
	CHECK_STATUS(tt_message_handler_set(m, procid), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	CHECK(next_message(10000) == m);
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	tt_message_destroy(m);
	reap_peer(h);
}

/* Contexts: a pattern that wants slot "project" = "ttbus", joined later with tt_context_join. */
static void context_peer(void *arg)
{
	Tt_pattern p;
	Tt_message m;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	p = tt_pattern_create();
	tt_pattern_category_set(p, TT_OBSERVE);
	tt_pattern_scope_add(p, TT_SESSION);
	tt_pattern_op_add(p, "Ctx");
	CHECK_STATUS(tt_pattern_context_add(p, "project", "other"), TT_OK);
	CHECK_STATUS(tt_pattern_register(p), TT_OK);
	CHECK_STATUS(tt_context_join("project", "ttbus"), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_context_val(m, "project"), "ttbus");
	CHECK_STR(tt_message_arg_val(m, 0), "second");
	tt_close();
}

static void contexts(void)
{
	pid_t o = spawn_peer(context_peer, NULL);
	const char *values[] = {"nothing", "ttbus"};
	const char *args[] = {"first", "second"};
	int i;
	for (i = 0; i < 2; i++) {
		Tt_message m = tt_pnotice_create(TT_SESSION, "Ctx");
		tt_message_arg_add(m, TT_IN, "string", args[i]);
		CHECK_STATUS(tt_message_context_set(m, "project", values[i]), TT_OK);
		CHECK_STATUS(tt_message_send(m), TT_OK);
		tt_message_destroy(m);
	}
	reap_peer(o);
}

static void death_and_exit(void)
{
	pid_t h = start(TT_HANDLE, "Doomed", 1, 1, 0);
	Tt_message m = request("Doomed", 3);
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_PROCID);
	tt_message_destroy(m);
	reap_peer(h);
}

static void leaver(void *arg)
{
	Tt_message m;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	m = tt_pnotice_create(TT_SESSION, "Goodbye");
	CHECK_STATUS(tt_message_send_on_exit(m), TT_OK);
	peer_ready();
	_exit(0); /* no tt_close: the broker sends the notice */
}

static void send_on_exit(void)
{
	Tt_pattern p = session_pattern(TT_OBSERVE, "Goodbye");
	Tt_message m;
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	reap_peer(spawn_peer(leaver, NULL));
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Goodbye");
	CHECK(tt_message_pattern(m) == p);
	tt_pattern_destroy(p);
	CHECK(tt_message_pattern(m) == NULL); /* the pattern is gone, the message stays */
	tt_message_destroy(m);
}

static void destroyed_before_reply(void)
{
	pid_t h = start(TT_HANDLE, "Slow", 1, 1, 0);
	Tt_message m = tt_prequest_create(TT_SESSION, "Slow");
	struct pollfd pfd;
	tt_message_iarg_add(m, TT_IN, "int", 0);
	tt_message_iarg_add(m, TT_OUT, "int", 0);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	CHECK_STATUS(tt_message_destroy(m), TT_OK);
	CHECK_STATUS(tt_message_destroy(m), TT_OK); /* still waiting for its reply: kept until then */
	reap_peer(h); /* it has replied */
	/* The reply makes tt_fd readable, but a destroyed message is not received; after its final
	 * state the handle is gone, and tt_fd stays quiet once drained. */
	pfd.fd = tt_fd();
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 10000) == 1);
	CHECK(tt_message_receive() == NULL);
	CHECK(poll(&pfd, 1, 100) == 0);
	CHECK(tt_ptr_error(tt_message_op(m)) == TT_ERR_POINTER);
}

static void fd_readiness(void)
{
	Tt_pattern p = session_pattern(TT_OBSERVE, "Ping");
	struct pollfd pfd;
	Tt_message m;
	int i;
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	pfd.fd = tt_fd();
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 0) == 0);
	for (i = 0; i < 2; i++) {
		m = tt_pnotice_create(TT_SESSION, "Ping");
		CHECK_STATUS(tt_message_send(m), TT_OK); /* we observe our own notices */
	}
	/* Both copies are already read by the library (during send): still readable until both are received. */
	CHECK(poll(&pfd, 1, 1000) == 1);
	CHECK(tt_message_receive() != NULL);
	CHECK(poll(&pfd, 1, 1000) == 1);
	CHECK(tt_message_receive() != NULL);
	CHECK(poll(&pfd, 1, 100) == 0);
	CHECK(tt_message_receive() == NULL);
	tt_pattern_destroy(p);
}

/* Sends "Pong" notices numbered 0, 1, ... (an int arg), then a call: the broker has taken them
 * when it answers it. */
static void send_pongs(void *count)
{
	int i;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	for (i = 0; i < *(int *)count; i++) {
		Tt_message m = tt_pnotice_create(TT_SESSION, "Pong");
		CHECK_STATUS(tt_message_iarg_add(m, TT_IN, "int", i), TT_OK);
		CHECK_STATUS(tt_message_send(m), TT_OK);
		tt_message_destroy(m);
	}
	CHECK_STATUS(tt_ptype_exists("NoSuchPtype"), TT_ERR_PTYPE);
	peer_ready();
	tt_close();
}

/* A descriptor the program keeps (as XtAppAddInput keeps it): what the library read while a call
 * waited for its reply makes it readable at once; what is still in transit is received one after
 * another, without waiting on it; drained, it is quiet. */
static void fd_kept(void)
{
	Tt_pattern p = session_pattern(TT_OBSERVE, "Pong");
	struct pollfd pfd;
	pid_t sender;
	int i, three = 3;
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	pfd.fd = tt_fd();
	pfd.events = POLLIN;
	for (i = 0; i < 2; i++) {
		Tt_message m = tt_pnotice_create(TT_SESSION, "Pong");
		CHECK_STATUS(tt_message_send(m), TT_OK);
		tt_message_destroy(m);
	}
	/* The broker takes our sends before this call, so both copies come ahead of its reply. */
	CHECK_STATUS(tt_ptype_exists("NoSuchPtype"), TT_ERR_PTYPE);
	CHECK(poll(&pfd, 1, 0) == 1);
	CHECK(tt_message_receive() != NULL);
	CHECK(tt_message_receive() != NULL);
	CHECK(poll(&pfd, 1, 0) == 0);
	CHECK(tt_message_receive() == NULL);
	/* Three from another process, all sent to us once it is ready: each receive returns one. */
	sender = spawn_peer(send_pongs, &three);
	for (i = 0; i < three; i++)
		CHECK(tt_message_receive() != NULL);
	CHECK(tt_message_receive() == NULL);
	CHECK(poll(&pfd, 1, 0) == 0);
	reap_peer(sender);
	tt_pattern_destroy(p);
}

/* A burst of notices (on a peer link the broker sends those it takes together as one batch): each
 * is received once, in the order sent. */
static void burst_in_order(void)
{
	Tt_pattern p = session_pattern(TT_OBSERVE, "Pong");
	int i, count = 200;
	pid_t sender = spawn_peer(send_pongs, &count);
	for (i = 0; i < count; i++) {
		Tt_message m = next_message(10000);
		int n = -1;
		CHECK_STATUS(tt_message_arg_ival(m, 0, &n), TT_OK);
		CHECK(n == i);
		tt_message_destroy(m);
	}
	reap_peer(sender);
	CHECK(tt_message_receive() == NULL);
	tt_pattern_destroy(p);
}

int main(void)
{
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	notices();
	no_handler();
	reject_and_fail();
	choice_of_handler();
	addressing();
	contexts();
	death_and_exit();
	send_on_exit();
	destroyed_before_reply();
	fd_readiness();
	fd_kept();
	burst_in_order();
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
