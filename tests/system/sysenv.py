#!/usr/bin/env python3
"""Runs a command under a real `systemd --user` and its user bus, in private namespaces.

    sysenv.py [--ttbusd PATH [--socket]] [--types DIR] -- COMMAND...

As in the reference (dbus-systemd-facts.md §3): a fresh cgroup, private mount and cgroup
namespaces with their own cgroup2 and /run/systemd, private XDG directories, then
`systemd --user`; the user bus is socket-activated at $XDG_RUNTIME_DIR/bus. With --ttbusd, the
broker's unit and D-Bus service file (data/dbus-1, systemd/) are installed for the user, pointing
at that binary, so the first call to org.ttbus.Broker1 activates it; with --socket also
ttbusd.socket, started, so the first connection to $XDG_RUNTIME_DIR/ttbus/socket does. COMMAND gets
DBUS_SESSION_BUS_ADDRESS, XDG_* and TTBUS_TEST_DIR; its exit status is ours. Needs root.
"""

import argparse
import ctypes
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
CLONE_NEWNS, CLONE_NEWCGROUP = 0x00020000, 0x02000000
MS_REC, MS_PRIVATE = 0x4000, 1 << 18
libc = ctypes.CDLL(None, use_errno=True)
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))
from busenv import die_with_parent, wait_for  # noqa: E402  (the private bus's helpers serve here too)
STARTUP_TIMEOUT = 15.0  # a user manager takes longer to come up than a bus


def check(rc, what):
    if rc != 0:
        raise OSError(ctypes.get_errno(), what)


def install_broker_files(ttbusd, socket_unit, env):
    """The shipped units and D-Bus service file, with the test's ttbusd in place of the installed one."""
    units = os.path.join(env["XDG_CONFIG_HOME"], "systemd", "user")
    services = os.path.join(env["XDG_DATA_HOME"], "dbus-1", "services")
    os.makedirs(units, exist_ok=True)
    os.makedirs(services, exist_ok=True)
    for template, dest in ((os.path.join(SOURCE, "systemd", "ttbusd.service.in"), os.path.join(units, "ttbusd.service")),
                           (os.path.join(SOURCE, "data", "dbus-1", "org.ttbus.Broker1.service.in"),
                            os.path.join(services, "org.ttbus.Broker1.service"))):
        with open(template) as f:
            text = f.read().replace("@libexecdir@/ttbusd", ttbusd)
        with open(dest, "w") as f:
            f.write(text)
    if socket_unit:
        shutil.copy(os.path.join(SOURCE, "systemd", "ttbusd.socket"), units)


