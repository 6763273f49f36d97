/* The floor ttbus is measured against: plain sd-bus on the same bus, no broker.
 *
 *   raw_dbus echo-server                 serves Echo(s)->s as org.ttbus.BenchEcho; prints "ready"
 *   raw_dbus echo-client COUNT SIZE      COUNT blocking Echo calls with a SIZE-byte string;
 *                                        prints "calls_per_second <x>"
 *   raw_dbus subscriber                  counts Tick signals until End; prints "ready", then
 *                                        "received <n> last_usec <t>"
 *   raw_dbus emitter COUNT               broadcasts COUNT Tick signals (16 bytes) and End;
 *                                        prints "start_usec <t>"
 *   raw_dbus latency COUNT               COUNT Echo calls of 16 bytes, one at a time; prints
 *                                        "median_usec <m> p99_usec <p>" of their round trips
 *
 * Times are CLOCK_MONOTONIC microseconds, comparable across the processes of one machine. */
#include "round_trips.h"

#include <systemd/sd-bus.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_NAME "org.ttbus.BenchEcho"
#define BENCH_PATH "/org/ttbus/Bench"
#define BENCH_IFACE "org.ttbus.Bench"

static long long now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int fail(const char *what, int r)
{
	fprintf(stderr, "raw_dbus: %s: %s\n", what, strerror(-r));
	return 1;
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

static int echo(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *s = NULL;
	int r = sd_bus_message_read(m, "s", &s);
	(void)userdata;
	(void)error;
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "s", s);
}

static const sd_bus_vtable echo_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Echo", "s", "s", echo, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

/* Serves until the bus goes away or the process is terminated. */
static int serve(sd_bus *bus)
{
	for (;;) {
		int r = sd_bus_process(bus, NULL);
		if (r < 0)
			return fail("process", r);
		if (r > 0)
			continue;
		r = sd_bus_wait(bus, UINT64_MAX);
		if (r < 0 && r != -EINTR)
			return fail("wait", r);
	}
}

static int echo_server(sd_bus *bus)
{
	int r = sd_bus_add_object_vtable(bus, NULL, BENCH_PATH, BENCH_IFACE, echo_vtable, NULL);
	if (r < 0)
		return fail("vtable", r);
	r = sd_bus_request_name(bus, BENCH_NAME, 0);
	if (r < 0)
		return fail("request name", r);
	printf("ready\n");
	fflush(stdout);
	return serve(bus);
}

/* One blocking Echo call; 0, or 1 with the error told. */
static int call_echo(sd_bus *bus, const char *s)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r = sd_bus_call_method(bus, BENCH_NAME, BENCH_PATH, BENCH_IFACE, "Echo", &error, &reply, "s", s);
	if (r < 0)
		fprintf(stderr, "raw_dbus: Echo: %s\n", error.message ? error.message : strerror(-r));
	sd_bus_message_unref(reply);
	sd_bus_error_free(&error);
	return r < 0;
}

static int echo_client(sd_bus *bus, long count, size_t size)
{
	char *s = payload(size);
	long long t0 = 0;
	long i;
	/* A tenth more, untimed, first: connection setup and caches are not what is measured. */
	for (i = -count / 10; i < count; i++) {
		if (i == 0)
			t0 = now_usec();
		if (call_echo(bus, s))
			return 1;
	}
	printf("calls_per_second %.1f\n", (double)count * 1e6 / (double)(now_usec() - t0));
	free(s);
	return 0;
}

/* The raw side of tt_bench latency: an innocent client's round trips, one at a time. */
static int latency(sd_bus *bus, long count)
{
	char *s = payload(16);
	long long *took = calloc((size_t)count, sizeof *took);
	long i;
	if (took == NULL || count <= 0)
		return 1;
	for (i = 0; i < count; i++) {
		long long t0 = now_usec();
		if (call_echo(bus, s))
			return 1;
		took[i] = now_usec() - t0;
	}
	print_round_trips(took, count);
	printf("\n");
	free(took);
	free(s);
	return 0;
}

struct tally {
	long received;
	long long last_usec;
	int done;
};

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct tally *t = userdata;
	(void)error;
	if (sd_bus_message_is_signal(m, BENCH_IFACE, "Tick")) {
		t->received++;
		t->last_usec = now_usec();
	} else if (sd_bus_message_is_signal(m, BENCH_IFACE, "End")) {
		t->done = 1;
	}
	return 0;
}

static int subscriber(sd_bus *bus)
{
	struct tally t = {0, 0, 0};
	int r = sd_bus_match_signal(bus, NULL, NULL, BENCH_PATH, BENCH_IFACE, NULL, on_signal, &t);
	if (r < 0)
		return fail("match", r);
	printf("ready\n");
	fflush(stdout);
	while (!t.done) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			return fail("process", r);
		if (r > 0)
			continue;
		/* A lost End would hang the run: give up after 60 s of silence. */
		r = sd_bus_wait(bus, 60 * 1000000ULL);
		if (r == 0)
			return fail("waiting for signals", -ETIMEDOUT);
	}
	printf("received %ld last_usec %lld\n", t.received, t.last_usec);
	return 0;
}

static int emitter(sd_bus *bus, long count)
{
	char *s = payload(16);
	long i;
	int r;
	printf("start_usec %lld\n", now_usec());
	for (i = 0; i < count; i++) {
		r = sd_bus_emit_signal(bus, BENCH_PATH, BENCH_IFACE, "Tick", "s", s);
		if (r < 0)
			return fail("emit", r);
		/* sd-bus queues what the socket does not take at once; keep that queue short. */
		if (i % 64 == 63 && (r = sd_bus_flush(bus)) < 0)
			return fail("flush", r);
	}
	r = sd_bus_emit_signal(bus, BENCH_PATH, BENCH_IFACE, "End", "");
	if (r >= 0)
		r = sd_bus_flush(bus);
	if (r < 0)
		return fail("end", r);
	free(s);
	return 0;
}

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	int r, status = 2;
	if (argc < 2) {
		fprintf(stderr, "usage: raw_dbus echo-server|echo-client COUNT SIZE|subscriber|emitter COUNT|latency COUNT\n");
		return 2;
	}
	r = sd_bus_open_user(&bus);
	if (r < 0)
		return fail("connect", r);
	if (strcmp(argv[1], "echo-server") == 0)
		status = echo_server(bus);
	else if (strcmp(argv[1], "echo-client") == 0 && argc == 4)
		status = echo_client(bus, atol(argv[2]), (size_t)atol(argv[3]));
	else if (strcmp(argv[1], "subscriber") == 0)
		status = subscriber(bus);
	else if (strcmp(argv[1], "emitter") == 0 && argc == 3)
		status = emitter(bus, atol(argv[2]));
	else if (strcmp(argv[1], "latency") == 0 && argc == 3)
		status = latency(bus, atol(argv[2]));
	else
		fprintf(stderr, "raw_dbus: bad arguments\n");
	sd_bus_flush_close_unref(bus);
	return status;
}
