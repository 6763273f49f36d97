#!/usr/bin/env python3
"""Instructions of a start through systemd, broker and handler side, counted by callgrind.

    callgrind_start.py --build DIR [--starts N]

Wall-clock start latency on a shared machine wanders with the load; these counts do not. Under a
real systemd --user (tests/system/sysenv.py), with ttbusd under callgrind, `tt_bench starter`
makes N and then 3N starts of `tt_bench start-handler` (bench.py's start row), with the 3N ptypes
loaded in both runs; the difference of the broker's totals over the difference in starts is its
cost per start, without its start-up or the reading of the types.
The first handler of each run runs under callgrind too: its whole life, exec to exit (dynamic
loading, tt_open, tt_ptype_declare, the start message, the reply, tt_close). Also printed: the
shared objects and symbol relocations of the handler program's start-up (ld.so's own count).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import install_start_types, programs  # noqa: E402
from callgrind import callgrind, total  # noqa: E402


def inner(args):
    """Inside sysenv: activate the broker, install the ptypes, make the starts."""
    prog = programs(args.build)
    subprocess.run(["dbus-send", "--session", "--print-reply", "--reply-timeout=120000", "--dest=org.ttbus.Broker1",
                    "/org/ttbus/Broker1", "org.ttbus.Broker1.DefaultSession"], check=True, capture_output=True)
    # A start string of plain words runs without a shell (launch/start_command.h): an absolute
    # valgrind and no % (the file has one handler's profile only).
    profiler = [shutil.which("valgrind"), "-q", "--tool=callgrind", f"--callgrind-out-file={args.out}/handler.0"]
    install_start_types(prog, args.types, profiler)
    subprocess.run([prog["tt"], "starter", str(args.starts)], check=True, capture_output=True, timeout=1200)
    return 0


def run(args, starts, out_dir):
    """One run under a fresh user manager; returns {process: instructions}."""
    wrapper = os.path.join(out_dir, "ttbusd")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec " + " ".join(callgrind(out_dir, "broker") + [programs(args.build)["ttbusd"]]) + "\n")
    os.chmod(wrapper, 0o755)
    subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "system", "sysenv.py"), "--ttbusd", wrapper, "--",
                    sys.executable, os.path.abspath(__file__), "--build", args.build, "--inner", "--starts",
                    str(starts), "--types", str(3 * args.starts), "--out", out_dir], check=True, timeout=3600,
                   capture_output=True)
    return {p: total(out_dir, p) for p in ("broker", "handler")}


def start_up(tt):
    """Shared objects mapped and symbol relocations done before main, for the handler program."""
    env = dict(os.environ, LD_DEBUG="statistics")
    err = subprocess.run([tt], env=env, capture_output=True, text=True).stderr
    relocations = int(re.search(r"final number of relocations: (\d+)", err).group(1))
    listing = subprocess.run([tt], env=dict(os.environ, LD_TRACE_LOADED_OBJECTS="1"), capture_output=True,
                             text=True).stdout
    objects = sum(1 for line in listing.splitlines() if "=>" in line or line.strip().startswith("/"))
    return objects, relocations


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--types", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.inner:
        return inner(args)
    if shutil.which("valgrind") is None:
        raise SystemExit("callgrind_start.py: valgrind is needed")
    runs = []
    for starts in (args.starts, 3 * args.starts):
        with tempfile.TemporaryDirectory() as d:
            runs.append(run(args, starts, d))
    objects, relocations = start_up(programs(args.build)["tt"])
    print(f"start via systemd  ttbusd   {(runs[1]['broker'] - runs[0]['broker']) / (2 * args.starts):12.0f} instructions per start")
    print(f"start via systemd  handler  {min(r['handler'] for r in runs):12.0f} instructions, exec to exit")
    print(f"handler start-up   {objects} shared objects, {relocations} symbol relocations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
