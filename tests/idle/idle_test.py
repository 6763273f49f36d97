#!/usr/bin/env python3
"""At rest nothing runs: ttbusd, ttbus-bridge and an idle libtt client, on a private bus (under
busenv.py), use next to no CPU and are next to never woken over a few idle seconds.

    idle_test.py BRIDGE BRIDGE_CONFIG IDLE_CLIENT

Each process is measured over all its threads: the CPU time it was given (/proc/<pid>/task/*/
schedstat) and how often it was switched in (voluntary and involuntary context switches). A loop
that re-arms itself shows up as CPU time (it never sleeps) or as switches (it sleeps briefly); the
limits leave room for a loaded 2-core machine and for a sanitizer build, far below a busy loop.
"""

import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import busenv  # noqa: E402  (its wait_for)

IDLE_SECONDS = 3.0
MAX_CPU_MS = 30.0  # over IDLE_SECONDS, per process
MAX_SWITCHES = 20  # over IDLE_SECONDS, per process


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    sys.exit(1)


def broker_pid():
    r = subprocess.run(["dbus-send", "--session", "--print-reply=literal", "--dest=org.freedesktop.DBus", "/",
                        "org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.ttbus.Broker1"],
                       capture_output=True, text=True, check=True)
    return int(r.stdout.split()[-1])


def activity(pid):
    """(CPU ns, context switches) of every thread of pid so far."""
    cpu_ns = switches = 0
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(f"{task}/schedstat") as f:
                cpu_ns += int(f.read().split()[0])
            with open(f"{task}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return cpu_ns, switches


def main():
    bridge_path, bridge_config, client_path = sys.argv[1:4]
    test_dir = os.environ["TTBUS_TEST_DIR"]
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(test_dir, "config"))
    log = open(os.path.join(test_dir, "bridge.log"), "w+")
    bridge = subprocess.Popen([bridge_path, "--config", bridge_config], env=env, stdout=log, stderr=log)
    client = subprocess.Popen([client_path], env=env, stdout=subprocess.PIPE, text=True)
    try:
        if client.stdout.readline().strip() != "ready":
            fail("the idle client did not open")
        busenv.wait_for(lambda: "procid" in open(log.name).read() or bridge.poll() is not None, "the bridge")
        if bridge.poll() is not None:
            fail("the bridge exited:\n" + open(log.name).read())
        processes = {"ttbusd": broker_pid(), "ttbus-bridge": bridge.pid, "idle libtt client": client.pid}
        time.sleep(1.0)  # start-up work (type loading, name watches) settles
        before = {name: activity(pid) for name, pid in processes.items()}
        time.sleep(IDLE_SECONDS)
        after = {name: activity(pid) for name, pid in processes.items()}
        failed = False
        for name in processes:
            cpu_ms = (after[name][0] - before[name][0]) / 1e6
            switches = after[name][1] - before[name][1]
            print(f"{name}: {cpu_ms:.2f} ms CPU, {switches} wake-ups in {IDLE_SECONDS:g} s idle")
            if cpu_ms > MAX_CPU_MS or switches > MAX_SWITCHES:
                print(f"FAIL: {name} is not at rest", file=sys.stderr)
                failed = True
        if bridge.poll() is not None or client.poll() is not None:
            fail("a process died while idle")
        sys.exit(1 if failed else 0)
    finally:
        for p in (client, bridge):
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=10)


if __name__ == "__main__":
    main()
