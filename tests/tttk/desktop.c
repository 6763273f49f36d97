/* The POSIX requests of the Desktop message set (Get/Set_Locale, Get/Set_Environment,
 * Get/Set_Situation, Signal, Get_Sysinfo) are answered by the toolkit for a program that only
 * called ttdt_open and ttdt_session_join; Get_Status names the tool; ttdt_open's Started notice
 * carries toolName, vendor, version in that order. The joined program loads no Xt. */
#include "wait.h"

#include <signal.h>
#include <sys/utsname.h>

static volatile int running = 1;
static gate go, joined;

static void on_usr1(int sig)
{
	(void)sig;
	running = 0;
}

/* No application code answers anything here: only the toolkit. */
static void tool(void *arg)
{
	FILE *maps;
	char line[512];
	Tt_pattern *pats;
	(void)arg;
	signal(SIGUSR1, on_usr1);
	peer_ready();
	gate_wait(go);
	CHECK(tt_ptr_error(ttdt_open(NULL, "DeskTool", "ttbus tests", "1.5", 1)) == TT_OK);
	pats = ttdt_session_join(NULL, NULL, NULL, NULL, 1);
	CHECK(tt_ptr_error(pats) == TT_OK && pats != NULL && pats[0] != NULL);
	/* Nothing of X came with the toolkit. */
	maps = fopen("/proc/self/maps", "r");
	CHECK(maps != NULL);
	while (fgets(line, sizeof line, maps) != NULL)
		CHECK(strstr(line, "libXt") == NULL && strstr(line, "libX11") == NULL);
	fclose(maps);
	gate_pass(joined);
	/* Signal("SIGUSR1") ends this: the handler clears running, the poll is interrupted. */
	while (running)
		tttk_block_while(0, (const int *)&running, 20000);
	CHECK_STATUS(ttdt_session_quit(NULL, pats, 1), TT_OK);
	CHECK_STATUS(ttdt_close(NULL, NULL, 1), TT_OK);
}

static char *get1(const char *op, const char *in, int outs, int want_out)
{
	Tt_message m = request(op);
	char *v;
	int i;
	if (in != NULL)
		CHECK_STATUS(tt_message_arg_add(m, TT_IN, Tttk_string, in), TT_OK);
	for (i = 0; i < outs; ++i)
		CHECK_STATUS(tt_message_arg_add(m, TT_OUT, Tttk_string, NULL), TT_OK);
	CHECK_STATUS(ask(m, 0), TT_HANDLED);
	v = tt_message_arg_val(m, want_out);
	CHECK(tt_ptr_error(v) == TT_OK);
	tt_message_destroy(m);
	return v;
}

static Tt_message set2(const char *op, const char *a, const char *b)
{
	Tt_message m = request(op);
	CHECK_STATUS(tt_message_arg_add(m, TT_IN, Tttk_string, a), TT_OK);
	if (b != NULL)
		CHECK_STATUS(tt_message_arg_add(m, TT_IN, Tttk_string, b), TT_OK);
	ask(m, 0);
	return m;
}

static void set_ok(const char *op, const char *a, const char *b)
{
	Tt_message m = set2(op, a, b);
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	tt_message_destroy(m);
}

static void set_fails(const char *op, const char *a, const char *b, Tt_status want)
{
	Tt_message m = set2(op, a, b);
	CHECK_STATUS(tt_message_state(m), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), want);
	tt_message_destroy(m);
}

