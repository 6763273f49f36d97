/* The round-trip figures both sides of the comparison print (raw_dbus.c and tt_bench.c latency). */
#ifndef TTBUS_BENCH_ROUND_TRIPS_H
#define TTBUS_BENCH_ROUND_TRIPS_H

#include <stdio.h>
#include <stdlib.h>

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

/* Prints "median_usec <m> p99_usec <p>" of COUNT round trips of TOOK microseconds (sorted here),
 * without the end of the line; returns the p99. */
static long long print_round_trips(long long *took, long count)
{
	qsort(took, (size_t)count, sizeof *took, by_value);
	printf("median_usec %lld p99_usec %lld", took[count / 2], took[count * 99 / 100]);
	return took[count * 99 / 100];
}

#endif
