/* A media editor written as CDE's are (dtpad -server, dticon): it declares its media ptype with
 * ttmedia_ptype_declare, joins with ttdt_open/ttdt_session_join, accepts each load with
 * ttdt_message_accept (Status notice to the sender) and answers with ttmedia_load_reply. ttbusd
 * starts it for the first Display or Edit (types/tttk.types); a Quit request ends it. It checks
 * what it is given and fails the request when that is not what the sender sent. While editing,
 * it takes on the sender's display and geometry (ttdt_sender_imprint_on) and deposits a draft
 * (ttmedia_Deposit), both answered by the sender. */
#include <Tt/tttk.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int running = 1;

/* Quit, whether for the session or for an accepted load. */
static Tt_message on_desktop(Tt_message msg, void *clientdata, Tt_message contract)
{
	Tttk_op op = tttk_string_op(tt_message_op(msg));
	(void)clientdata;
	(void)contract;
	if (op != TTDT_QUIT)
		return msg;
	running = 0;
	tt_message_reply(msg);
	tttk_message_destroy(msg);
	return 0;
}

static Tt_message on_load(Tt_message msg, void *clientdata, Tttk_op op, Tt_status diagnosis,
			  unsigned char *contents, int len, char *file, char *docname)
{
	Tt_pattern *pats;
	(void)clientdata;
	(void)file;
	if (diagnosis != TT_OK)
		return msg;
	pats = ttdt_message_accept(msg, on_desktop, 0, 0, 1, 1);
	if (tt_ptr_error(pats) != TT_OK) {
		tttk_message_fail(msg, tt_ptr_error(pats), "accept", 1);
		return 0;
	}
	if (op == TTME_DISPLAY) {
		int ok = len == 5 && memcmp(contents, "hello", 5) == 0 && docname != NULL &&
			 strcmp(docname, "greeting") == 0;
		if (ok)
			ttmedia_load_reply(msg, 0, 0, 1);
		else
			tttk_message_fail(msg, TT_DESKTOP_EINVAL, "unexpected Display", 1);
	} else if (op == TTME_EDIT) {
		/* The edit: upper case, and a mark. */
		char edited[256];
		char *display = NULL;
		int i, n = len < 200 ? len : 200, w = 0, h = 0, x = 0, y = 0;
		Tt_status s = ttdt_sender_imprint_on(NULL, msg, &display, &w, &h, &x, &y, 0, 5000);
		if (s != TT_OK || strcmp(display, ":42.0") != 0 || w != 640 || h != 480 || x != 1 || y != 2) {
			tttk_message_fail(msg, TT_DESKTOP_EPROTO, "imprint", 1);
			return 0;
		}
		tt_free(display);
		s = ttmedia_Deposit(msg, NULL, "TTTK_TEXT", (const unsigned char *)"draft", 5, NULL, 0, 5000);
		if (s != TT_OK) {
			tttk_message_fail(msg, TT_DESKTOP_EPROTO, "deposit", 1);
			return 0;
		}
		for (i = 0; i < n; ++i)
			edited[i] = (char)toupper(contents[i]);
		memcpy(edited + n, " (edited)", 9);
		ttmedia_load_reply(msg, (unsigned char *)edited, n + 9, 1);
	} else {
		tttk_message_fail(msg, TT_DESKTOP_ENOTSUP, NULL, 1);
	}
	tt_free((caddr_t)contents);
	tt_free(file);
	tt_free(docname);
	return 0;
}

int main(void)
{
	int fd = -1;
	char *procid = ttdt_open(&fd, "TttkEditor", "ttbus tests", "1.0", 1);
	Tt_pattern *session_pats;
	Tt_status s;
	if (tt_ptr_error(procid) != TT_OK || fd < 0)
		return 10;
	if (ttmedia_ptype_declare("Tttk_Editor", 0, on_load, 0, 1) != TT_OK)
		return 11;
	session_pats = ttdt_session_join(0, on_desktop, 0, 0, 1);
	if (tt_ptr_error(session_pats) != TT_OK)
		return 12;
	s = tttk_block_while(0, &running, 30000);
	if (s != TT_OK)
		return 13;
	ttdt_session_quit(0, session_pats, 1);
	ttdt_close(0, 0, 1);
	return 0;
}