int main(void)
{
	Tt_pattern started;
	Tt_message m;
	char *tool_procid;
	struct utsname u;
	pid_t pid;
	int i;

	go = gate_make();
	joined = gate_make();
	pid = spawn_peer(tool, NULL);
	CHECK(tt_ptr_error(ttdt_open(NULL, "DeskAsker", "ttbus tests", "1", 0)) == TT_OK);
	started = session_pattern(TT_OBSERVE, "Started");
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	gate_pass(go);

	m = next_message(5000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Started");
	CHECK_STR(tt_message_arg_val(m, 0), "DeskTool");
	CHECK_STR(tt_message_arg_val(m, 1), "ttbus tests");
	CHECK_STR(tt_message_arg_val(m, 2), "1.5");
	tool_procid = tt_message_sender(m);
	tt_message_destroy(m);
	tt_pattern_destroy(started);
	gate_wait(joined);

	CHECK(uname(&u) == 0);
	CHECK_STR(get1("Get_Sysinfo", NULL, 5, 0), u.sysname);
	CHECK_STR(get1("Get_Sysinfo", NULL, 5, 1), u.nodename);
	CHECK_STR(get1("Get_Sysinfo", NULL, 5, 2), u.release);
	CHECK_STR(get1("Get_Sysinfo", NULL, 5, 3), u.version);
	CHECK_STR(get1("Get_Sysinfo", NULL, 5, 4), u.machine);

	set_ok("Set_Environment", "TTTK_TEST_VAR", "forty two");
	CHECK_STR(get1("Get_Environment", "TTTK_TEST_VAR", 1, 1), "forty two");

	set_ok("Set_Situation", "/", NULL);
	CHECK_STR(get1("Get_Situation", NULL, 1, 0), "/");
	set_fails("Set_Situation", "/nonexistent/ttbus", NULL, TT_DESKTOP_ENOENT);
	CHECK_STR(get1("Get_Situation", NULL, 1, 0), "/");

	set_ok("Set_Locale", "LC_ALL", "C");
	CHECK_STR(get1("Get_Locale", "LC_CTYPE", 1, 1), "C");
	set_fails("Set_Locale", "LC_NOSUCH", "C", TT_DESKTOP_EINVAL);
	set_fails("Signal", "SIGNOSUCH", NULL, TT_DESKTOP_EINVAL);

	/* Get_Status: the toolkit fills in who the tool is. */
	m = request("Get_Status");
	for (i = 0; i < 4; ++i)
		CHECK_STATUS(tt_message_arg_add(m, TT_OUT, Tttk_string, NULL), TT_OK);
	CHECK_STATUS(ask(m, 0), TT_HANDLED);
	CHECK_STR(tt_message_arg_val(m, 1), "ttbus tests");
	CHECK_STR(tt_message_arg_val(m, 2), "DeskTool");
	CHECK_STR(tt_message_arg_val(m, 3), "1.5");
	tt_message_destroy(m);

	/* Quit: no callback and no shell, so nobody takes it; the toolkit abandons it: rejected, so
	 * that another handler may take it; there is none. */
	m = request("Quit");
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, Tttk_boolean, 0), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_IN, Tttk_boolean, 0), TT_OK);
	CHECK_STATUS(ask(m, 0), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_ERR_NO_MATCH);
	tt_message_destroy(m);

	/* A request addressed to the tool itself that nothing takes: abandoned by failing it. */
	m = tttk_message_create(0, TT_REQUEST, TT_SESSION, tool_procid, "Tttk_Unknown", answered_cb);
	CHECK(tt_ptr_error(m) == TT_OK);
	CHECK_STATUS(tt_message_address(m), TT_HANDLER);
	CHECK_STATUS(ask(m, 0), TT_FAILED);
	CHECK_STATUS(tt_message_status(m), TT_DESKTOP_ENOTSUP);
	tt_message_destroy(m);

	/* Bad input: the status, nothing sent, nothing changed. */
	CHECK_STATUS(tttk_message_fail(NULL, TT_DESKTOP_EINVAL, "x", 1), TT_ERR_POINTER);
	CHECK_STATUS(tttk_message_reject(NULL, TT_DESKTOP_EINVAL, "x", 1), TT_ERR_POINTER);
	CHECK_STATUS(tttk_message_destroy(NULL), TT_ERR_POINTER);
	CHECK_STATUS(tttk_message_abandon(NULL), TT_ERR_POINTER);
	CHECK(tt_ptr_error(ttdt_message_accept(NULL, NULL, NULL, NULL, 1, 1)) == TT_ERR_POINTER);
	CHECK(tt_ptr_error(ttdt_subcontract_manage(NULL, NULL, NULL, NULL)) == TT_ERR_POINTER);
	CHECK(tt_ptr_error(ttdt_file_join(NULL, TT_SCOPE_NONE, 1, NULL, NULL)) == TT_ERR_FILE);
	CHECK_STATUS(ttdt_file_event(0, TTDT_MODIFIED, NULL, 1), TT_ERR_POINTER);
	CHECK_STATUS(ttdt_file_quit(NULL, 1), TT_ERR_POINTER);
	CHECK_STATUS(ttmedia_ptype_declare(NULL, 0, NULL, NULL, 1), TT_ERR_PTYPE);
	CHECK_STATUS(ttmedia_ptype_declare("Tttk_None", 0, NULL, NULL, 1), TT_ERR_POINTER);
	CHECK_STATUS(ttmedia_load_reply(NULL, (const unsigned char *)"x", 1, 1), TT_ERR_POINTER);
	CHECK_STATUS(ttdt_session_quit(NULL, NULL, 0), TT_OK);

	set_ok("Signal", "SIGUSR1", NULL);
	reap_peer(pid);
	CHECK_STATUS(ttdt_close(NULL, NULL, 0), TT_OK);
	return 0;
}
