#!/usr/bin/env python3
"""Runs a command on a private session bus with ttbusd on it, then tears everything down.

    busenv.py --bus dbus-daemon|dbus-broker --ttbusd PATH [--types DIR] [--no-broker] -- COMMAND...

The bus is a real dbus-daemon or dbus-broker listening in a fresh directory; ttbusd gets a private
XDG_DATA_HOME/XDG_STATE_HOME (types from --types are its user types) and is ready (owns
org.ttbus.Broker1) before COMMAND starts. COMMAND gets DBUS_SESSION_BUS_ADDRESS, TTBUS_TEST_DIR and
TTBUS_TEST_BUS; its exit status is ours. Every child dies with us (PR_SET_PDEATHSIG), so a crashed
test never leaves a daemon holding the test runner's output.
"""

import argparse
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PR_SET_PDEATHSIG = 1
BUS_NAME = "org.ttbus.Broker1"


def die_with_parent():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def bus_config(directory):
    return f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={directory}/bus</listen>
  <servicedir>{directory}/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def enter_mount_namespace():
    """A private mount namespace: what the caller mounts next leaves parallel tests and the host
    untouched. Returns a function that mounts a fresh tmpfs on a directory."""
    libc = ctypes.CDLL(None, use_errno=True)
    CLONE_NEWNS = 0x00020000
    MS_REC, MS_PRIVATE = 0x4000, 1 << 18
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "mount --make-rprivate /")

    def mount_tmpfs(directory, mode="0755"):
        os.makedirs(directory, exist_ok=True)
        if libc.mount(b"tmpfs", directory.encode(), b"tmpfs", 0, f"mode={mode}".encode()) != 0:
            raise OSError(ctypes.get_errno(), f"mount tmpfs {directory}")

    return mount_tmpfs


def enter_private_mounts():
    """dbus-broker-launch logs to the journal socket: give it one of its own, in a private mount
    namespace."""
    enter_mount_namespace()("/run/systemd/journal")
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    journal.bind("/run/systemd/journal/socket")

    def drain():
        while True:
            try:
                journal.recv(65536)
            except OSError:
                return

    threading.Thread(target=drain, daemon=True).start()
    return journal


def start_bus(kind, directory, log):
    conf = os.path.join(directory, "bus.conf")
    with open(conf, "w") as f:
        f.write(bus_config(directory))
    os.makedirs(os.path.join(directory, "services"), exist_ok=True)
    if kind == "dbus-daemon":
        return subprocess.Popen(["dbus-daemon", "--nofork", "--nopidfile", f"--config-file={conf}"],
                                stdout=log, stderr=log, preexec_fn=die_with_parent)
    # dbus-broker-launch wants its listening socket handed over, as systemd would, and a runtime
    # directory (where it looks for a user manager; none is needed for these tests).
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(os.path.join(directory, "bus"))
    listener.listen(64)
    fd = listener.fileno()
    assert fd < 10, "the shell below redirects single-digit descriptors only"
    script = 'eval "exec 3<&$1"; LISTEN_PID=$$ LISTEN_FDS=1 exec dbus-broker-launch --scope user --config-file "$0"'
    proc = subprocess.Popen(["sh", "-c", script, conf, str(fd)], stdout=log, stderr=log, pass_fds=(fd,),
                            preexec_fn=die_with_parent, env=dict(os.environ, XDG_RUNTIME_DIR=directory))
    listener.close()
    return proc


def wait_for(predicate, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise TimeoutError(f"timed out waiting for {what}")


def has_owner(address, name):
    r = subprocess.run(["dbus-send", f"--bus={address}", "--print-reply", "--dest=org.freedesktop.DBus", "/",
                        "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
                       capture_output=True, text=True)
    return r.returncode == 0 and "boolean true" in r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bus", choices=["dbus-daemon", "dbus-broker"], default="dbus-daemon")
    ap.add_argument("--ttbusd", help="path of the ttbusd binary")
    ap.add_argument("--types", help="a directory of type files for the broker's user types")
    ap.add_argument("--no-broker", action="store_true", help="start only the bus")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command")

    directory = tempfile.mkdtemp(prefix="ttbus-test-")
    procs = []
    status = 1
    try:
        if args.bus == "dbus-broker":
            enter_private_mounts()
        log = open(os.path.join(directory, "bus.log"), "w")
        procs.append(start_bus(args.bus, directory, log))
        address = f"unix:path={directory}/bus"
        wait_for(lambda: os.path.exists(os.path.join(directory, "bus")) and has_owner(address, "org.freedesktop.DBus"),
                 "the bus")
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address, TTBUS_TEST_DIR=directory, TTBUS_TEST_BUS=args.bus,
                   XDG_DATA_HOME=os.path.join(directory, "data"), XDG_STATE_HOME=os.path.join(directory, "state"),
                   XDG_RUNTIME_DIR=directory, TTPATH=os.path.join(directory, "classic", "types.xdr"))
        env.pop("TT_SESSION", None)
        env.pop("_SUN_TT_SESSION", None)
        # Where libtt finds no broker it would start one: never the installed ttbusd from a test.
        env.setdefault("TTSESSION_CMD", "echo 'no broker to start in a test' >&2; exit 1")
        types_dir = os.path.join(directory, "data", "ttbus", "types")
        if args.types:
            shutil.copytree(args.types, types_dir)
        else:
            os.makedirs(types_dir)
        if not args.no_broker:
            if not args.ttbusd:
                ap.error("--ttbusd is required unless --no-broker")
            broker_log = open(os.path.join(directory, "ttbusd.log"), "w")
            procs.append(subprocess.Popen([args.ttbusd], env=env, stdout=broker_log, stderr=broker_log,
                                          preexec_fn=die_with_parent))
            wait_for(lambda: procs[-1].poll() is not None or has_owner(address, BUS_NAME), "ttbusd")
            if procs[-1].poll() is not None:
                raise RuntimeError("ttbusd exited at start:\n" + open(os.path.join(directory, "ttbusd.log")).read())
        status = subprocess.call(command, env=env, preexec_fn=die_with_parent)
        if not args.no_broker and procs[-1].poll() is not None:
            print(f"busenv: ttbusd died during the test (status {procs[-1].returncode})", file=sys.stderr)
            status = status or 1
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
        # ttbusd exits 0 on SIGTERM; anything else (a sanitizer report at exit, a crash) fails the test.
        if not args.no_broker and len(procs) > 1 and procs[1].returncode not in (0, None):
            print(f"busenv: ttbusd exited with status {procs[1].returncode}", file=sys.stderr)
            status = status or 1
        broker_log_path = os.path.join(directory, "ttbusd.log")
        if status != 0 and os.path.exists(broker_log_path):
            sys.stderr.write("---- ttbusd log ----\n" + open(broker_log_path).read())
        if os.environ.get("BUSENV_KEEP") is None:
            shutil.rmtree(directory, ignore_errors=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
