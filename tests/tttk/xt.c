/* An Xt program joined the way dtpad and dticon are: tt_fd() served by XtAppAddInput with
 * tttk_Xt_input_handler, ttdt_session_join given its shell widget and no callback, so the
 * toolkit answers Get/Set_Geometry, Get/Set_Mapped, Raise, Lower, Get_XInfo and Quit on the
 * shell; tttk_block_while waits inside the Xt loop. Idle, it makes no wake-ups. Runs under Xvfb. */
#include "wait.h"

#include <X11/Intrinsic.h>
#include <X11/Shell.h>
#include <X11/StringDefs.h>
#include <X11/Xatom.h>
#include <time.h>

static gate joined, ready;
static int closing, unpoked = 1;

/* The asker's poke, taken by our own pattern's callback inside the Xt loop. */
static Tt_callback_action on_poke(Tt_message m, Tt_pattern p)
{
	(void)p;
	unpoked = 0;
	tt_message_reply(m);
	tt_message_destroy(m);
	return TT_CALLBACK_PROCESSED;
}

static void on_client_message(Widget w, XtPointer data, XEvent *e, Boolean *go_on)
{
	(void)data;
	(void)go_on;
	if (e->type == ClientMessage &&
	    (Atom)e->xclient.data.l[0] == XInternAtom(XtDisplay(w), "WM_DELETE_WINDOW", False))
		closing = 1;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void xt_tool(void *arg)
{
	XtAppContext app;
	Widget shell;
	int argc = 1, fd = -1, unanswered = 1;
	char *argv[] = {"tttk_xt", NULL};
	char *procid;
	Tt_pattern *pats, poke;
	long long t0;
	(void)arg;
	peer_ready();
	shell = XtOpenApplication(&app, "TttkXt", NULL, 0, &argc, argv, NULL, applicationShellWidgetClass, NULL, 0);
	CHECK(shell != NULL);
	XtVaSetValues(shell, XtNwidth, 200, XtNheight, 100, XtNx, 10, XtNy, 20, NULL);
	XtRealizeWidget(shell);
	XtAddEventHandler(shell, NoEventMask, True, on_client_message, NULL);

	procid = ttdt_open(&fd, "XtTool", "ttbus tests", "1", 0);
	CHECK(tt_ptr_error(procid) == TT_OK && fd >= 0);
	pats = ttdt_session_join(0, 0, shell, 0, 1);
	CHECK(tt_ptr_error(pats) == TT_OK);
	XtAppAddInput(app, fd, (XtPointer)XtInputReadMask, tttk_Xt_input_handler, procid);

	poke = session_pattern(TT_HANDLE, "Tttk_Poke");
	CHECK_STATUS(tt_pattern_callback_add(poke, on_poke), TT_OK);

	/* Blocking inside the Xt loop: the asker's poke comes through the input handler while we
	 * wait; a flag nobody clears times out. */
	gate_pass(joined);
	CHECK_STATUS(tttk_block_while(app, &unpoked, 10000), TT_OK);
	t0 = now_ms();
	CHECK_STATUS(tttk_block_while(app, &unanswered, 200), TT_DESKTOP_ETIMEDOUT);
	CHECK(now_ms() - t0 >= 190);

	gate_pass(ready);
	while (!closing)
		XtAppProcessEvent(app, XtIMAll);
	CHECK_STATUS(ttdt_session_quit(0, pats, 1), TT_OK);
	CHECK_STATUS(ttdt_close(0, 0, 0), TT_OK);
}

/* CPU ticks (user + system) and voluntary context switches of pid. */
static void usage(pid_t pid, long *ticks, long *switches)
{
	char name[64], line[256];
	unsigned long utime = 0, stime = 0;
	FILE *f;
	snprintf(name, sizeof name, "/proc/%d/stat", (int)pid);
	f = fopen(name, "r");
	CHECK(f != NULL);
	CHECK(fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) == 2);
	fclose(f);
	*ticks = (long)(utime + stime);
	snprintf(name, sizeof name, "/proc/%d/status", (int)pid);
	f = fopen(name, "r");
	CHECK(f != NULL);
	*switches = -1;
	while (fgets(line, sizeof line, f) != NULL)
		sscanf(line, "voluntary_ctxt_switches: %ld", switches);
	fclose(f);
	CHECK(*switches >= 0);
}

static Tt_message ask_ints(const char *op, int n, const int *in, Tt_mode mode)
{
	static const char *vtypes[] = {"width", "height", "xOffset", "yOffset"};
	Tt_message m = request(op);
	int i;
	for (i = 0; i < n; ++i)
		CHECK_STATUS(tt_message_iarg_add(m, mode, n == 4 ? vtypes[i] : Tttk_boolean, in ? in[i] : 0), TT_OK);
	ask(m, 0);
	return m;
}

