/* ttbus's side of the comparison with raw_dbus.c: the same exchanges, written as a legacy
 * ToolTalk program would write them (libtt, poll on tt_fd).
 *
 *   tt_bench handler                 handles BenchEcho requests, replying at once; prints "ready"
 *   tt_bench requester COUNT SIZE    COUNT requests with one SIZE-byte inout string, each sent
 *                                    and waited for; prints "calls_per_second <x>"
 *   tt_bench observer                counts BenchTick notices until BenchEnd; prints "ready",
 *                                    then "received <n> last_usec <t>"
 *   tt_bench notifier COUNT          sends COUNT BenchTick notices (16 bytes) and BenchEnd;
 *                                    prints "start_usec <t>"
 *   tt_bench stalled-observer        an observer that stops reading once it is ready (a program
 *                                    stuck elsewhere), until it is killed; prints "ready"
 *   tt_bench latency COUNT [PID...]  COUNT BenchEcho requests of 16 bytes, one at a time; prints
 *                                    "median_usec <m> p99_usec <p>" of their round trips, then
 *                                    "wait<k>_usec <w>" for itself (k 0) and each PID (k 1..): the
 *                                    mean time it waited runnable, not running, during the slowest
 *                                    1% of the round trips (run_delay of /proc/<pid>/schedstat),
 *                                    then "cpu<k>_share <s>" for each: the CPU time it used during
 *                                    the second half of the round trips over their time (1.0: a
 *                                    whole CPU; the first half lets what was queued drain)
 *   tt_bench starter COUNT           COUNT BenchStart_<i> requests, one at a time, each handled by
 *                                    a freshly started instance of ptype BenchStart_<i> (bench.py
 *                                    installs the types); prints "median_ms <m> min_ms <n>" of
 *                                    tt_message_send -> the reply
 *   tt_bench start-handler PTYPE     what those ptypes start: a started handler as a legacy one is
 *                                    written (tt_open, tt_ptype_declare, tt_fd), which replies to
 *                                    its start message and exits
 *
 * Times are CLOCK_MONOTONIC microseconds, comparable across the processes of one machine. */
#include "round_trips.h"

#include <Tt/tt_c.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void need(Tt_status s, const char *what)
{
	if (s != TT_OK) {
		fprintf(stderr, "tt_bench: %s: %s\n", what, tt_status_message(s));
		exit(1);
	}
}

static char *payload(size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		exit(1);
	memset(s, 'x', size);
	s[size] = '\0';
	return s;
}

/* The next message; a minute of silence means a lost message, and ends the run. */
static Tt_message next(void)
{
	for (;;) {
		struct pollfd p = {tt_fd(), POLLIN, 0};
		if (poll(&p, 1, 60000) <= 0) {
			fprintf(stderr, "tt_bench: nothing received for 60 s\n");
			exit(1);
		}
		Tt_message m = tt_message_receive();
		if (m != NULL && tt_ptr_error(m) == TT_OK)
			return m;
	}
}

static void open_in_session(Tt_category category, const char *op, const char *op2)
{
	need(tt_ptr_error(tt_open()), "tt_open");
	Tt_pattern p = tt_pattern_create();
	need(tt_pattern_category_set(p, category), "category");
	need(tt_pattern_scope_add(p, TT_SESSION), "scope");
	need(tt_pattern_op_add(p, op), "op");
	if (op2 != NULL)
		need(tt_pattern_op_add(p, op2), "op");
	need(tt_pattern_register(p), "register");
	need(tt_session_join(tt_default_session()), "join");
	printf("ready\n");
	fflush(stdout);
}

static Tt_message create(Tt_class cls, const char *op)
{
	Tt_message m = tt_message_create();
	need(tt_ptr_error(m), "create");
	need(tt_message_class_set(m, cls), "class");
	need(tt_message_address_set(m, TT_PROCEDURE), "address");
	need(tt_message_scope_set(m, TT_SESSION), "scope");
	need(tt_message_op_set(m, op), "op");
	return m;
}

static _Noreturn void handler(void)
{
	open_in_session(TT_HANDLE, "BenchEcho", NULL);
	for (;;) {
		Tt_message m = next();
		need(tt_message_reply(m), "reply");
		tt_message_destroy(m);
	}
}

