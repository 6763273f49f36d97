#!/usr/bin/env python3
"""Instructions per request/reply and per notice, broker and libtt side, counted by callgrind.

    callgrind.py --build DIR [--calls N] [--size BYTES]

Timings on a shared machine wander; instruction counts do not, so a change to the wire code can be
judged by them alone. Each exchange runs twice on its own private bus (tests/integration/busenv.py),
with N and 3N exchanges, every process under callgrind; the difference of the two runs, divided by
the difference in exchanges, is the cost of one exchange without start-up and tear-down:
  - request/reply: tt_bench requester (the sender) and handler, one SIZE-byte inout arg;
  - notice: tt_bench notifier (the sender) and one observer, a 16-byte arg.
Prints one line per figure: "<exchange> <process> <instructions per exchange>".
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)


def callgrind(out_dir, name):
    return ["valgrind", "-q", "--tool=callgrind", f"--callgrind-out-file={out_dir}/{name}.%p"]


def total(out_dir, name):
    """The instructions of the one callgrind profile called name."""
    (path,) = glob.glob(os.path.join(out_dir, f"{name}.*"))
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def inner(args):
    """On the private bus: one exchange of one size; profiles land in --out."""
    tt = os.path.join(args.build, "bench", "tt_bench")
    server_mode, client = (("handler", [tt, "requester", str(args.calls), str(args.size)]) if args.exchange == "rr"
                           else ("observer", [tt, "notifier", str(args.calls)]))
    server = subprocess.Popen(callgrind(args.out, "server") + [tt, server_mode], stdout=subprocess.PIPE, text=True)
    if server.stdout.readline().strip() != "ready":
        raise RuntimeError(f"tt_bench {server_mode} did not get ready")
    subprocess.run(callgrind(args.out, "client") + client, check=True, capture_output=True, timeout=1200)
    if args.exchange == "rr":
        server.terminate()
    server.communicate(timeout=600)
    return 0


def run(args, exchange, count, out_dir):
    """One run on a fresh bus, ttbusd under callgrind too; returns {process: instructions}."""
    wrapper = os.path.join(out_dir, "ttbusd")
    with open(wrapper, "w") as f:
        ttbusd = os.path.join(args.build, "src", "broker", "ttbusd")
        f.write("#!/bin/sh\nexec " + " ".join(callgrind(out_dir, "broker") + [ttbusd]) + "\n")
    os.chmod(wrapper, 0o755)
    subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "integration", "busenv.py"), "--bus", "dbus-daemon",
                    "--ttbusd", wrapper, "--", sys.executable, os.path.abspath(__file__), "--build", args.build,
                    "--inner", exchange, "--calls", str(count), "--size", str(args.size), "--out", out_dir],
                   check=True, timeout=3600)
    return {p: total(out_dir, p) for p in ("broker", "client", "server")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--calls", type=int, default=500)
    ap.add_argument("--size", type=int, default=16)
    ap.add_argument("--inner", dest="exchange", choices=["rr", "notice"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.exchange:
        return inner(args)
    names = {"rr": ("requester", "handler"), "notice": ("notifier", "observer")}
    for exchange in ("rr", "notice"):
        runs = []
        for count in (args.calls, 3 * args.calls):
            with tempfile.TemporaryDirectory() as d:
                runs.append(run(args, exchange, count, d))
        # The requester sends a tenth more as warm-up; the notifier one more (its end notice).
        per = 1.1 * 2 * args.calls if exchange == "rr" else 2 * args.calls
        label = f"request/reply {args.size} B" if exchange == "rr" else "notice 16 B"
        for process, name in (("broker", "ttbusd"), ("client", names[exchange][0]), ("server", names[exchange][1])):
            print(f"{label:22} {name:10} {(runs[1][process] - runs[0][process]) / per:12.0f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
