#!/usr/bin/env python3
"""ttbusd.socket starts the broker on a legacy program's first connection (run by sysenv.py --socket).

    socket_activation.py COMPAT_AUTOSTART

The programs get no bus (an address where nothing listens) and a TTSESSION_CMD that cannot start
anything, so only the socket unit can have started the broker. The broker still owns
org.ttbus.Broker1 on the user bus, leaves systemd's socket in place when it stops (the next
program starts it again), and D-Bus activation of ttbusd.service gets the same socket.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "compat"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from autostart import run_pair  # noqa: E402
from busenv import has_owner  # noqa: E402

CTL = ["systemctl", "--user", "--no-pager"]


def active(unit):
    return subprocess.run(CTL + ["is-active", unit], capture_output=True, text=True).stdout.strip()


def check(condition, message):
    if not condition:
        raise SystemExit(f"socket_activation: {message}")


def main():
    program = sys.argv[1]
    directory = os.environ["TTBUS_TEST_DIR"]
    bus = os.environ["DBUS_SESSION_BUS_ADDRESS"]
    socket_path = os.path.join(os.environ["XDG_RUNTIME_DIR"], "ttbus", "socket")
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS="unix:path=" + os.path.join(directory, "no-bus-here"),
               TTSESSION_CMD="exit 1")

    check(active("ttbusd.socket") == "active", "ttbusd.socket is not listening")
    check(active("ttbusd.service") == "inactive", "ttbusd runs before any program")
    run_pair(program, directory, env)
    check(active("ttbusd.service") == "active", "the first connection did not start ttbusd.service")
    check(has_owner(bus, "org.ttbus.Broker1"), "the socket-activated broker is not on the bus")

    # Stopped, the broker leaves systemd's socket alone; the next program starts it again.
    subprocess.run(CTL + ["stop", "ttbusd.service"], check=True, capture_output=True)  # "can still be activated"
    check(active("ttbusd.socket") == "active" and os.path.exists(socket_path), "the socket went with the broker")
    run_pair(program, directory, env)
    check(active("ttbusd.service") == "active", "the next connection did not start ttbusd.service again")

    # D-Bus activation starts the same unit, which gets the same socket from systemd.
    subprocess.run(CTL + ["stop", "ttbusd.service"], check=True, capture_output=True)  # "can still be activated"
    r = subprocess.run(["busctl", "--user", "call", "org.ttbus.Broker1", "/org/ttbus/Broker1", "org.ttbus.Broker1",
                        "PeerAddress"], capture_output=True, text=True)
    check(r.returncode == 0 and socket_path in r.stdout, f"PeerAddress after D-Bus activation: {r.stdout}{r.stderr}")


if __name__ == "__main__":
    main()
