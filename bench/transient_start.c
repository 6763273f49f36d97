/* The floor for starting a handler through systemd: StartTransientUnit, straight to the user
 * manager, of a program whose first act is to note the time. ttbus's start latency (request sent
 * -> start message received by the started handler) is compared with this.
 *
 *   transient_start COUNT DIR     COUNT starts, one at a time; prints "median_ms <x> min_ms <y>"
 *   transient_start --stamp FILE  (what the unit runs) writes the CLOCK_REALTIME usec to FILE
 *
 * CLOCK_REALTIME, because the started process is not ours to ask: both ends read the same clock. */
#include <systemd/sd-bus.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int stamp(const char *file)
{
	long long t = now_usec();
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return 1;
	fprintf(f, "%lld\n", t);
	fclose(f);
	return rename(tmp, file) == 0 ? 0 : 1; /* the reader never sees a half-written file */
}

/* StartTransientUnit(name, "fail", [Type=exec, ExecStart=self --stamp file, CollectMode], []) */
static int start_unit(sd_bus *bus, const char *name, const char *self, const char *file)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					       "org.freedesktop.systemd1.Manager", "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", name, "fail");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)", "Type", "s", "exec", "CollectMode", "s",
					  "inactive-or-failed");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd_bus_message_append(m, "s", "ExecStart");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'v', "a(sasb)");
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sasb)", 1, self, 3, self, "--stamp", file, 0);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, &error, &reply);
	if (r < 0)
		fprintf(stderr, "transient_start: %s\n", error.message ? error.message : strerror(-r));
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	return r;
}

static long long wait_stamp(const char *file)
{
	for (int waited = 0; waited < 10000000; waited += 100) {
		FILE *f = fopen(file, "r");
		if (f != NULL) {
			long long t = 0;
			int n = fscanf(f, "%lld", &t);
			fclose(f);
			if (n == 1)
				return t;
		}
		usleep(100);
	}
	return -1;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--stamp") == 0)
		return stamp(argv[2]);
	if (argc != 3) {
		fprintf(stderr, "usage: transient_start COUNT DIR | --stamp FILE\n");
		return 2;
	}
	int count = atoi(argv[1]);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (count <= 0 || n <= 0)
		return 2;
	self[n] = '\0';
	sd_bus *bus = NULL;
	if (sd_bus_open_user(&bus) < 0)
		return 1;
	double *ms = calloc((size_t)count, sizeof *ms);
	for (int i = 0; i < count; i++) {
		char name[128], file[PATH_MAX];
		snprintf(name, sizeof name, "ttbus-bench-%d-%d.service", (int)getpid(), i);
		snprintf(file, sizeof file, "%s/transient.%d", argv[2], i);
		long long sent = now_usec();
		if (start_unit(bus, name, self, file) < 0)
			return 1;
		long long ran = wait_stamp(file);
		if (ran < 0)
			return 1;
		ms[i] = (double)(ran - sent) / 1000.0;
	}
	qsort(ms, (size_t)count, sizeof *ms, compare);
	printf("median_ms %.3f min_ms %.3f\n", (ms[(count - 1) / 2] + ms[count / 2]) / 2, ms[0]);
	free(ms);
	sd_bus_flush_close_unref(bus);
	return 0;
}
