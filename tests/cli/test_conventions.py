#!/usr/bin/env python3
"""The command-line convention every ttbus program shares (src/cli): --help and --version on
standard output with exit 0, a usage error as one line and the hint to --help with the program's
usage status, and the same in Swedish where the locale says so.
Usage: test_conventions.py VERSION LOCALEDIR NAME=PATH:USAGE_STATUS..."""

import os
import subprocess
import sys

version, localedir, programs = sys.argv[1], sys.argv[2], sys.argv[3:]
failures = []


def run(args, lang="C"):
    env = dict(os.environ, LANG=lang, LC_ALL="", LANGUAGE="", TTBUS_LOCALEDIR=localedir)
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=20)


def expect(condition, what, r):
    if not condition:
        failures.append(f"{what}: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")


for spec in programs:
    name, rest = spec.split("=", 1)
    path, usage_status = rest.rsplit(":", 1)
    r = run([path, "--help"])
    expect(r.returncode == 0 and r.stdout.startswith("Usage:") and r.stderr == "", f"{name} --help", r)
    r = run([path, "--version"])
    expect(r.returncode == 0 and r.stdout == f"{name} (ttbus) {version}\n", f"{name} --version", r)
    for bad in (["--no-such-option"], ["--help=yes"], ["-%"]):
        r = run([path, *bad])
        lines = r.stderr.splitlines()
        expect(r.returncode == int(usage_status) and r.stdout == "" and len(lines) == 2
               and lines[0].startswith(f"{name}: ") and lines[1] == f"Try '{name} --help'.", f"{name} {bad}", r)
    r = run([path, "--no-such-option"], lang="sv_SE.UTF-8")
    expect(r.stderr.endswith(f"Prova '{name} --help'.\n"), f"{name}: the hint in Swedish", r)
    r = run([path, "--help"], lang="sv_SE.UTF-8")
    expect(r.stdout.startswith("Användning:"), f"{name} --help in Swedish", r)

for f in failures:
    print("FAIL:", f)
print(f"{len(programs)} programs, {len(failures)} failures")
sys.exit(1 if failures else 0)
