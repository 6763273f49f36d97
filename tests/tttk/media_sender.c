/* The sender side of the media test, as dtpad's client mode and libDtSvc's media actions are:
 * ttmedia_load a Display and an Edit for the Tttk_Editor ptype (ttbusd starts the editor),
 * get the new contents in the load callback, see the editor's Status notice for each accepted
 * load, then Quit it and see its Stopped notice. */
#include "wait.h"

struct load {
	int done;
	Tt_state state;
	char contents[256];
	char *id;
};

static Tt_message on_loaded(Tt_message msg, void *clientdata, Tttk_op op, unsigned char *contents, int len,
			    char *file)
{
	struct load *l = clientdata;
	(void)op;
	(void)file;
	l->state = tt_message_state(msg);
	if (contents != NULL && len > 0 && len < (int)sizeof l->contents)
		memcpy(l->contents, contents, (size_t)len);
	l->done = 1;
	tttk_message_destroy(msg);
	return 0;
}

static int statuses, both_statuses, stopped;

/* Receives (load callbacks run inside) and looks at the notices that come back. */
static void serve(const int *done)
{
	int waited;
	for (waited = 0; !*done; waited += 50) {
		Tt_message m = wait_message(50);
		CHECK(waited < 20000);
		if (m == NULL)
			continue;
		CHECK(tt_ptr_error(m) == TT_OK);
		if (strcmp(tt_message_op(m), "Status") == 0) {
			CHECK_STR(tt_message_arg_val(m, 1), "TttkEditor");
			CHECK_STR(tt_message_arg_val(m, 2), "ttbus tests");
			CHECK_STR(tt_message_arg_val(m, 3), "1.0");
			CHECK_STATUS(tt_message_args_count(m), 5);
			both_statuses = ++statuses == 2;
		} else if (strcmp(tt_message_op(m), "Stopped") == 0) {
			CHECK_STR(tt_message_arg_val(m, 0), "TttkEditor");
			stopped = 1;
		}
		tttk_message_destroy(m);
	}
}

int main(void)
{
	struct load display = {0, TT_CREATED, "", NULL}, edit = {0, TT_CREATED, "", NULL};
	Tt_message m;

	CHECK(tt_ptr_error(ttdt_open(NULL, "TttkSender", "ttbus tests", "1.0", 0)) == TT_OK);
	session_pattern(TT_OBSERVE, "Stopped");

	m = ttmedia_load(0, on_loaded, &display, TTME_DISPLAY, "TTTK_TEXT", (const unsigned char *)"hello", 5, NULL,
			 "greeting", 1);
	CHECK(tt_ptr_error(m) == TT_OK && m != NULL);
	CHECK_STR(tt_message_op(m), "Display");
	CHECK_STATUS(tt_message_arg_mode(m, 0), TT_IN);
	serve(&display.done);
	CHECK_STATUS(display.state, TT_HANDLED);
	CHECK_STR(display.contents, "hello");

	m = ttmedia_load(0, on_loaded, &edit, TTME_EDIT, "TTTK_TEXT", (const unsigned char *)"some text", 9, NULL,
			 NULL, 1);
	CHECK(tt_ptr_error(m) == TT_OK && m != NULL);
	CHECK_STATUS(tt_message_arg_mode(m, 0), TT_INOUT);
	serve(&edit.done);
	CHECK_STATUS(edit.state, TT_HANDLED);
	CHECK_STR(edit.contents, "SOME TEXT (edited)");

	/* Each accepted load was told about; wait for any still on its way. */
	serve(&both_statuses);

	m = request("Quit");
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, Tttk_boolean, 0), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, Tttk_boolean, 0), TT_OK);
	CHECK_STATUS(ask(m, 0), TT_HANDLED);
	tt_message_destroy(m);
	serve(&stopped);
	CHECK_STATUS(ttdt_close(NULL, NULL, 0), TT_OK);
	return 0;
}
