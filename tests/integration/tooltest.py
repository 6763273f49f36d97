"""Shared pieces of the ttsession and ttbusctl tests (test_ttsession*.py, test_ttbusctl*.py).

A test script is run inside busenv.py, so the session bus and ttbusd are there already; the tools
are found through TTSESSION, TTBUSCTL and TT_TEST_HANDLER, which meson sets. Each script holds
named cases: `script CASE` runs one (meson runs each on its own bus), `script` runs them all.
"""

import json
import os
import subprocess
import sys
import time
import traceback

TTSESSION = os.environ.get("TTSESSION", "ttsession")
TTBUSCTL = os.environ.get("TTBUSCTL", "ttbusctl")
TT_TEST_HANDLER = os.environ.get("TT_TEST_HANDLER", "tt_test_handler")

TIMEOUT = 20


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(args, rc=0, env=None, input=None):
    """Runs a command; fails unless it exits with `rc` (None: any). Returns the CompletedProcess."""
    r = subprocess.run(args, capture_output=True, text=True, env=env, input=input, timeout=TIMEOUT)
    if rc is not None and r.returncode != rc:
        raise Failure(f"{args} exited {r.returncode}, expected {rc}\nstdout: {r.stdout}\nstderr: {r.stderr}")
    return r


def ttbusctl(*args, rc=0, env=None):
    return run([TTBUSCTL, *args], rc=rc, env=env)


def ttbusctl_json(*args, env=None):
    return json.loads(ttbusctl("--json", *args, env=env).stdout)


def eventually(predicate, what, timeout=5.0):
    """The broker learns of a closed connection from the bus, a moment after the client is gone."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise Failure(f"timed out waiting until {what}")
        time.sleep(0.05)


def read_line(stream, what):
    line = stream.readline()
    check(line != "", f"{what}: the stream ended")
    return line


class Handler:
    """tt_test_handler (optionally through a wrapper such as ttsession -c) while in a with block;
    .procid and .session once it is ready. Leaving the block closes its stdin, which ends it."""

    def __init__(self, *args, wrapper=()):
        self.args = [*wrapper, TT_TEST_HANDLER, *args]

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = json.loads(read_line(self.proc.stdout, "tt_test_handler"))
        self.procid, self.session = ready["procid"], ready["session"]
        return self

    def stop(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=TIMEOUT)

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.stop()
        self.proc.stdout.close()


class Monitor:
    """ttbusctl monitor while in a with block, subscribed by the time the block starts."""

    def __init__(self, *options, as_json=True):
        self.args = [TTBUSCTL, *(["--json"] if as_json else []), "monitor", *options]

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = read_line(self.proc.stderr, "ttbusctl monitor")
        check("monitoring" in line, f"ttbusctl monitor said: {line}")
        return self

    def output(self):
        """Waits for the monitor to end by itself (--count) and returns what it printed."""
        out, _ = self.proc.communicate(timeout=TIMEOUT)
        check(self.proc.returncode == 0, f"ttbusctl monitor exited {self.proc.returncode}")
        return out

    def events(self):
        return [json.loads(line) for line in self.output().splitlines()]

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def main(cases, named_only=None):
    """Runs the cases named on the command line, or every case but the `named_only` ones (they
    need another setup, such as no broker); prints 'N passed, N failed'."""
    names = sys.argv[1:] or list(cases)
    cases = {**cases, **(named_only or {})}
    unknown = [n for n in names if n not in cases]
    if unknown:
        print(f"unknown cases: {unknown}; known: {list(cases)}", file=sys.stderr)
        sys.exit(2)
    passed = failed = 0
    for name in names:
        try:
            cases[name]()
            passed += 1
            print(f"ok: {name}")
        except Exception:
            failed += 1
            print(f"FAILED: {name}\n{traceback.format_exc()}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
