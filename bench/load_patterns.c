/* Loads ttbusd for the memory figure: PROCIDS procids with PATTERNS patterns each, every pattern
 * on its own op. The per-connection limits (64 procids, 4,096 patterns) are respected by spreading
 * the procids over as many connections as needed, the way many clients would.
 *
 *   load_patterns PROCIDS PATTERNS    prints "loaded <patterns>" and holds everything open until
 *                                     its stdin closes
 *
 * Registrations are pipelined (asynchronous calls) so that loading 100,000 patterns is quick. */
#include <systemd/sd-bus.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME "org.ttbus.Broker1"
#define PATH "/org/ttbus/Broker1"

static long answered, failed;

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	(void)userdata;
	(void)error;
	answered++;
	if (sd_bus_message_is_method_error(m, NULL)) {
		if (failed++ == 0)
			fprintf(stderr, "load_patterns: %s\n", sd_bus_message_get_error(m)->message);
	}
	return 0;
}

static int register_pattern(sd_bus *bus, const char *procid, long n)
{
	sd_bus_message *m = NULL;
	char op[32];
	snprintf(op, sizeof op, "Op%ld", n);
	int r = sd_bus_message_new_method_call(bus, &m, NAME, PATH, "org.ttbus.Procid1", "PatternRegister");
	if (r >= 0)
		r = sd_bus_message_append(m, "sa{sv}", procid, 3, "category", "i", n % 2 ? 1 : 2, "scopes", "ai", 1, 1,
					  "ops", "as", 1, op);
	if (r >= 0)
		r = sd_bus_call_async(bus, NULL, m, on_reply, NULL, 0);
	sd_bus_message_unref(m);
	return r;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: load_patterns PROCIDS PATTERNS\n");
		return 2;
	}
	long procids = atol(argv[1]), patterns = atol(argv[2]);
	long per_connection = patterns > 0 ? 4096 / patterns : 64;
	if (per_connection > 64)
		per_connection = 64;
	if (per_connection < 1)
		return 2;
	long connections = (procids + per_connection - 1) / per_connection;
	sd_bus **buses = calloc((size_t)connections, sizeof *buses);
	long sent = 0, n = 0;
	for (long c = 0; c < connections; c++) {
		if (sd_bus_open_user(&buses[c]) < 0)
			return 1;
		for (long p = 0; p < per_connection && c * per_connection + p < procids; p++) {
			sd_bus_error error = SD_BUS_ERROR_NULL;
			sd_bus_message *reply = NULL;
			const char *procid = NULL;
			if (sd_bus_call_method(buses[c], NAME, PATH, "org.ttbus.Broker1", "Open", &error, &reply, "a{sv}", 0) < 0 ||
			    sd_bus_message_read(reply, "s", &procid) < 0) {
				fprintf(stderr, "load_patterns: Open: %s\n", error.message ? error.message : "bad reply");
				return 1;
			}
			for (long i = 0; i < patterns; i++, sent++) {
				if (register_pattern(buses[c], procid, n++) < 0)
					return 1;
			}
			sd_bus_message_unref(reply);
		}
		/* Connection by connection, so that no write queue grows without bound. */
		while (answered < sent) {
			int r = sd_bus_process(buses[c], NULL);
			if (r < 0)
				return 1;
			if (r == 0 && sd_bus_wait(buses[c], 30 * 1000000ULL) <= 0)
				return 1;
		}
	}
	printf("loaded %ld\n", sent - failed);
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof buf) > 0) {
	}
	for (long c = 0; c < connections; c++)
		sd_bus_flush_close_unref(buses[c]);
	free(buses);
	return failed == 0 ? 0 : 1;
}