/* One BenchEcho request with `s` as its inout string, sent and waited for. */
static void round_trip(const char *s)
{
	Tt_message m = create(TT_REQUEST, "BenchEcho");
	need(tt_message_arg_add(m, TT_INOUT, "string", s), "arg");
	need(tt_message_send(m), "send");
	for (;;) {
		Tt_message r = next();
		if (r == m && tt_message_state(m) == TT_HANDLED)
			break;
		if (r == m && tt_message_state(m) == TT_FAILED)
			need(TT_ERR_NO_MATCH, "request failed");
	}
	tt_message_destroy(m);
}

static int requester(long count, size_t size)
{
	char *s = payload(size);
	long long t0 = 0;
	long i;
	need(tt_ptr_error(tt_open()), "tt_open");
	for (i = -count / 10; i < count; i++) {
		if (i == 0)
			t0 = now_usec();
		round_trip(s);
	}
	printf("calls_per_second %.1f\n", (double)count * 1e6 / (double)(now_usec() - t0));
	free(s);
	return 0;
}

static int observer(void)
{
	long received = 0;
	long long last = 0;
	open_in_session(TT_OBSERVE, "BenchTick", "BenchEnd");
	for (;;) {
		Tt_message m = next();
		char *op = tt_message_op(m);
		int end = strcmp(op, "BenchEnd") == 0;
		tt_free(op);
		tt_message_destroy(m);
		if (end)
			break;
		received++;
		last = now_usec();
	}
	printf("received %ld last_usec %lld\n", received, last);
	return 0;
}

static int notifier(long count)
{
	char *s = payload(16);
	long i;
	need(tt_ptr_error(tt_open()), "tt_open");
	printf("start_usec %lld\n", now_usec());
	for (i = 0; i <= count; i++) {
		Tt_message m = create(TT_NOTICE, i < count ? "BenchTick" : "BenchEnd");
		need(tt_message_arg_add(m, TT_IN, "string", s), "arg");
		need(tt_message_send(m), "send");
		tt_message_destroy(m);
	}
	tt_close();
	free(s);
	return 0;
}

