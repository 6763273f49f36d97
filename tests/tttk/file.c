/* ttdt_file_join and ttdt_file_event between two processes, as dtmail and dtfile use them: the
 * editor says the file is Modified (and from then on answers Save, Revert and Get_Modified for
 * it), the watcher sees the notices, asks ttdt_Get_Modified and ttdt_Save, which the editor
 * answers, and times out on a Revert the editor keeps unanswered (TT_DESKTOP_ETIMEDOUT). */
#include "wait.h"

static char path[512];
static gate go, quit;
static int editing = 1;
static Tt_pattern *editor_pats;

static Tt_message on_editor_file(Tt_message msg, Tttk_op op, char *pathname, void *clientdata, int same_euid_egid,
				 int same_procid)
{
	(void)clientdata;
	(void)same_euid_egid;
	CHECK(pathname != NULL && strcmp(pathname, path) == 0);
	tt_free(pathname);
	switch (op) {
	case TTDT_SAVE:
		CHECK(!same_procid);
		CHECK_STATUS(tt_message_reply(msg), TT_OK);
		tttk_message_destroy(msg);
		CHECK_STATUS(ttdt_file_event(0, TTDT_SAVED, editor_pats, 1), TT_OK);
		return 0;
	case TTDT_REVERT:
		/* Kept, never answered: the asker times out. */
		return 0;
	case TTDT_SAVED:
		/* Our own notice comes back to us too: the end. */
		if (same_procid)
			editing = 0;
		tttk_message_destroy(msg);
		return 0;
	default:
		/* Get_Modified: the toolkit answers (the file is modified while we handle it). */
		return msg;
	}
}

static void editor(void *arg)
{
	(void)arg;
	peer_ready();
	gate_wait(go);
	CHECK(tt_ptr_error(ttdt_open(NULL, "FileEditor", "ttbus tests", "1", 0)) == TT_OK);
	editor_pats = ttdt_file_join(path, TT_SCOPE_NONE, 1, on_editor_file, NULL);
	CHECK(tt_ptr_error(editor_pats) == TT_OK && editor_pats != NULL);
	CHECK_STATUS(ttdt_file_event(0, TTDT_MODIFIED, editor_pats, 1), TT_OK);
	CHECK_STATUS(tttk_block_while(0, &editing, 20000), TT_OK);
	gate_wait(quit);
	CHECK_STATUS(ttdt_file_quit(editor_pats, 1), TT_OK);
	CHECK_STATUS(ttdt_close(NULL, NULL, 0), TT_OK);
}

struct seen {
	int modified, saved, from_me, asked;
};

static Tt_message on_watched_file(Tt_message msg, Tttk_op op, char *pathname, void *clientdata, int same_euid_egid,
				  int same_procid)
{
	struct seen *seen = clientdata;
	CHECK(pathname != NULL && strcmp(pathname, path) == 0);
	CHECK(same_euid_egid);
	tt_free(pathname);
	if (same_procid && op != TTDT_GET_MODIFIED)
		seen->from_me = 1; /* a notice of ours: there should be none */
	if (op == TTDT_MODIFIED)
		seen->modified = 0;
	if (op == TTDT_SAVED)
		seen->saved = 0;
	if (op == TTDT_GET_MODIFIED) {
		/* The answer to our own ttdt_file_request. */
		CHECK_STATUS(tt_message_state(msg), TT_HANDLED);
		CHECK_STATUS(same_procid, 1);
		CHECK(tt_message_arg_ival(msg, 1, &seen->asked) == TT_OK && seen->asked == 1);
		seen->asked = 0;
	}
	tttk_message_destroy(msg);
	return 0;
}

int main(void)
{
	struct seen seen = {1, 1, 0, 1};
	Tt_message m;
	Tt_pattern *pats;
	pid_t pid;
	const char *dir = getenv("TTBUS_TEST_DIR");
	FILE *f;

	CHECK(dir != NULL);
	snprintf(path, sizeof path, "%s/document.txt", dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	fclose(f);
	go = gate_make();
	quit = gate_make();
	pid = spawn_peer(editor, NULL);

	CHECK(tt_ptr_error(ttdt_open(NULL, "FileWatcher", "ttbus tests", "1", 0)) == TT_OK);
	pats = ttdt_file_join(path, TT_SCOPE_NONE, 1, on_watched_file, &seen);
	CHECK(tt_ptr_error(pats) == TT_OK && pats != NULL && pats[0] != NULL && pats[1] == NULL);
	gate_pass(go);

	CHECK_STATUS(tttk_block_while(0, &seen.modified, 10000), TT_OK);
	CHECK_STATUS(ttdt_Get_Modified(0, path, TT_SCOPE_NONE, 0, 10000), 1);
	m = ttdt_file_request(0, TTDT_GET_MODIFIED, TT_SCOPE_NONE, path, on_watched_file, &seen, 1);
	CHECK(tt_ptr_error(m) == TT_OK && m != NULL);
	CHECK_STATUS(tttk_block_while(0, &seen.asked, 10000), TT_OK);
	CHECK_STATUS(ttdt_Revert(0, path, TT_SCOPE_NONE, 0, 300), TT_DESKTOP_ETIMEDOUT);
	CHECK_STATUS(ttdt_Save(0, path, TT_SCOPE_NONE, 0, 10000), TT_OK);
	CHECK_STATUS(tttk_block_while(0, &seen.saved, 10000), TT_OK);
	CHECK(!seen.from_me);
	/* Saved: nobody answers for the file any more. */
	CHECK_STATUS(ttdt_Get_Modified(0, path, TT_SCOPE_NONE, 0, 10000), 0);
	CHECK(ttdt_Save(0, path, TT_SCOPE_NONE, 0, 10000) != TT_OK);

	gate_pass(quit);
	reap_peer(pid);
	CHECK_STATUS(ttdt_file_quit(pats, 1), TT_OK);
	CHECK_STATUS(ttdt_close(NULL, NULL, 0), TT_OK);
	return 0;
}
