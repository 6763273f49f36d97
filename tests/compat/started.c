/* Started by ttbusd from the start strings of types/compat.types.
 *   handler: the Compat_Started handler. Its first message is the start message; no other
 *            message of the ptype may arrive before it answers it.
 *   watcher: the Compat_Watcher observer, started by an observe promise; it reports what it saw
 *            with a WatcherSaw notice.
 *   editor:  the Compat_Editor handler (callbacks.c): replies to its start message, an Edit
 *            request, with "edited: " before the file name; it undeclares its ptype first, so
 *            that the next Edit starts another editor.
 *   object:  the Compat_Objects handler (objects.c), started by the Compat_Doc otype's Hilite
 *            signature for an object-addressed request: replies "<what> in <file of the object>". */
#include "check.h"

static int opnum_callbacks;

static Tt_callback_action on_work(Tt_message m, Tt_pattern p)
{
	(void)p;
	CHECK_STATUS(tt_message_opnum(m), 1);
	opnum_callbacks++;
	return TT_CALLBACK_CONTINUE;
}

static void handler(void)
{
	Tt_message m;
	int n;
	CHECK_STATUS(tt_ptype_opnum_callback_add("Compat_Started", 1, on_work), TT_OK);
	CHECK_STATUS(tt_ptype_declare("Compat_Started"), TT_OK);
	CHECK_STR(tt_default_ptype(), "Compat_Started");
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);

	m = next_message(10000);
	CHECK(m != NULL);
	CHECK(opnum_callbacks == 1);
	CHECK_STATUS(tt_message_status(m), TT_WRN_START_MESSAGE);
	CHECK_STATUS(tt_message_status_set(m, TT_OK), TT_OK);
	CHECK_STATUS(tt_message_status(m), TT_WRN_START_MESSAGE); /* kept until answered */
	CHECK_STATUS(tt_message_arg_ival(m, 0, &n), TT_OK);
	CHECK(n == 1);
	CHECK_STR(tt_message_handler_ptype(m), "Compat_Started");
	/* The second request is held while the start message is unanswered. */
	CHECK(next_message(500) == NULL);
	CHECK_STATUS(tt_message_reply(m), TT_OK);

	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STATUS(tt_message_status(m), TT_OK);
	CHECK_STATUS(tt_message_arg_ival(m, 0, &n), TT_OK);
	CHECK(n == 2);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
}

static void watcher(void)
{
	Tt_message m, saw;
	int n;
	CHECK_STATUS(tt_ptype_declare("Compat_Watcher"), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Event");
	CHECK_STATUS(tt_message_arg_ival(m, 0, &n), TT_OK);
	saw = tt_pnotice_create(TT_SESSION, "WatcherSaw");
	CHECK_STATUS(tt_message_iarg_add(saw, TT_IN, "int", n), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(saw, TT_IN, "int", tt_message_status(m)), TT_OK);
	/* A start message may be answered although it is a notice; once answered it is a notice.
	 * (Checked before reporting: the test waits for the report.) */
	CHECK_STATUS(tt_message_reply(m), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_ERR_CLASS);
	CHECK_STATUS(tt_message_accept(m), TT_OK);
	CHECK_STATUS(tt_message_send(saw), TT_OK);
}

static void editor(void)
{
	Tt_message m;
	char edited[256];
	CHECK_STATUS(tt_ptype_declare("Compat_Editor"), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Edit");
	CHECK_STATUS(tt_message_status(m), TT_WRN_START_MESSAGE);
	snprintf(edited, sizeof edited, "edited: %s", tt_message_arg_val(m, 0));
	CHECK_STATUS(tt_message_arg_val_set(m, 0, edited), TT_OK);
	CHECK_STATUS(tt_ptype_undeclare("Compat_Editor"), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
}

static void object(void)
{
	Tt_message m;
	char hilited[1024];
	CHECK_STATUS(tt_ptype_declare("Compat_Objects"), TT_OK);
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	m = next_message(10000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Hilite");
	CHECK_STATUS(tt_message_status(m), TT_WRN_START_MESSAGE);
	CHECK_STATUS(tt_message_address(m), TT_OBJECT);
	CHECK_STR(tt_message_otype(m), "Compat_Doc");
	CHECK_STATUS(tt_message_opnum(m), 4);
	CHECK_STATUS(tt_message_scope(m), TT_FILE_IN_SESSION);
	snprintf(hilited, sizeof hilited, "%s in %s", tt_message_arg_val(m, 0), tt_message_file(m));
	CHECK_STATUS(tt_message_arg_val_set(m, 0, hilited), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
}

int main(int argc, char **argv)
{
	CHECK(argc == 2);
	CHECK(getenv("TT_TOKEN") != NULL);
	CHECK(tt_ptr_error(tt_open()) == TT_OK);
	/* The start token is used once: renamed in place as classic libtt did. */
	CHECK(getenv("TT_TOKEN") == NULL && getenv("TT_TAKEN") != NULL);
	if (strcmp(argv[1], "handler") == 0)
		handler();
	else if (strcmp(argv[1], "editor") == 0)
		editor();
	else if (strcmp(argv[1], "object") == 0)
		object();
	else
		watcher();
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