static _Noreturn void stalled_observer(void)
{
	open_in_session(TT_OBSERVE, "BenchTick", "BenchEnd");
	for (;;)
		pause();
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* How long the process of `schedstat` (an open /proc/<pid>/schedstat) has run and has waited
 * runnable, not running, in µs; 0 when unknown. */
static long long schedstat_usec(int schedstat, int field)
{
	char b[96];
	long long running, waiting;
	ssize_t n = schedstat < 0 ? -1 : pread(schedstat, b, sizeof b - 1, 0);
	if (n <= 0)
		return 0;
	b[n] = '\0';
	if (sscanf(b, "%lld %lld", &running, &waiting) != 2)
		return 0;
	return (field == 0 ? running : waiting) / 1000;
}

/* pids[0] is this process ("self"). */
static int latency(long count, char **pids, int npids)
{
	char *s = payload(16);
	long long *took = calloc((size_t)count, sizeof *took);
	long long *waited = calloc((size_t)(count * npids), sizeof *waited);
	long long *ran = calloc((size_t)npids, sizeof *ran);
	int *schedstat = calloc((size_t)npids, sizeof *schedstat);
	long i, slow = 0;
	int k;
	if (took == NULL || waited == NULL || ran == NULL || schedstat == NULL || count <= 0)
		return 1;
	for (k = 0; k < npids; k++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%s/schedstat", pids[k]);
		schedstat[k] = open(path, O_RDONLY | O_CLOEXEC);
	}
	need(tt_ptr_error(tt_open()), "tt_open");
	long long half = 0;
	for (i = 0; i < count; i++) {
		if (i == count / 2) {
			half = now_usec();
			for (k = 0; k < npids; k++)
				ran[k] = -schedstat_usec(schedstat[k], 0);
		}
		for (k = 0; k < npids; k++)
			waited[i * npids + k] = -schedstat_usec(schedstat[k], 1);
		long long t0 = now_usec();
		round_trip(s);
		took[i] = now_usec() - t0;
		for (k = 0; k < npids; k++)
			waited[i * npids + k] += schedstat_usec(schedstat[k], 1);
	}
	half = now_usec() - half;
	for (k = 0; k < npids; k++)
		ran[k] += schedstat_usec(schedstat[k], 0);
	/* The slowest 1%: those at least as slow as the p99 (of a sorted copy). */
	long long *sorted = malloc((size_t)count * sizeof *sorted);
	if (sorted == NULL)
		return 1;
	memcpy(sorted, took, (size_t)count * sizeof *sorted);
	long long p99 = print_round_trips(sorted, count), sums[16] = {0};
	for (i = 0; i < count; i++) {
		if (took[i] < p99)
			continue;
		slow++;
		for (k = 0; k < npids && k < 16; k++)
			sums[k] += waited[i * npids + k];
	}
	for (k = 0; k < npids && k < 16; k++)
		printf(" wait%d_usec %lld", k, sums[k] / slow);
	for (k = 0; k < npids; k++)
		printf(" cpu%d_share %.3f", k, half > 0 ? (double)ran[k] / (double)half : 0.0);
	printf("\n");
	free(sorted);
	free(schedstat);
	free(ran);
	free(waited);
	free(took);
	free(s);
	return 0;
}

static int start_handler(const char *ptype)
{
	need(tt_ptr_error(tt_open()), "tt_open");
	need(tt_ptype_declare(ptype), "tt_ptype_declare");
	for (;;) {
		Tt_message m = next();
		if (tt_message_status(m) != TT_WRN_START_MESSAGE) {
			tt_message_reject(m);
			continue;
		}
		need(tt_message_arg_val_set(m, 0, "ok"), "arg");
		need(tt_message_reply(m), "reply");
		tt_message_destroy(m);
		tt_close();
		return 0;
	}
}

static int starter(long count)
{
	double *ms = calloc((size_t)count, sizeof *ms);
	long i;
	if (ms == NULL || count <= 0)
		return 1;
	need(tt_ptr_error(tt_open()), "tt_open");
	for (i = 0; i < count; i++) {
		char op[64];
		snprintf(op, sizeof op, "BenchStart_%ld", i);
		Tt_message m = create(TT_REQUEST, op);
		need(tt_message_arg_add(m, TT_OUT, "string", NULL), "arg");
		long long t0 = now_usec();
		need(tt_message_send(m), "send");
		for (;;) {
			Tt_message r = next();
			if (r != m)
				continue;
			if (tt_message_state(m) == TT_HANDLED)
				break;
			if (tt_message_state(m) == TT_FAILED)
				need(TT_ERR_PTYPE_START, "start");
		}
		ms[i] = (double)(now_usec() - t0) / 1000.0;
		tt_message_destroy(m);
	}
	qsort(ms, (size_t)count, sizeof *ms, by_double);
	printf("median_ms %.3f min_ms %.3f\n", (ms[(count - 1) / 2] + ms[count / 2]) / 2, ms[0]);
	free(ms);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "handler") == 0)
		handler();
	if (argc == 4 && strcmp(argv[1], "requester") == 0)
		return requester(atol(argv[2]), (size_t)atol(argv[3]));
	if (argc == 2 && strcmp(argv[1], "observer") == 0)
		return observer();
	if (argc == 3 && strcmp(argv[1], "notifier") == 0)
		return notifier(atol(argv[2]));
	if (argc == 2 && strcmp(argv[1], "stalled-observer") == 0)
		stalled_observer();
	if (argc >= 3 && argc <= 17 && strcmp(argv[1], "latency") == 0) {
		static char self[] = "self";
		long count = atol(argv[2]);
		argv[2] = self;  /* the round trips' own process, then the PIDs */
		return latency(count, argv + 2, argc - 2);
	}
	if (argc == 3 && strcmp(argv[1], "starter") == 0)
		return starter(atol(argv[2]));
	if (argc == 3 && strcmp(argv[1], "start-handler") == 0)
		return start_handler(argv[2]);
	fprintf(stderr, "usage: tt_bench handler|requester COUNT SIZE|observer|notifier COUNT|stalled-observer|latency COUNT [PID...]"
			"|starter COUNT|start-handler PTYPE\n");
	return 2;
}
