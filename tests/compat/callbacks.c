/* Callbacks in tt_message_receive (facts §5.10): the message's own callbacks, newest first, then
 * the matched pattern's, newest first; the first TT_CALLBACK_PROCESSED ends the run and the
 * receive returns 0.
 *
 * A request destroyed before its final state keeps its callbacks until then, as in classic libtt.
 * CDE's edit_demo controller sends a request that starts its handler (a ptype start string),
 * destroys it in the message callback on every update (TT_STARTED first) and returns
 * TT_CALLBACK_PROCESSED; its status line relies on the callback running again for TT_HANDLED.
 * tt_message_receive returns 0 for every update of a destroyed message, and after the final
 * one the handle is gone (docs/behaviour.md). */
#include "check.h"

static char order[64];
static const char *stop_at;

static Tt_callback_action note(const char *name)
{
	strcat(order, name);
	return strcmp(name, stop_at) == 0 ? TT_CALLBACK_PROCESSED : TT_CALLBACK_CONTINUE;
}

static Tt_callback_action message_a(Tt_message m, Tt_pattern p)
{
	(void)m;
	(void)p;
	return note("ma ");
}

static Tt_callback_action message_b(Tt_message m, Tt_pattern p)
{
	(void)m;
	(void)p;
	return note("mb ");
}

static Tt_callback_action pattern_a(Tt_message m, Tt_pattern p)
{
	(void)m;
	(void)p;
	return note("pa ");
}

static Tt_callback_action pattern_b(Tt_message m, Tt_pattern p)
{
	(void)m;
	(void)p;
	return note("pb ");
}

/* Our own notice comes back on its handle through our observer pattern: both kinds run. */
static void callback_order(void)
{
	struct {
		const char *stop_at, *order;
	} runs[] = {{"", "mb ma pb pa "}, {"mb ", "mb "}, {"ma ", "mb ma "}, {"pb ", "mb ma pb "}};
	Tt_pattern p = session_pattern(TT_OBSERVE, "Order");
	Tt_message m, got;
	unsigned i;
	CHECK_STATUS(tt_pattern_callback_add(p, pattern_a), TT_OK);
	CHECK_STATUS(tt_pattern_callback_add(p, pattern_b), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	for (i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		order[0] = '\0';
		stop_at = runs[i].stop_at;
		m = tt_pnotice_create(TT_SESSION, "Order");
		CHECK_STATUS(tt_message_callback_add(m, message_a), TT_OK);
		CHECK_STATUS(tt_message_callback_add(m, message_b), TT_OK);
		CHECK_STATUS(tt_message_send(m), TT_OK);
		got = wait_message(10000);
		CHECK_STR(order, runs[i].order);
		CHECK(got == (*stop_at == '\0' ? m : NULL));
		tt_message_destroy(m);
	}
	tt_pattern_destroy(p);
}

static int started_runs, handled_runs;
static Tt_callback_action verdict = TT_CALLBACK_PROCESSED;

/* What edit_demo's cntl_msg_callback does: look at the state, then destroy the message. */
static Tt_callback_action on_edit(Tt_message m, Tt_pattern p)
{
	(void)p;
	switch (tt_message_state(m)) {
	case TT_STARTED:
		started_runs++;
		break;
	case TT_HANDLED:
		handled_runs++;
		CHECK_STR(tt_message_arg_val(m, 0), "edited: /tmp/demo.txt");
		CHECK_STATUS(tt_message_opnum(m), 3);
		break;
	default:
		CHECK(!"an update other than TT_STARTED and TT_HANDLED");
	}
	CHECK_STATUS(tt_message_destroy(m), TT_OK);
	return verdict;
}

static void edit(Tt_callback_action v)
{
	Tt_message m = tt_prequest_create(TT_SESSION, "Edit");
	int waited;
	verdict = v;
	started_runs = handled_runs = 0;
	CHECK_STATUS(tt_message_arg_add(m, TT_INOUT, "string", "/tmp/demo.txt"), TT_OK);
	CHECK_STATUS(tt_message_callback_add(m, on_edit), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	for (waited = 0; handled_runs == 0 && waited < 20000; waited += 50) {
		/* Whatever the callback answered, a destroyed message is not returned. */
		CHECK(wait_message(50) == NULL);
	}
	CHECK(started_runs == 1);
	CHECK(handled_runs == 1);
	/* Freed after the final state: the handle is stale now. */
	CHECK(tt_ptr_error(tt_message_op(m)) == TT_ERR_POINTER);
	CHECK_STATUS(tt_message_destroy(m), TT_ERR_POINTER);
}

int main(void)
{
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	callback_order();
	edit(TT_CALLBACK_PROCESSED);
	/* The editor left before its reply: the next request starts another one. */
	edit(TT_CALLBACK_CONTINUE);
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
