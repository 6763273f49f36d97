#!/usr/bin/env python3
"""ttbusd's log when systemd connects its stderr to the journal ($JOURNAL_STREAM names stderr's
device and inode): lines go to the journal socket with a priority and structured fields, not to
stderr. Runs under busenv.py --no-broker:

    test_journal_log.py TTBUSD

The journal is a datagram socket of the test at /run/systemd/journal/socket, in a private mount
namespace; a start string that names no program makes the warning the test looks for.
"""

import os
import socket
import struct
import subprocess
import sys

import busenv


def parse_entry(data):
    """The journal's native protocol: KEY=value lines, or KEY\\n<le64 size><value>\\n for values
    with newlines."""
    fields = {}
    while data:
        line_end = data.find(b"\n")
        head = data[:line_end]
        if b"=" in head:
            key, value = head.split(b"=", 1)
            data = data[line_end + 1:]
        else:
            size = struct.unpack("<Q", data[line_end + 1:line_end + 9])[0]
            key, value = head, data[line_end + 9:line_end + 9 + size]
            data = data[line_end + 10 + size:]
        fields[key.decode()] = value.decode()
    return fields


def main():
    ttbusd = sys.argv[1]
    test_dir = os.environ["TTBUS_TEST_DIR"]
    busenv.enter_mount_namespace()("/run/systemd/journal")
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    journal.bind("/run/systemd/journal/socket")
    journal.settimeout(10)
    with open(os.path.join(os.environ["XDG_DATA_HOME"], "ttbus", "types", "missing.types"), "w") as f:
        f.write('ptype Missing { start "ttbus-no-such-program --tt"; handle: session Work() => start; };\n')
    stderr_path = os.path.join(test_dir, "ttbusd.log")
    stderr = open(stderr_path, "w")
    st = os.fstat(stderr.fileno())
    env = dict(os.environ, JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
    broker = subprocess.Popen([ttbusd], env=env, stdout=stderr, stderr=stderr)
    try:
        address = os.environ["DBUS_SESSION_BUS_ADDRESS"]
        busenv.wait_for(lambda: broker.poll() is not None or busenv.has_owner(address, busenv.BUS_NAME), "ttbusd")
        assert broker.poll() is None, "ttbusd exited at start"
        r = subprocess.run(["busctl", "--user", "call", "org.ttbus.Broker1", "/org/ttbus/Broker1", "org.ttbus.Broker1",
                            "Call", "a{sv}", "1", "op", "s", "Work"], capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and "1056" in r.stderr, f"Work did not fail to start: {r}"
        entries = []
        while not any("status 127" in e.get("MESSAGE", "") for e in entries):
            entries.append(parse_entry(journal.recv(65536)))
        for e in entries:
            assert e.get("SYSLOG_IDENTIFIER") == "ttbusd" and e.get("PRIORITY", "").isdigit(), e
            assert not e["MESSAGE"].startswith("ttbusd:"), e
        serving = [e for e in entries if e["MESSAGE"].startswith("serving org.ttbus.Broker1")]
        assert len(serving) == 1 and serving[0]["PRIORITY"] == "6", serving
        failed = entries[-1]
        assert failed["PRIORITY"] == "4", failed
        assert failed["MESSAGE"].startswith("ptype Missing "), failed
        assert failed.get("TTBUS_PTYPE") == "Missing", failed
        assert failed.get("MESSAGE_ID") == "5d1c3a7e8b2f4e0a9c6d17b34f08e2a1", failed
        started = [e for e in entries if e["MESSAGE"].startswith("starting ptype Missing")]
        assert len(started) == 1 and started[0].get("TTBUS_PTYPE") == "Missing", started
        assert "ttbusd:" not in open(stderr_path).read(), "ttbusd wrote to stderr besides the journal"
        print(f"{len(entries)} journal entries; the start failure at priority 4 with TTBUS_PTYPE and MESSAGE_ID")
    finally:
        broker.terminate()
        broker.wait(timeout=10)


if __name__ == "__main__":
    main()
