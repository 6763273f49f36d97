#!/usr/bin/env python3
"""A flood of notices costs an innocent client little: every party is a libtt program of its own
(bench/tt_bench.c) on a real bus with a real broker (run under busenv.py).

    test_flood.py TT_BENCH

An innocent requester's round trips to a handler, alone and then while a notifier floods four
observers: the innocent connects during the flood and finishes before it ends, its median and
p99 stay within loose bounds (a 2-core machine shared with builds, sanitizer builds), and every
observer gets every notice. (That the broker rests the flooder meanwhile is asserted by
Peer.AFlooderRestsWhileOthersAreServed, with a flooder that is never slower than the broker.)
"""

import subprocess
import sys
import time

FLOOD = 100_000
ROUND_TRIPS = 1000  # the p99 is the 10th slowest: two stalls of the machine do not make it
OBSERVERS = 4


def ready(argv):
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if line.strip() != "ready":
        p.kill()
        sys.exit(f"{argv}: not ready: {line!r}")
    return p


def round_trips(tt_bench):
    """(median, p99) of the innocent's round trips in µs; a fresh process, so it connects anew."""
    out = subprocess.run([tt_bench, "latency", str(ROUND_TRIPS)], check=True, capture_output=True, text=True,
                         timeout=60).stdout.split()
    f = dict(zip(out[::2], map(float, out[1::2])))
    return f["median_usec"], f["p99_usec"]


def main():
    tt_bench = sys.argv[1]
    handler = ready([tt_bench, "handler"])
    quiet = round_trips(tt_bench)
    observers = [ready([tt_bench, "observer"]) for _ in range(OBSERVERS)]
    notifier = subprocess.Popen([tt_bench, "notifier", str(FLOOD)], stdout=subprocess.DEVNULL)
    time.sleep(0.3)  # the flood is under way
    flooding = notifier.poll() is None
    loaded = round_trips(tt_bench)
    # A broker that served a client sending from its first message until it stopped (the whole
    # flood, seconds) kept the innocent from even connecting until then.
    still_flooding = notifier.poll() is None
    notifier.wait(timeout=300)
    received = [int(p.communicate(timeout=120)[0].split()[1]) for p in observers]
    handler.terminate()
    handler.wait(timeout=10)
    print(f"innocent round trip median/p99: quiet {quiet[0]:.0f}/{quiet[1]:.0f} µs, during a flood of {FLOOD} "
          f"notices to {OBSERVERS} observers {loaded[0]:.0f}/{loaded[1]:.0f} µs; received {received}")
    failures = []
    if not flooding:
        failures.append("the flood ended within 0.3 s: too short to measure anything")
    if not still_flooding:
        failures.append("the innocent finished only after the flood: it was not served while the flood went on")
    if received != [FLOOD] * OBSERVERS:
        failures.append(f"observers received {received}, not {FLOOD} each")
    # Loose: bench/run measures the ratio (about 2); starvation behind the flood takes seconds.
    if loaded[0] > max(5 * quiet[0], 25_000):
        failures.append(f"median {loaded[0]:.0f} µs during the flood, {quiet[0]:.0f} µs quiet")
    if loaded[1] > max(5 * quiet[1], 500_000):
        failures.append(f"p99 {loaded[1]:.0f} µs during the flood, {quiet[1]:.0f} µs quiet")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