static int ival(Tt_message m, int n)
{
	int v = -1;
	CHECK_STATUS(tt_message_arg_ival(m, n, &v), TT_OK);
	return v;
}

static void check_geometry(int w, int h, int x, int y)
{
	Tt_message m = ask_ints("Get_Geometry", 4, NULL, TT_OUT);
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	CHECK_STATUS(ival(m, 0), w);
	CHECK_STATUS(ival(m, 1), h);
	CHECK_STATUS(ival(m, 2), x);
	CHECK_STATUS(ival(m, 3), y);
	tt_message_destroy(m);
}

static void simple(const char *op, int n, int value, Tt_state want)
{
	int in[2] = {value, 0};
	Tt_message m = ask_ints(op, n, in, TT_IN);
	CHECK_STATUS(tt_message_state(m), want);
	if (want == TT_FAILED)
		CHECK_STATUS(tt_message_status(m), TT_DESKTOP_ENOTSUP);
	tt_message_destroy(m);
}

static int get_flag(const char *op)
{
	Tt_message m = ask_ints(op, 1, NULL, TT_OUT);
	int v;
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	v = ival(m, 0);
	tt_message_destroy(m);
	return v;
}

int main(void)
{
	static const int geometry[4] = {300, 150, 30, 40};
	long ticks0, ticks1, sw0, sw1;
	Tt_message m;
	pid_t pid;
	int i;

	joined = gate_make();
	ready = gate_make();
	pid = spawn_peer(xt_tool, NULL);
	CHECK(tt_ptr_error(ttdt_open(NULL, "XtAsker", "ttbus tests", "1", 0)) == TT_OK);
	gate_wait(joined);
	CHECK_STATUS(ask(request("Tttk_Poke"), 0), TT_HANDLED);
	gate_wait(ready);

	/* Idle: Xt sleeps in poll() on the X connection and tt_fd(); nothing wakes it. */
	usleep(200 * 1000);
	usage(pid, &ticks0, &sw0);
	sleep(2);
	usage(pid, &ticks1, &sw1);
	printf("idle 2 s: %ld CPU ticks, %ld voluntary context switches\n", ticks1 - ticks0, sw1 - sw0);
	CHECK(ticks1 - ticks0 <= 1);
	CHECK_STATUS(sw1 - sw0, 0);

	check_geometry(200, 100, 10, 20);
	m = ask_ints("Set_Geometry", 4, geometry, TT_INOUT);
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	for (i = 0; i < 4; ++i)
		CHECK_STATUS(ival(m, i), geometry[i]);
	tt_message_destroy(m);
	check_geometry(300, 150, 30, 40);

	/* Iconic first: Xt's shell takes an unmap it did not ask for (Set_Mapped below) as iconified. */
	CHECK_STATUS(get_flag("Get_Iconified"), 0);
	simple("Set_Iconified", 1, 1, TT_HANDLED);
	CHECK_STATUS(get_flag("Get_Iconified"), 1);
	simple("Set_Iconified", 1, 0, TT_HANDLED);
	CHECK_STATUS(get_flag("Get_Iconified"), 0);
	CHECK_STATUS(get_flag("Get_Mapped"), 1);
	simple("Set_Mapped", 1, 0, TT_HANDLED);
	CHECK_STATUS(get_flag("Get_Mapped"), 0);
	simple("Set_Mapped", 1, 1, TT_HANDLED);
	CHECK_STATUS(get_flag("Get_Mapped"), 1);
	simple("Pause", 0, 0, TT_HANDLED);
	simple("Resume", 0, 0, TT_HANDLED);
	simple("Raise", 0, 0, TT_HANDLED);
	simple("Lower", 0, 0, TT_HANDLED);

	m = request("Get_XInfo");
	CHECK_STATUS(tt_message_arg_add(m, TT_OUT, Tttk_string, NULL), TT_OK);
	CHECK_STATUS(tt_message_arg_add(m, TT_OUT, Tttk_string, NULL), TT_OK);
	CHECK_STATUS(tt_message_iarg_add(m, TT_OUT, Tttk_integer, 0), TT_OK);
	CHECK_STATUS(ask(m, 0), TT_HANDLED);
	CHECK_STR(tt_message_arg_val(m, 0), getenv("DISPLAY"));
	CHECK_STR(tt_message_arg_val(m, 1), "TrueColor");
	CHECK_STATUS(ival(m, 2), 24);
	tt_message_destroy(m);

	/* A window manager's close is neither silent nor forced. */
	simple("Quit", 2, 1, TT_FAILED);
	simple("Quit", 2, 0, TT_HANDLED);
	reap_peer(pid);
	CHECK_STATUS(ttdt_close(NULL, NULL, 0), TT_OK);
	return 0;
}
