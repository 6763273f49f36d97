#!/usr/bin/env python3
"""The documentation's shell examples, run as written. Runs under busenv.py (a private bus with
ttbusd):

    doc_examples.py SOURCE_ROOT BUILD_ROOT FILE...

Every fenced block whose info string starts with `sh` is an example. What the README sets up
stands around them: ttbusd, ttbus-bridge with the shipped configuration, and examples/tt_handler
answering Hello; HOME is the test's own; the build stands in for an installation (its tools on PATH, libtt and tt.pc
found through LD_LIBRARY_PATH and meson's uninstalled pkg-config files); the working directory
has `build` and the source tree's top-level directories. The words after `sh` say how a block
runs:

    sh              runs; each command must succeed. In a transcript (lines starting "$ "),
                    each command runs and every output line shown (but "...") must be printed,
                    ttbus ids and numbers aside.
    sh interactive  runs until interrupted: each command must still run after a second.
    sh setup        builds, installs or sets up what the others run in: listed, not run here.
    sh systemd      needs a user manager (tests/system covers units): listed, not run here.
"""

import os
import re
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import busenv  # noqa: E402  (its wait_for)

NOT_RUN = {"setup", "systemd"}
BLOCK = re.compile(r"^```sh([^\n]*)\n(.*?)^```", re.S | re.M)
failures = []


def normalised(line):
    """A line without what differs from run to run: ttbus ids, numbers, trailing blanks."""
    line = re.sub(r"ttbus\.[0-9][0-9.]*(default|[a-z]?[0-9]+)", "ID", line)
    return re.sub(r"[0-9]+", "N", line).rstrip()


def run(command, env, cwd, timeout=30, options="-eu"):
    # Each command in a process group of its own, so what it leaves in the background goes with it.
    p = subprocess.Popen(["sh", options, "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return None, out


def transcript(block):
    """[(command, [shown output lines])] of a block written as a terminal session."""
    steps = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps and line.strip() and line.strip() != "...":
            steps[-1][1].append(line)
    return steps


def check_block(where, tags, block, env, cwd):
    if tags & NOT_RUN:
        print(f"not run ({' '.join(sorted(tags))}): {where}")
        return
    is_transcript = block.lstrip().startswith("$ ")
    steps = transcript(block) if is_transcript else [(block, [])]
    # A transcript line is one command line as typed (`cmd; echo $?` shows a failure's status).
    options = "-u" if is_transcript else "-eu"
    for command, shown in steps:
        if "interactive" in tags:
            status, out = run(command, env, cwd, timeout=1, options=options)
            if status is not None:
                failures.append(f"{where}: `{command.strip()}` ended ({status}) instead of running:\n{out}")
            continue
        status, out = run(command, env, cwd, options=options)
        if status != 0:
            failures.append(f"{where}: `{command.strip()}` failed ({status}):\n{out}")
            continue
        printed = {normalised(line) for line in out.splitlines()}
        for line in shown:
            if normalised(line) not in printed:
                failures.append(f"{where}: `{command.strip()}` did not print {line!r}; it printed:\n{out}")


def main():
    source, build, *files = sys.argv[1:]
    test_dir = os.environ["TTBUS_TEST_DIR"]
    work = os.path.join(test_dir, "work")
    os.makedirs(work)
    os.symlink(build, os.path.join(work, "build"))
    for name in os.listdir(source):
        if not name.startswith(".") and not os.path.exists(os.path.join(work, name)):
            os.symlink(os.path.join(source, name), os.path.join(work, name))
    os.makedirs(os.path.join(test_dir, "home"))
    env = dict(os.environ, HOME=os.path.join(test_dir, "home"), XDG_CONFIG_HOME=os.path.join(test_dir, "config"),
               PATH=os.pathsep.join([os.path.join(build, "src", d) for d in ("tools", "dbus-bridge")] +
                                    [os.environ["PATH"]]),
               PKG_CONFIG_PATH=os.path.join(build, "meson-uninstalled"),
               LD_LIBRARY_PATH=os.path.join(build, "src", "tt-compat"),
               # A program the examples compile plainly may link a sanitizer build's libtt.
               ASAN_OPTIONS=":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "verify_asan_link_order=0"])))
    bridge_log = open(os.path.join(test_dir, "bridge.log"), "w")
    around = [subprocess.Popen(["ttbus-bridge", "--config", os.path.join(source, "data", "ttbus", "bridge.json")],
                               env=env, stdout=bridge_log, stderr=bridge_log),
              subprocess.Popen([os.path.join(build, "examples", "tt_handler")], env=env, stdout=subprocess.PIPE,
                               text=True)]
    try:
        if around[1].stdout.readline().strip() != "ready":
            sys.exit("examples/tt_handler did not get ready")
        busenv.wait_for(lambda: "procid" in open(bridge_log.name).read(), "the bridge")
        count = 0
        for path in files:
            text = open(os.path.join(source, path)).read()
            for m in BLOCK.finditer(text):
                tags = set(m.group(1).split())
                unknown = tags - NOT_RUN - {"interactive"}
                where = f"{path}:{text.count(chr(10), 0, m.start()) + 1}"
                if unknown:
                    failures.append(f"{where}: unknown info words {sorted(unknown)}")
                    continue
                check_block(where, tags, m.group(2), env, work)
                count += 1
        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        print(f"{count} shell examples, {len(failures)} failures")
        sys.exit(1 if failures else 0)
    finally:
        for p in around:
            p.terminate()
            p.wait(timeout=10)


if __name__ == "__main__":
    main()
