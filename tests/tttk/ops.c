/* Every Tttk_op round-trips through tttk_op_string/tttk_string_op, with classic's duplicates
 * ("Edit" for Compose, "Mail" for the three mail ops, first match wins); the Tttk_* vtype names
 * have their classic values; and every tttk.h entry point is referenced, so that running this
 * with LD_BIND_NOW=1 proves libtt.so.2 resolves all of them at load. */
#include <Tt/tttk.h>

#include "../compat/check.h"

/* Taking each address makes the dynamic linker resolve it when the program loads. */
typedef void (*entry)(void);
static const entry entry_points[] = {
	(entry)ttdt_open, (entry)ttdt_sender_imprint_on, (entry)ttdt_close, (entry)ttdt_session_join,
	(entry)ttdt_session_quit, (entry)ttdt_message_accept, (entry)ttdt_subcontract_manage,
	(entry)ttdt_file_join, (entry)ttdt_file_event, (entry)ttdt_file_quit, (entry)ttdt_Get_Modified,
	(entry)ttdt_Save, (entry)ttdt_Revert, (entry)ttdt_file_notice, (entry)ttdt_file_request,
	(entry)ttmedia_ptype_declare, (entry)ttmedia_load, (entry)ttmedia_load_reply, (entry)ttmedia_Deposit,
	(entry)tttk_Xt_input_handler, (entry)tttk_block_while, (entry)tttk_message_create,
	(entry)tttk_message_destroy, (entry)tttk_message_reject, (entry)tttk_message_fail,
	(entry)tttk_message_abandon, (entry)tttk_string_op, (entry)tttk_op_string,
};

static const char *const wire[TTDT_OP_LAST] = {
	NULL, "Created", "Deleted", "Do_Command", "Set_Environment", "Get_Environment", "Set_Geometry",
	"Get_Geometry", "Set_Iconified", "Get_Iconified", "Set_Locale", "Get_Locale", "Set_Mapped", "Get_Mapped",
	"Modified", "Reverted", "Get_Modified", "Moved", "Pause", "Resume", "Quit", "Raise", "Lower", "Save",
	"Revert", "Saved", "Set_Situation", "Get_Situation", "Signal", "Started", "Stopped", "Status",
	"Get_Status", "Get_Sysinfo", "Set_XInfo", "Get_XInfo", "Abstract", "Deposit", "Display", "Edit", "Edit",
	"Interpret", "Print", "Translate", "Mail", "Mail", "Mail", "Instantiate",
};

int main(void)
{
	int op;
	CHECK(sizeof entry_points / sizeof entry_points[0] == 28);
	for (op = 0; op < (int)(sizeof entry_points / sizeof entry_points[0]); ++op)
		CHECK(entry_points[op] != NULL);

	/* The enum values are classic's. */
	CHECK_STATUS(TTDT_QUIT, 20);
	CHECK_STATUS(TTME_DISPLAY, 38);
	CHECK_STATUS(TTME_INSTANTIATE, 47);
	CHECK_STATUS(TTDT_OP_LAST, 48);

	CHECK(tttk_op_string(TTDT_OP_NONE) == NULL);
	CHECK(tttk_op_string(TTDT_OP_LAST) == NULL);
	CHECK(tttk_op_string((Tttk_op)-1) == NULL);
	for (op = TTDT_OP_NONE + 1; op < TTDT_OP_LAST; ++op) {
		char *s = tttk_op_string((Tttk_op)op);
		Tttk_op back;
		CHECK_STR(s, wire[op]);
		back = tttk_string_op(s);
		if (op == TTME_COMPOSE)
			CHECK_STATUS(back, TTME_EDIT);
		else if (op == TTME_MAIL_COMPOSE || op == TTME_MAIL_EDIT)
			CHECK_STATUS(back, TTME_MAIL);
		else
			CHECK_STATUS(back, op);
		tt_free(s);
	}
	CHECK_STATUS(tttk_string_op(NULL), TTDT_OP_NONE);
	CHECK_STATUS(tttk_string_op("TtDtOpNone"), TTDT_OP_NONE);
	CHECK_STATUS(tttk_string_op("edit"), TTDT_OP_NONE);
	CHECK_STATUS(tttk_string_op(""), TTDT_OP_NONE);

	CHECK(strcmp(Tttk_integer, "integer") == 0);
	CHECK(strcmp(Tttk_string, "string") == 0);
	CHECK(strcmp(Tttk_boolean, "boolean") == 0);
	CHECK(strcmp(Tttk_file, "File") == 0);
	CHECK(strcmp(Tttk_message_id, "messageID") == 0);
	CHECK(strcmp(Tttk_title, "title") == 0);
	CHECK(strcmp(Tttk_width, "width") == 0);
	CHECK(strcmp(Tttk_height, "height") == 0);
	CHECK(strcmp(Tttk_xoffset, "xOffset") == 0);
	CHECK(strcmp(Tttk_yoffset, "yOffset") == 0);

	/* Without tt_open: the toolkit reports libtt's status, and Xt is never needed. */
	CHECK_STATUS(tttk_block_while(0, NULL, 0), TT_ERR_NOMP);
	CHECK_STATUS(tttk_message_abandon(NULL), TT_ERR_NOMP);
	return 0;
}
