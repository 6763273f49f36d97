/* A media sender written with <Tt/tttk.h>, as dtpad's client mode and CDE's media actions are:
 * it asks whoever edits TEXT documents (tt_media_handler, which ttbusd starts for it) to Edit a
 * text, and prints the edited text from the load callback.
 *
 *   tt_media_sender TEXT      prints the edited TEXT; exits 1 if nobody edited it
 */
#include <Tt/tttk.h>
#include <stdio.h>
#include <string.h>

static int waiting = 1, edited;

static Tt_message on_edited(Tt_message msg, void *clientdata, Tttk_op op, unsigned char *contents, int len,
			    char *file)
{
	(void)clientdata;
	(void)op;
	(void)file;
	edited = tt_message_state(msg) == TT_HANDLED;
	if (edited)
		printf("%.*s\n", len, (const char *)contents);
	else
		fprintf(stderr, "tt_media_sender: %s\n", tt_status_message((Tt_status)tt_message_status(msg)));
	waiting = 0;
	tttk_message_destroy(msg);
	return 0;
}

int main(int argc, char **argv)
{
	Tt_message load;
	if (argc != 2) {
		fprintf(stderr, "usage: tt_media_sender TEXT\n");
		return 2;
	}
	if (tt_ptr_error(ttdt_open(0, "tt_media_sender", "ttbus examples", "1.0", 0)) != TT_OK) {
		fprintf(stderr, "tt_media_sender: ttdt_open failed\n");
		return 1;
	}
	load = ttmedia_load(0, on_edited, 0, TTME_EDIT, "TEXT", (const unsigned char *)argv[1],
			    (int)strlen(argv[1]), 0, 0, 1);
	if (tt_ptr_error(load) != TT_OK) {
		fprintf(stderr, "tt_media_sender: %s\n", tt_status_message(tt_ptr_error(load)));
		return 1;
	}
	/* Status notices and the like that nobody takes are abandoned by the toolkit. */
	tttk_block_while(0, &waiting, 30000);
	ttdt_close(0, 0, 0);
	return edited ? 0 : 1;
}
