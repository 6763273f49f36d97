/* A legacy program where no broker runs and nothing can start one for it: tt_open starts ttbusd
 * itself (TTSESSION_CMD), once, however many programs start at the same moment. Run by
 * autostart.py, which starts the programs and checks the brokers.
 *
 *     compat_autostart handle DIR    handles one Autostart_Ping request, then exits
 *     compat_autostart request DIR   sends Autostart_Ping once the handler is ready
 *     compat_autostart outlive DIR   waits for its broker to end: tt_fd wakes it and
 *                                    tt_message_receive says TT_ERR_NOMP
 *
 * DIR/handler.ready appears once the handler has joined, DIR/outlive.ready once outlive waits. */
#include "check.h"

#include <sys/stat.h>

static void handle(const char *ready)
{
	Tt_message m;
	FILE *f;
	session_pattern(TT_HANDLE, "Autostart_Ping");
	CHECK_STATUS(tt_session_join(tt_default_session()), TT_OK);
	CHECK((f = fopen(ready, "w")) != NULL);
	fclose(f);
	m = next_message(20000);
	CHECK(m != NULL);
	CHECK_STR(tt_message_op(m), "Autostart_Ping");
	CHECK_STATUS(tt_message_arg_ival_set(m, 0, 42), TT_OK);
	CHECK_STATUS(tt_message_reply(m), TT_OK);
}

static void request(const char *ready)
{
	struct stat st;
	Tt_message m;
	int i, value = 0;
	for (i = 0; stat(ready, &st) != 0; i++) {
		CHECK(i < 2000);
		usleep(10000);
	}
	m = tt_prequest_create(TT_SESSION, "Autostart_Ping");
	CHECK_STATUS(tt_message_iarg_add(m, TT_OUT, "int", 0), TT_OK);
	CHECK_STATUS(tt_message_send(m), TT_OK);
	for (i = 0; tt_message_state(m) == TT_SENT; i++) {
		CHECK(i < 100);
		next_message(200);
	}
	CHECK_STATUS(tt_message_state(m), TT_HANDLED);
	CHECK_STATUS(tt_message_arg_ival(m, 0, &value), TT_OK);
	CHECK(value == 42);
}

static void outlive(const char *ready)
{
	struct pollfd p;
	FILE *f;
	int i;
	p.fd = tt_fd();
	p.events = POLLIN;
	CHECK((f = fopen(ready, "w")) != NULL);
	fclose(f);
	for (i = 0;; i++) {
		CHECK(i < 100);
		CHECK(poll(&p, 1, 20000) == 1);
		if (tt_ptr_error(tt_message_receive()) == TT_ERR_NOMP)
			return;
	}
}

int main(int argc, char **argv)
{
	char ready[4096], outlive_ready[4096];
	char *procid;
	CHECK(argc == 3);
	snprintf(ready, sizeof ready, "%s/handler.ready", argv[2]);
	snprintf(outlive_ready, sizeof outlive_ready, "%s/outlive.ready", argv[2]);
	procid = tt_open();
	if (tt_ptr_error(procid) != TT_OK) {
		fprintf(stderr, "tt_open: %s\n", tt_status_message(tt_ptr_error(procid)));
		return 1;
	}
	if (strcmp(argv[1], "handle") == 0)
		handle(ready);
	else if (strcmp(argv[1], "request") == 0)
		request(ready);
	else if (strcmp(argv[1], "outlive") == 0)
		outlive(outlive_ready);
	else
		return 2;
	CHECK_STATUS(tt_close(), TT_OK);
	return 0;
}
