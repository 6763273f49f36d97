/* A media handler written as CDE's editors are (dtpad -server, dticon), with the toolkit of
 * <Tt/tttk.h>: it declares the ptype Ttbus_Example_Upcase, whose Edit of a TEXT document
 * (opnum 101, see tt_media.types) ttbusd starts it for; it accepts each Edit, upper-cases the
 * text and replies with the new contents. The toolkit answers the desktop requests (Get_Sysinfo,
 * Get_Status, ...); a Quit request ends it.
 *
 *   tt_media_handler      (started by ttbusd; run by hand, it waits for Edit requests)
 */
#include <Tt/tttk.h>
#include <ctype.h>
#include <stdio.h>

static int running = 1;

static Tt_message on_desktop(Tt_message msg, void *clientdata, Tt_message contract)
{
	(void)clientdata;
	(void)contract;
	if (tttk_string_op(tt_message_op(msg)) != TTDT_QUIT)
		return msg; /* not ours: the toolkit answers or abandons it */
	running = 0;
	tt_message_reply(msg);
	tttk_message_destroy(msg);
	return 0;
}

static Tt_message on_edit(Tt_message msg, void *clientdata, Tttk_op op, Tt_status diagnosis,
			  unsigned char *contents, int len, char *file, char *docname)
{
	int i;
	(void)clientdata;
	(void)docname;
	if (diagnosis != TT_OK || op != TTME_EDIT) {
		tttk_message_fail(msg, TT_DESKTOP_ENOTSUP, NULL, 1);
		return 0;
	}
	/* Accepting tells the sender (a Status notice) and takes desktop requests about this edit. */
	ttdt_message_accept(msg, on_desktop, 0, 0, 1, 1);
	for (i = 0; i < len; ++i)
		contents[i] = (unsigned char)toupper(contents[i]);
	ttmedia_load_reply(msg, contents, len, 1);
	tt_free((caddr_t)contents);
	tt_free(file);
	return 0;
}

int main(void)
{
	int fd;
	Tt_pattern *session;
	if (tt_ptr_error(ttdt_open(&fd, "tt_media_handler", "ttbus examples", "1.0", 1)) != TT_OK) {
		fprintf(stderr, "tt_media_handler: ttdt_open failed\n");
		return 1;
	}
	if (ttmedia_ptype_declare("Ttbus_Example_Upcase", 0, on_edit, 0, 1) != TT_OK) {
		fprintf(stderr, "tt_media_handler: cannot declare Ttbus_Example_Upcase\n");
		return 1;
	}
	session = ttdt_session_join(0, on_desktop, 0, 0, 1);
	/* Without Xt, tttk_block_while polls tt_fd() itself. */
	while (running && tttk_block_while(0, &running, -1) == TT_OK)
		;
	ttdt_session_quit(0, session, 1);
	ttdt_close(0, 0, 1);
	return 0;
}
