/* The sender side of the media test, as dtpad's client mode and libDtSvc's media actions are:
 * ttmedia_load a Display and an Edit for the Tttk_Editor ptype (ttbusd starts the editor),
 * get the new contents in the load callback, see the editor's Status notice for each accepted
 * load, then Quit it and see its Stopped notice. The Edit is a subcontract it manages
 * (ttdt_subcontract_manage): it tells the editor its display and geometry, gets the editor's
 * Status in its callback, and takes the editor's draft Deposit in the load callback. */
#include "wait.h"

struct load {
	int done;
	Tt_state state;
	char contents[256];
	int deposits;
};

static Tt_message on_loaded(Tt_message msg, void *clientdata, Tttk_op op, unsigned char *contents, int len,
			    char *file)
{
	struct load *l = clientdata;
	(void)file;
	if (op == TTME_DEPOSIT) {
		CHECK(len == 5 && memcmp(contents, "draft", 5) == 0);
		++l->deposits;
		CHECK_STATUS(tt_message_reply(msg), TT_OK);
		tttk_message_destroy(msg);
		return 0;
	}
	l->state = tt_message_state(msg);
	if (contents != NULL && len > 0 && len < (int)sizeof l->contents)
		memcpy(l->contents, contents, (size_t)len);
	l->done = 1;
	tttk_message_destroy(msg);
	return 0;
}

static int statuses, both_statuses, stopped, imprints, managed_statuses;

/* The editor asks about the subcontract: where and how big we are. */
static Tt_message on_subcontract(Tt_message msg, void *clientdata, Tt_message subcontract)
{
	Tttk_op op = tttk_string_op(tt_message_op(msg));
	(void)clientdata;
	(void)subcontract;
	if (op == TTDT_GET_GEOMETRY) {
		tt_message_arg_ival_set(msg, 0, 640);
		tt_message_arg_ival_set(msg, 1, 480);
		tt_message_arg_ival_set(msg, 2, 1);
		tt_message_arg_ival_set(msg, 3, 2);
	} else if (op == TTDT_GET_XINFO) {
		tt_message_arg_val_set(msg, 0, ":42.0");
		tt_message_arg_val_set(msg, 1, "TrueColor");
		tt_message_arg_ival_set(msg, 2, 24);
	} else if (op == TTDT_STATUS) {
		/* The editor accepted the managed Edit. */
		CHECK_STR(tt_message_arg_val(msg, 1), "TttkEditor");
		CHECK(tt_message_arg_val(msg, 4) != NULL);
		both_statuses = ++statuses == 2;
		++managed_statuses;
		tttk_message_destroy(msg);
		return 0;
	} else {
		return msg;
	}
	++imprints;
	tt_message_reply(msg);
	tttk_message_destroy(msg);
	return 0;
}

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
	struct load display = {0, TT_CREATED, "", 0}, edit = {0, TT_CREATED, "", 0};
	Tt_pattern *managed;
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

	/* Managed before it is sent, so that the editor's questions find the patterns. */
	m = ttmedia_load(0, on_loaded, &edit, TTME_EDIT, "TTTK_TEXT", (const unsigned char *)"some text", 9, NULL,
			 NULL, 0);
	CHECK(tt_ptr_error(m) == TT_OK && m != NULL);
	CHECK_STATUS(tt_message_arg_mode(m, 0), TT_INOUT);
	managed = ttdt_subcontract_manage(m, on_subcontract, 0, NULL);
	CHECK(tt_ptr_error(managed) == TT_OK && managed != NULL);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	serve(&edit.done);
	CHECK_STATUS(edit.state, TT_HANDLED);
	CHECK_STR(edit.contents, "SOME TEXT (edited)");
	CHECK_STATUS(edit.deposits, 1);
	CHECK_STATUS(imprints, 2);
	serve(&both_statuses);
	/* The Display's Status came through tt_message_receive, the managed Edit's to its callback. */
	CHECK_STATUS(managed_statuses, 1);


	m = request("Quit");
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, Tttk_boolean, 0), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, Tttk_boolean, 0), TT_OK);
	CHECK_STATUS(ask(m, 0), TT_HANDLED);
	tt_message_destroy(m);
	serve(&stopped);
	CHECK_STATUS(ttdt_close(NULL, NULL, 0), TT_OK);
	return 0;
}
