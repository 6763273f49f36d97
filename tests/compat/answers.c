/* Answering messages, seen from legacy programs: the order of the checks of tt_message_reply,
 * tt_message_fail, tt_message_reject and tt_message_accept (facts §5.8: the class, then the
 * handler, the state last); TT_HANDLER requests that nobody but their handler sees, not even
 * their outcome (§5.3); and an observer of failures seeing the handler's values. */
#include "check.h"

/* The three answers on a message that must refuse them all with one status. */
static void refused(Tt_message m, Tt_status want)
{
	CHECK_STATUS(tt_message_reply(m), want);
	CHECK_STATUS(tt_message_fail(m), want);
	CHECK_STATUS(tt_message_reject(m), want);
}

/* The next message, which must have op. */
static Tt_message next_with_op(const char *op)
{
	Tt_message m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), op);
	return m;
}

/* Handles "Checked" and "Numbered" requests, "Told" notices and "Vote" offers: it tries every
 * answer in turn. On a compact peer link libtt sends answers one-way and finds these statuses
 * itself; on the others the broker gives them: the same in every transport. */
static void checked_peer(void *arg)
{
	Tt_message m;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	session_pattern(TT_HANDLE, "Checked");
	session_pattern(TT_HANDLE, "Told");
	session_pattern(TT_HANDLE, "Vote");
	session_pattern(TT_HANDLE, "Numbered");
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();

	m = next_with_op("Told");
	refused(m, TT_ERR_CLASS); /* a notice, not a start message */
	CHECK_STATUS(tt_message_accept(m), TT_OK); /* a no-op on anything but offers and start messages */
	tt_message_destroy(m);

	m = next_with_op("Vote");
	CHECK_STATUS(tt_message_reply(m), TT_ERR_CLASS);
	CHECK_STATUS(tt_message_fail(m), TT_ERR_CLASS);
	CHECK_STATUS(tt_message_reject(m), TT_OK); /* a vote */
	CHECK_STATUS(tt_message_reject(m), TT_ERR_STATE);
	CHECK_STATUS(tt_message_reply(m), TT_ERR_CLASS);
	tt_message_destroy(m);
	m = next_with_op("Vote"); /* a voter's pattern sees the outcome too (observed 6) */
	CHECK_STATUS(tt_message_state(m), TT_RETURNED);
	tt_message_destroy(m);

	m = next_with_op("Checked");
	CHECK_STATUS(tt_message_accept(m), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
	refused(m, TT_ERR_STATE);
	tt_message_destroy(m);

	/* An answer must carry the args the request came with; the state is checked before. */
	m = next_with_op("Numbered");
	CHECK_STATUS(tt_message_arg_add(m, TT_OUT, "string", "extra"), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_ERR_NUM);
	CHECK_STATUS(tt_message_fail(m), TT_ERR_NUM);
	CHECK_STATUS(tt_message_reject(m), TT_OK); /* carries no args */
	refused(m, TT_ERR_STATE); /* observed 17: TT_OK in CDE */
	CHECK_STATUS(tt_message_state(m), TT_REJECTED);
	tt_message_destroy(m);
	tt_close();
}

static void order_of_checks(void)
{
	pid_t peer = spawn_peer(checked_peer, NULL);
	Tt_pattern watch = session_pattern(TT_OBSERVE, "Checked");
	Tt_message m, got;
	int handled = 0;

	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	m = tt_pnotice_create(TT_SESSION, "Told");
	refused(m, TT_ERR_CLASS);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	refused(m, TT_ERR_CLASS);
	tt_message_destroy(m);

	m = tt_message_create();
	CHECK_STATUS(tt_message_class_set(m, TT_OFFER), TT_OK);
	CHECK_STATUS(tt_message_address_set(m, TT_PROCEDURE), TT_OK);
	CHECK_STATUS(tt_message_scope_set(m, TT_SESSION), TT_OK);
	CHECK_STATUS(tt_message_op_set(m, "Vote"), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_ERR_CLASS);
	CHECK_STATUS(tt_message_fail(m), TT_ERR_CLASS);
	CHECK(next_message(10000) == m);
	CHECK_STATUS(tt_message_state(m), TT_RETURNED);
	CHECK_STATUS(tt_message_rejecters_count(m), 1);
	tt_message_destroy(m);

	/* The sender is not the handler of its own request: before sending, while it is out, after
	 * its answer. An observer's copy is no better. */
	m = tt_prequest_create(TT_SESSION, "Checked");
	refused(m, TT_ERR_NOTHANDLER);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	refused(m, TT_ERR_NOTHANDLER);
	CHECK_STATUS(tt_message_accept(m), TT_OK);
	got = next_message(10000);
	CHECK(got == m); /* our observer's copy comes back on the sender's handle */
	CHECK_STATUS(tt_message_state(m), TT_SENT);
	CHECK(tt_message_pattern(m) == watch);
	refused(m, TT_ERR_NOTHANDLER);
	while (handled < 2) { /* the update and our observer's copy */
		CHECK(next_message(10000) == m);
		CHECK_STATUS(tt_message_state(m), TT_HANDLED);
		handled++;
		refused(m, TT_ERR_NOTHANDLER);
	}
	tt_message_destroy(m);
	tt_pattern_destroy(watch);

	/* Refused locally, nothing was sent: the only rejection makes the request fail. */
	m = tt_prequest_create(TT_SESSION, "Numbered");
	CHECK_STATUS(tt_message_arg_add(m, TT_IN, "string", "one"), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	CHECK(next_message(10000) == m);
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_NO_MATCH);
	CHECK_STATUS(tt_message_args_count(m), 1);
	tt_message_destroy(m);
	reap_peer(peer);
}

/* TT_HANDLER addressing: "Private" requests go to the procid named in the session property
 * "answers-target", which has no pattern at all. It replies to the first, fails the second and
 * rejects the third. */
static void target_peer(void *arg)
{
	Tt_message m;
	int n;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	CHECK_STATUS(tt_session_prop_set(tt_default_session(), "answers-target", tt_default_procid()), TT_OK);
	peer_ready();
	for (n = 0; n < 3; n++) {
		m = next_message(10000);
		CHECK(m != NULL);
		CHECK_STATUS(tt_message_address(m), TT_HANDLER);
		CHECK_STATUS(tt_message_arg_val_set(m, 0, "secret"), TT_OK);
		if (n == 0)
			CHECK_STATUS(tt_message_reply(m), TT_OK);
		else if (n == 1)
			CHECK_STATUS(tt_message_fail(m), TT_OK);
		else
			CHECK_STATUS(tt_message_reject(m), TT_OK);
		tt_message_destroy(m);
	}
	tt_close();
}

/* An observer of "Private" (no state filter) or a rival handler: the first message either gets
 * must be the marker notice sent after the three TT_HANDLER requests ended. */
static void bystander_peer(void *arg)
{
	Tt_message m;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	session_pattern(*(Tt_category *)arg, "Private");
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STATUS(tt_message_class(m), TT_NOTICE);
	CHECK_STR(tt_message_arg_val(m, 0), "marker");
	tt_close();
}

static void handler_addressing(void)
{
	Tt_category observe = TT_OBSERVE, handle = TT_HANDLE;
	pid_t target = spawn_peer(target_peer, NULL);
	pid_t observer = spawn_peer(bystander_peer, &observe);
	pid_t rival = spawn_peer(bystander_peer, &handle);
	char *procid = tt_session_prop(tt_default_session(), "answers-target", 0);
	Tt_state outcomes[] = {TT_HANDLED, TT_FAILED, TT_FAILED};
	Tt_message m;
	int n;
	CHECK(tt_ptr_error(procid) == TT_OK);
	for (n = 0; n < 3; n++) {
		m = tt_prequest_create(TT_SESSION, "Private");
		CHECK_STATUS(tt_message_address_set(m, TT_HANDLER), TT_OK);
		CHECK_STATUS(tt_message_handler_set(m, procid), TT_OK);
		CHECK_STATUS(tt_message_arg_add(m, TT_INOUT, "string", "plain"), TT_OK);
		CHECK_STATUS(tt_message_send(m), TT_OK);
		CHECK(next_message(10000) == m);
		CHECK_STATUS(tt_message_state(m), outcomes[n]);
		if (n == 2) /* rejected by the only procid that may have it */
			CHECK_STATUS(tt_message_status(m), TT_ERR_NO_MATCH);
		tt_message_destroy(m);
	}
	m = tt_pnotice_create(TT_SESSION, "Private");
	CHECK_STATUS(tt_message_arg_add(m, TT_IN, "string", "marker"), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	tt_message_destroy(m);
	reap_peer(observer);
	reap_peer(rival);
	reap_peer(target);
}

/* Handles one "Fragile" request: sets the out and inout args, a status and its text, fails. */
static void fragile_peer(void *arg)
{
	Tt_message m;
	(void)arg;
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	session_pattern(TT_HANDLE, "Fragile");
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	peer_ready();
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STATUS(tt_message_arg_val_set(m, 1, "half done"), TT_OK);
	CHECK_STATUS(tt_message_arg_ival_set(m, 2, 40), TT_OK);
	CHECK_STATUS(tt_message_status_set(m, TT_ERR_APPFIRST + 5), TT_OK);
	CHECK_STATUS(tt_message_status_string_set(m, "ran out of paper"), TT_OK);
	CHECK_STATUS(tt_message_fail(m), TT_OK);
	tt_close();
}

static void expect_failed_values(Tt_message m)
{
	int n = 0;
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_APPFIRST + 5);
	CHECK_STR(tt_message_status_string(m), "ran out of paper");
	CHECK_STR(tt_message_arg_val(m, 0), "in");
	CHECK_STR(tt_message_arg_val(m, 1), "half done");
	CHECK_STATUS(tt_message_arg_ival(m, 2, &n), TT_OK);
	CHECK(n == 40);
}

static void observed_failure(void)
{
	Tt_pattern failures = tt_pattern_create();
	pid_t handler = spawn_peer(fragile_peer, NULL);
	Tt_message m, got, copy = NULL, update = NULL;
	CHECK_STATUS(tt_pattern_category_set(failures, TT_OBSERVE), TT_OK);
	CHECK_STATUS(tt_pattern_scope_add(failures, TT_SESSION), TT_OK);
	CHECK_STATUS(tt_pattern_op_add(failures, "Fragile"), TT_OK);
	CHECK_STATUS(tt_pattern_state_add(failures, TT_FAILED), TT_OK);
	CHECK_STATUS(tt_pattern_register(failures), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);

	m = tt_prequest_create(TT_SESSION, "Fragile");
	CHECK_STATUS(tt_message_arg_add(m, TT_IN, "string", "in"), TT_OK);
	CHECK_STATUS(tt_message_arg_add(m, TT_OUT, "string", NULL), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_INOUT, "int", 4), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	/* The update and the observer's copy, both on the sender's handle, in either order. */
	while (copy == NULL || update == NULL) {
		got = next_message(10000);
		CHECK(got == m);
		expect_failed_values(m);
		if (tt_message_pattern(m) == failures)
			copy = m;
		else
			update = m;
	}
	tt_message_destroy(m);
	tt_pattern_destroy(failures);
	reap_peer(handler);
}

int main(void)
{
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	order_of_checks();
	handler_addressing();
	observed_failure();
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