def inside(args, directory):
    """In the child: private namespaces, the user manager, the command."""
    os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    check(libc.unshare(CLONE_NEWNS | CLONE_NEWCGROUP), "unshare")
    check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    check(libc.mount(b"none", b"/sys/fs/cgroup", b"cgroup2", 0, None), "mount cgroup2")
    check(libc.mount(b"tmpfs", b"/run/systemd", b"tmpfs", 0, b"mode=0755"), "mount /run/systemd")
    os.makedirs("/run/systemd/system")  # the user manager refuses to start without it
    os.makedirs("/run/systemd/journal")
    os.makedirs("/run/systemd/user.conf.d")
    with open("/run/systemd/user.conf.d/ttbus-test.conf", "w") as f:
        f.write("[Manager]\nDefaultStandardOutput=inherit\nDefaultStandardError=inherit\nDefaultTimeoutStopSec=5s\n")
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # dbus-broker-launch logs here
    journal.bind("/run/systemd/journal/socket")
    threading.Thread(target=lambda: [journal.recv(65536) for _ in iter(int, 1)], daemon=True).start()
    # The manager lives in a cgroup of its own, so it can be killed as a whole.
    os.makedirs("/sys/fs/cgroup/manager")

    env = dict(os.environ)
    for name in ("runtime", "config", "data", "state", "home"):
        os.makedirs(os.path.join(directory, name), mode=0o700)
    env.update(XDG_RUNTIME_DIR=os.path.join(directory, "runtime"), XDG_CONFIG_HOME=os.path.join(directory, "config"),
               XDG_DATA_HOME=os.path.join(directory, "data"), XDG_STATE_HOME=os.path.join(directory, "state"),
               HOME=os.path.join(directory, "home"), TTBUS_TEST_DIR=directory,
               DBUS_SESSION_BUS_ADDRESS="unix:path=" + os.path.join(directory, "runtime", "bus"),
               TTPATH=os.path.join(directory, "classic", "types.xdr"))
    for name in ("TT_SESSION", "_SUN_TT_SESSION", "TT_TOKEN", "DISPLAY"):
        env.pop(name, None)
    # Where libtt finds no broker it would start one: never the installed ttbusd from a test.
    env.setdefault("TTSESSION_CMD", "echo 'no broker to start in a test' >&2; exit 1")
    os.makedirs(os.path.join(env["XDG_DATA_HOME"], "ttbus", "types"))
    if args.types:
        for f in os.listdir(args.types):
            shutil.copy(os.path.join(args.types, f), os.path.join(env["XDG_DATA_HOME"], "ttbus", "types"))
    if args.ttbusd:
        install_broker_files(os.path.abspath(args.ttbusd), args.socket, env)

    log = open(os.path.join(directory, "manager.log"), "w")

    def into_manager_cgroup():
        die_with_parent()
        with open("/sys/fs/cgroup/manager/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))

    manager = subprocess.Popen(["/lib/systemd/systemd", "--user"], env=env, stdout=log, stderr=log,
                               preexec_fn=into_manager_cgroup)
    status = 1
    try:
        ctl = ["systemctl", "--user", "--no-pager"]
        wait_for(lambda: manager.poll() is not None or subprocess.run(
            ctl + ["is-system-running"], env=env, capture_output=True, text=True).stdout.strip() in ("running", "degraded"),
            "the user manager", STARTUP_TIMEOUT)
        if manager.poll() is not None:
            raise RuntimeError("systemd --user exited:\n" + open(os.path.join(directory, "manager.log")).read())

        def systemd_on_bus():
            r = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/",
                                "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.systemd1"],
                               env=env, capture_output=True, text=True)
            return "boolean true" in r.stdout

        wait_for(systemd_on_bus, "org.freedesktop.systemd1 on the user bus", STARTUP_TIMEOUT)
        if args.socket:
            subprocess.run(ctl + ["start", "ttbusd.socket"], env=env, check=True)
        status = subprocess.call(args.command, env=env, preexec_fn=die_with_parent)
    finally:
        subprocess.run(["systemctl", "--user", "exit"], env=env, capture_output=True)
        try:
            manager.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        try:
            with open("/sys/fs/cgroup/manager/cgroup.kill", "w") as f:
                f.write("1")
        except OSError:
            pass
        if manager.poll() is None:
            manager.kill()
            manager.wait()
        if status != 0:
            for name in ("manager.log",):
                path = os.path.join(directory, name)
                if os.path.exists(path):
                    sys.stderr.write(f"---- {name} ----\n" + open(path).read()[-6000:])
    return status


def remove_cgroup_tree(path):
    for root, dirs, _ in os.walk(path, topdown=False):
        for d in dirs:
            try:
                os.rmdir(os.path.join(root, d))
            except OSError:
                pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ttbusd")
    ap.add_argument("--types")
    ap.add_argument("--socket", action="store_true", help="install and start ttbusd.socket too")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        ap.error("no command")
    directory = tempfile.mkdtemp(prefix="ttbus-system-")
    os.chmod(directory, 0o755)
    cgroup = f"/sys/fs/cgroup/unified/ttbus-test-{os.getpid()}"
    os.mkdir(cgroup)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
            code = inside(args, directory)
        except Exception as e:  # report, never hang the runner
            print(f"sysenv: {e}", file=sys.stderr)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, wstatus = os.waitpid(pid, 0)
    remove_cgroup_tree(cgroup)
    if os.environ.get("SYSENV_KEEP") is None:
        shutil.rmtree(directory, ignore_errors=True)
    sys.exit(os.waitstatus_to_exitcode(wstatus) if os.WIFEXITED(wstatus) else 1)


if __name__ == "__main__":
    main()
