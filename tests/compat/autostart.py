#!/usr/bin/env python3
"""tt_open starts ttbusd where no bus helps: two legacy programs at once, one broker.

    autostart.py --bus none|nowhere|private PROGRAM TTBUSD

none: no DBUS_SESSION_BUS_ADDRESS (and no bus at $XDG_RUNTIME_DIR/bus); nowhere: an address
where nothing listens; private: the bus busenv.py started, with no service file for the broker.
A dead broker's socket is left at $XDG_RUNTIME_DIR/ttbus/socket first. TTSESSION_CMD runs the
built ttbusd. This process is the subreaper of everything its programs start, so it sees the
brokers (children of nobody else once their starter is gone) and ends every one of them.
"""

import argparse
import ctypes
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "integration"))
from busenv import has_owner  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36
TIMEOUT = 60


def brokers(ttbusd):
    """Our children that run ttbusd: the brokers the programs started."""
    found = []
    target = os.path.realpath(ttbusd)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == os.getpid() and os.path.realpath(f"/proc/{pid}/exe") == target:
                found.append(int(pid))
        except (OSError, ValueError, IndexError):
            pass
    return found


def run_pair(program, directory, env):
    """A handler and a requester, started at the same moment; both must succeed."""
    ready = os.path.join(directory, "handler.ready")
    if os.path.exists(ready):
        os.remove(ready)
    procs = [subprocess.Popen([program, role, directory], env=env) for role in ("handle", "request")]
    for p in procs:
        if p.wait(timeout=TIMEOUT) != 0:
            raise RuntimeError(f"{p.args} exited {p.returncode}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bus", choices=["none", "nowhere", "private"], required=True)
    ap.add_argument("program")
    ap.add_argument("ttbusd")
    args = ap.parse_args()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1) != 0:
        raise OSError(ctypes.get_errno(), "PR_SET_CHILD_SUBREAPER")

    env = dict(os.environ)
    for name in ("TTBUS_PEER_ADDRESS", "TTBUS_TRANSPORT", "TT_SESSION", "_SUN_TT_SESSION", "NOTIFY_SOCKET"):
        env.pop(name, None)
    if args.bus == "private":
        directory = env["TTBUS_TEST_DIR"]  # busenv's: the bus and XDG_RUNTIME_DIR
        owned = None
    else:
        owned = directory = tempfile.mkdtemp(prefix="ttbus-autostart-")
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        if args.bus == "nowhere":
            env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + os.path.join(directory, "no-bus-here")
        env.update(XDG_RUNTIME_DIR=directory, XDG_DATA_HOME=os.path.join(directory, "data"),
                   XDG_STATE_HOME=os.path.join(directory, "state"), TTPATH=os.path.join(directory, "types.xdr"))
    log = os.path.join(directory, "ttbusd.log")
    env["TTSESSION_CMD"] = f"exec {shlex.quote(args.ttbusd)} 2>>{shlex.quote(log)}"

    # The socket of a broker that died: bound, never listened on again.
    os.makedirs(os.path.join(directory, "ttbus"), mode=0o700, exist_ok=True)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(os.path.join(directory, "ttbus", "socket"))
    stale.close()

    status = 1
    try:
        # A start command that fails: tt_open says TT_ERR_NOMP as soon as it has ended.
        began = time.monotonic()
        r = subprocess.run([args.program, "request", directory], env=dict(env, TTSESSION_CMD="exit 3"),
                           capture_output=True, text=True, timeout=TIMEOUT)
        if r.returncode != 1 or "TT_ERR_NOMP" not in r.stderr or time.monotonic() - began > 5:
            raise RuntimeError(f"with a failing TTSESSION_CMD: {r}, after {time.monotonic() - began:.1f} s")
        run_pair(args.program, directory, env)
        started = brokers(args.ttbusd)
        if len(started) != 1:
            raise RuntimeError(f"{len(started)} brokers run, not one: {started}")
        text = open(log).read()
        if "replaced the socket of a broker that is gone" not in text:
            raise RuntimeError("the stale socket was not replaced:\n" + text)
        if args.bus == "private" and not has_owner(env["DBUS_SESSION_BUS_ADDRESS"], "org.ttbus.Broker1"):
            raise RuntimeError("the started broker does not own org.ttbus.Broker1 on the bus")
        # The broker outlived its starter, and the next programs use it.
        run_pair(args.program, directory, env)
        if brokers(args.ttbusd) != started:
            raise RuntimeError(f"brokers {brokers(args.ttbusd)} after the second pair, not {started}")
        # A program that outlives its broker learns it from tt_fd and tt_message_receive.
        holder = subprocess.Popen([args.program, "outlive", directory], env=env)
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(os.path.join(directory, "outlive.ready")):
            if holder.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"outlive exited {holder.returncode} before it waited")
            time.sleep(0.05)
        for pid in started:
            os.kill(pid, signal.SIGTERM)
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            if code != 0:
                raise RuntimeError(f"broker {pid} exited {code}")
        if holder.wait(timeout=TIMEOUT) != 0:
            raise RuntimeError(f"outlive exited {holder.returncode} once its broker was gone")
        status = 0
    finally:
        running = brokers(args.ttbusd)
        for pid in running:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                pid, wstatus = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            code = os.waitstatus_to_exitcode(wstatus)
            if pid in running and code != 0:  # a broker that does not exit cleanly on SIGTERM (a sanitizer report)
                print(f"autostart: broker {pid} exited {code}", file=sys.stderr)
                status = 1
        if status != 0 and os.path.exists(log):
            sys.stderr.write("---- ttbusd log ----\n" + open(log).read())
        if owned:
            subprocess.run(["rm", "-rf", owned])
    sys.exit(status)


if __name__ == "__main__":
    main()
