#!/usr/bin/env python3
"""Cases for ttbus-bridge and the D-Bus caller examples; each runs under busenv.py (a private bus
with ttbusd on it, types from tests/bridge/types):

    bridge_test.py CASE

Programs come from the environment (set by meson): TTBUS_BRIDGE, BRIDGE_CONFIG (the shipped
bridge.json), GDBUS_HANDLER, GDBUS_SENDER, TT_HANDLER, TT_SENDER, GREETER_SERVICE.
"""

import atexit
import os
import re
import subprocess
import sys

from gi.repository import Gio, GLib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import busenv  # noqa: E402  (its wait_for)

TEST_DIR = os.environ["TTBUS_TEST_DIR"]
BUS = os.environ["TTBUS_TEST_BUS"]
BROKER_CALL = ["busctl", "--user", "call", "org.ttbus.Broker1", "/org/ttbus/Broker1", "org.ttbus.Broker1"]
# Every process the test starts gets a private XDG_CONFIG_HOME: no host configuration leaks in.
os.environ["XDG_CONFIG_HOME"] = os.path.join(TEST_DIR, "config")
os.makedirs(os.environ["XDG_CONFIG_HOME"], exist_ok=True)


# Programs the case started; killed when it ends, so none outlives a failed case holding the test
# runner's output.
started = []


@atexit.register
def kill_started():
    for p in started:
        if p.poll() is None:
            p.kill()


def spawn(argv, **kw):
    p = subprocess.Popen(argv, **kw)
    started.append(p)
    return p


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    sys.exit(1)


def expect(cond, why):
    if not cond:
        fail(why)


def wait_until(predicate, what):
    try:
        busenv.wait_for(predicate, what)
    except TimeoutError as e:
        fail(str(e))


def start_ready(argv):
    """Starts a program that prints "ready" when it can be reached."""
    p = spawn(argv, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    expect(line.strip() == "ready", f"{argv[0]} did not get ready (said {line!r})")
    return p


class Bridge:
    """ttbus-bridge with the shipped configuration; ready once its procid is in the session."""

    def __init__(self):
        self.log_path = os.path.join(TEST_DIR, "bridge.log")
        self.log = open(self.log_path, "w")
        self.proc = spawn([os.environ["TTBUS_BRIDGE"], "--config", os.environ["BRIDGE_CONFIG"]],
                                     stdout=self.log, stderr=self.log)
        wait_until(lambda: "procid" in self.text() or self.proc.poll() is not None, "the bridge")
        expect(self.proc.poll() is None, "the bridge exited at start:\n" + self.text())

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        expect(self.proc.poll() is None, "the bridge died:\n" + self.text())
        self.proc.terminate()
        expect(self.proc.wait(timeout=10) == 0, "the bridge did not exit cleanly:\n" + self.text())


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, **kw)


def busctl_request(op, name):
    """A request with (in string NAME, out string) through Broker1.Call."""
    data = " ".join(str(b) for b in name.encode())
    return run(BROKER_CALL + ["Call", "a{sv}", "2", "op", "s", op, "args", "a(isuiay)", "2",
                              "1", "string", "2", "0", str(len(name.encode())), *data.split(),
                              "2", "string", "0", "0", "0"])


def greeting_of(busctl_stdout):
    """The out arg's bytes from busctl's printing of the handled message."""
    m = re.search(r'"args" a\(isuiay\) 2 1 "string" 2 0 \d+(?: \d+)* 2 "string" 2 0 (\d+)((?: \d+)*)', busctl_stdout)
    expect(m is not None, f"no answered out arg in {busctl_stdout!r}")
    values = [int(x) for x in m.group(2).split()]
    expect(len(values) == int(m.group(1)), "bad byte count")
    return bytes(values).decode()


def hex_bytes(text):
    """How gdbus prints bytes without a trailing NUL: 0x48, 0x65, ... (after "[" or "[byte ")."""
    return ", ".join(f"0x{b:02x}" for b in text.encode()) + "]"


def install_greeter_service():
    """The test service as an activatable D-Bus service of the private bus."""
    with open(os.path.join(TEST_DIR, "services", "org.ttbus.Test.Greeter1.service"), "w") as f:
        f.write("[D-BUS Service]\nName=org.ttbus.Test.Greeter1\n"
                f"Exec={sys.executable} {os.environ['GREETER_SERVICE']} {TEST_DIR}/greeter-starts\n")
    run(["busctl", "--user", "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
         "ReloadConfig"])


def greeter_starts():
    path = os.path.join(TEST_DIR, "greeter-starts")
    return open(path).read().count("started") if os.path.exists(path) else 0


# ---- D-Bus callers and the examples ------------------------------------------------------------

def gdbus_handler_serves_tt_sender():
    handler = start_ready([os.environ["GDBUS_HANDLER"], "1"])
    r = run([os.environ["TT_SENDER"], "World"])
    expect(r.returncode == 0 and r.stdout == "Hello, World!\n", f"tt_sender: {r}")
    expect(handler.wait(timeout=10) == 0, "gdbus_handler failed")


def tt_handler_serves_gdbus_and_busctl():
    handler = start_ready([os.environ["TT_HANDLER"], "3"])
    r = run(["gdbus", "call", "--session", "--dest", "org.ttbus.Broker1", "--object-path", "/org/ttbus/Broker1",
             "--method", "org.ttbus.Broker1.Call",
             "{'op': <'Hello'>, 'args': <[(1, 'string', uint32 2, 0, [byte 103, 100, 98, 117, 115]), "
             "(2, 'string', uint32 0, 0, @ay [])]>}"])
    expect(r.returncode == 0 and hex_bytes("Hello, gdbus!") in r.stdout, f"gdbus call: {r}")
    r = busctl_request("Hello", "busctl")
    expect(r.returncode == 0 and greeting_of(r.stdout) == "Hello, busctl!", f"busctl call: {r}")
    r = run([os.environ["GDBUS_SENDER"], "GDBus"])
    expect(r.returncode == 0 and r.stdout == "Hello, GDBus!\n", f"gdbus_sender: {r}")
    expect(handler.wait(timeout=10) == 0, "tt_handler failed")


# ---- D-Bus services as handlers ----------------------------------------------------------------

def service_activated_on_demand():
    install_greeter_service()
    bridge = Bridge()
    r = busctl_request("Greet", "world")
    if BUS == "dbus-daemon":
        expect(r.returncode == 0 and greeting_of(r.stdout) == "Hello, world!", f"Greet: {r}")
        expect(greeter_starts() == 1, "the service was not started by activation")
        r = busctl_request("Greet", "again")
        expect(greeting_of(r.stdout) == "Hello, again!" and greeter_starts() == 1, "second call")
    else:
        # dbus-broker activates only through a systemd user manager, which this bus has not: the
        # request fails as a ptype start does, with the bus's text; a running service then serves.
        expect(r.returncode != 0 and "1056 TT_ERR_PTYPE_START" in r.stderr and "activate" in r.stderr,
               f"Greet without activation: {r}")
        service = spawn([sys.executable, os.environ["GREETER_SERVICE"], f"{TEST_DIR}/greeter-starts"])
        wait_until(lambda: run(["busctl", "--user", "status", "org.ttbus.Test.Greeter1"]).returncode == 0, "service")
        r = busctl_request("Greet", "world")
        expect(r.returncode == 0 and greeting_of(r.stdout) == "Hello, world!", f"Greet: {r}")
        service.terminate()
    bridge.stop()


def service_error_fails_the_request():
    install_greeter_service()
    bridge = Bridge()
    if BUS == "dbus-broker":
        spawn([sys.executable, os.environ["GREETER_SERVICE"], f"{TEST_DIR}/greeter-starts"])
        wait_until(lambda: run(["busctl", "--user", "status", "org.ttbus.Test.Greeter1"]).returncode == 0, "service")
    r = busctl_request("Refuse", "Bob")
    # The binding maps org.ttbus.Test.Error.Refused to 1113 (TT_DESKTOP_EACCES).
    expect(r.returncode != 0 and "1113" in r.stderr and "org.ttbus.Test.Error.Refused: will not greet Bob" in r.stderr,
           f"Refuse: {r}")
    bridge.stop()


def bad_input_fails_and_the_bridge_goes_on():
    install_greeter_service()
    bridge = Bridge()
    if BUS == "dbus-broker":
        spawn([sys.executable, os.environ["GREETER_SERVICE"], f"{TEST_DIR}/greeter-starts"])
        wait_until(lambda: run(["busctl", "--user", "status", "org.ttbus.Test.Greeter1"]).returncode == 0, "service")
    r = busctl_request("Missing", "x")
    expect(r.returncode != 0 and "1148" in r.stderr and "UnknownMethod" in r.stderr and "NoSuchMethod" in r.stderr,
           f"binding to a missing method: {r}")
    r = busctl_request("Count", "x")
    expect(r.returncode != 0 and "1171" in r.stderr and "reply value 0 has D-Bus type i, the binding expects s" in r.stderr,
           f"reply of the wrong type: {r}")
    # An arg the binding cannot convert: an int where the binding wants a string (s).
    r = run(BROKER_CALL + ["Call", "a{sv}", "2", "op", "s", "Greet", "args", "a(isuiay)", "2",
                           "1", "string", "1", "7", "0", "2", "string", "0", "0", "0"])
    expect(r.returncode != 0 and "1122" in r.stderr and "arg 0 is an int" in r.stderr, f"unconvertible arg: {r}")
    r = busctl_request("Greet", "still there")
    expect(r.returncode == 0 and greeting_of(r.stdout) == "Hello, still there!", f"Greet after bad input: {r}")
    bridge.stop()


def running_greeter():
    """The test service started by the test (on either bus), once it owns its name."""
    spawn([sys.executable, os.environ["GREETER_SERVICE"], f"{TEST_DIR}/greeter-starts"])
    wait_until(lambda: run(["busctl", "--user", "status", "org.ttbus.Test.Greeter1"]).returncode == 0, "service")


def values_cross_both_ways():
    bridge = Bridge()
    running_greeter()
    # Mirror: arg 0 (int 7) as y, q, t, d and b, arg 1 ("abc") as ay, a constant o, the op field as
    # s; the reply's s, v (an int in a variant) and t fill args 2..4, its last s is ignored.
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    args = [(1, "int", 1, 7, []), (1, "string", 2, 0, list(b"abc")), (2, "string", 0, 0, []),
            (2, "int", 0, 0, []), (2, "int", 0, 0, [])]
    reply = bus.call_sync("org.ttbus.Broker1", "/org/ttbus/Broker1", "org.ttbus.Broker1", "Call",
                          GLib.Variant("(a{sv})", ({"op": GLib.Variant("s", "Mirror"),
                                                    "args": GLib.Variant("a(isuiay)", args)},)),
                          None, Gio.DBusCallFlags.NONE, 10000, None).unpack()[0]
    out = reply["args"]
    expect(bytes(out[2][4]).decode() == "7 7 7 7.0 True abc /a/b Mirror", f"Mirror's text: {out}")
    expect(out[3][2:4] == (1, 42) and out[4][2:4] == (1, 5), f"Mirror's ints: {out}")
    # 300 does not fit y: the request fails before the service sees it.
    r = run(BROKER_CALL + ["Call", "a{sv}", "2", "op", "s", "Mirror", "args", "a(isuiay)", "5",
                           "1", "int", "1", "300", "0", "1", "string", "2", "0", "1", "97",
                           "2", "string", "0", "0", "0", "2", "int", "0", "0", "0", "2", "int", "0", "0", "0"])
    expect(r.returncode != 0 and "1122" in r.stderr and "arg 0 is 300, out of the range of D-Bus type y" in r.stderr,
           f"out of range: {r}")
    bridge.stop()


def slow_service_times_out():
    bridge = Bridge()
    running_greeter()
    # Slow answers after 3 s; its binding waits 300 ms.
    r = busctl_request("Slow", "x")
    expect(r.returncode != 0 and "1245" in r.stderr and "org.freedesktop.DBus.Error.NoReply" in r.stderr,
           f"Slow: {r}")
    r = busctl_request("Greet", "after the timeout")
    expect(r.returncode == 0 and greeting_of(r.stdout) == "Hello, after the timeout!", f"Greet after Slow: {r}")
    bridge.stop()


def bridge_ends_when_ttbusd_leaves():
    # Run with busenv --no-broker: this case starts and stops ttbusd itself.
    log = open(os.path.join(TEST_DIR, "own-ttbusd.log"), "w")
    broker = spawn([os.environ["TTBUSD"]], stdout=log, stderr=log)
    wait_until(lambda: run(["busctl", "--user", "status", "org.ttbus.Broker1"]).returncode == 0, "ttbusd")
    bridge = Bridge()
    broker.terminate()
    expect(broker.wait(timeout=10) == 0, "ttbusd did not stop")
    try:
        status = bridge.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        fail("the bridge stayed after ttbusd left:\n" + bridge.text())
    expect(status == 1 and "ttbusd left the bus" in bridge.text(), f"bridge status {status}:\n" + bridge.text())


# ---- Desktop applications as handlers ----------------------------------------------------------

def display_opens_the_default_application():
    data, config = os.environ["XDG_DATA_HOME"], os.environ["XDG_CONFIG_HOME"]
    record = os.path.join(TEST_DIR, "viewer-opened")
    viewer = os.path.join(TEST_DIR, "viewer.sh")
    with open(viewer, "w") as f:
        f.write(f'#!/bin/sh\necho "$1" >> {record}\n')
    os.chmod(viewer, 0o755)
    os.makedirs(os.path.join(data, "applications"), exist_ok=True)
    with open(os.path.join(data, "applications", "ttbus-test-viewer.desktop"), "w") as f:
        f.write("[Desktop Entry]\nType=Application\nName=ttbus test viewer\n"
                f"Exec={viewer} %f\nMimeType=text/plain;\n")
    with open(os.path.join(config, "mimeapps.list"), "w") as f:
        f.write("[Default Applications]\ntext/plain=ttbus-test-viewer.desktop\n")
    document = os.path.join(TEST_DIR, "notes.txt")
    with open(document, "w") as f:
        f.write("some text\n")
    bridge = Bridge()
    # Display(in ISO_Latin_1 contents) naming the file, contents empty: the media convention.
    r = run(BROKER_CALL + ["Call", "a{sv}", "3", "op", "s", "Display", "file", "s", document,
                           "args", "a(isuiay)", "1", "1", "ISO_Latin_1", "0", "0", "0"])
    expect(r.returncode == 0 and '"state" i 2' in r.stdout, f"Display: {r}")  # TT_HANDLED
    # The file appears before the viewer's echo has written its line: wait for the whole line.
    wait_until(lambda: os.path.exists(record) and open(record).read().endswith("\n"), "the viewer to run")
    expect(open(record).read() == document + "\n", "the viewer got another file")
    # A media type that is not enabled is not the bridge's: no handler.
    r = run(BROKER_CALL + ["Call", "a{sv}", "3", "op", "s", "Display", "file", "s", document,
                           "args", "a(isuiay)", "1", "1", "Klingon", "0", "0", "0"])
    expect(r.returncode != 0 and "1053" in r.stderr, f"Display of a type not enabled: {r}")
    # A file with no application for its type fails with a clear text.
    odd = os.path.join(TEST_DIR, "data.ttbus-unknown")
    with open(odd, "wb") as f:
        f.write(bytes(range(256)))
    r = run(BROKER_CALL + ["Call", "a{sv}", "3", "op", "s", "Display", "file", "s", odd,
                           "args", "a(isuiay)", "1", "1", "ISO_Latin_1", "0", "0", "0"])
    expect(r.returncode != 0 and "no desktop application for" in r.stderr, f"Display without an app: {r}")
    bridge.stop()


def running_tooltalk_handler_wins_over_the_application():
    document = os.path.join(TEST_DIR, "notes.txt")
    with open(document, "w") as f:
        f.write("some text\n")
    bridge = Bridge()
    # A handler registered for Display with the op and its arg (the usual media pattern): it is
    # more specific than the bridge's op-only pattern.
    handler = spawn([sys.executable, __file__, "_display_handler"], stdout=subprocess.PIPE, text=True)
    expect(handler.stdout.readline().strip() == "ready", "display handler")
    r = run(BROKER_CALL + ["Call", "a{sv}", "3", "op", "s", "Display", "file", "s", document,
                           "args", "a(isuiay)", "1", "1", "ISO_Latin_1", "0", "0", "0"])
    expect(r.returncode == 0 and "handled by the test handler" in r.stdout, f"Display: {r}")
    handler.wait(timeout=10)
    bridge.stop()


def _display_handler():
    """A GDBus handler for Display(in ISO_Latin_1) that answers one request."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    loop = GLib.MainLoop()
    state = {}

    def on_delivered(conn, sender, path, iface, signal, params):
        procid, message = params.unpack()
        if procid != state.get("procid"):
            return
        bus.call_sync("org.ttbus.Broker1", "/org/ttbus/Broker1", "org.ttbus.Procid1", "Reply",
                      GLib.Variant("(ssa{sv})", (procid, message["id"], {
                          "args": GLib.Variant("a(isuiay)", message["args"]),
                          "status_string": GLib.Variant("s", "handled by the test handler")})),
                      None, Gio.DBusCallFlags.NONE, -1)
        loop.quit()

    bus.signal_subscribe("org.ttbus.Broker1", "org.ttbus.Procid1", "Delivered", "/org/ttbus/Broker1", None,
                         Gio.DBusSignalFlags.NONE, on_delivered)

    def call(iface, method, args, fmt):
        return bus.call_sync("org.ttbus.Broker1", "/org/ttbus/Broker1", iface, method, GLib.Variant(fmt, args),
                             None, Gio.DBusCallFlags.NONE, -1).unpack()

    procid, session = call("org.ttbus.Broker1", "Open", ({},), "(a{sv})")
    state["procid"] = procid
    call("org.ttbus.Procid1", "PatternRegister", (procid, {
        "category": GLib.Variant("i", 2), "scopes": GLib.Variant("ai", [1]), "ops": GLib.Variant("as", ["Display"]),
        "args": GLib.Variant("a(isuiay)", [(1, "ISO_Latin_1", 0, 0, b"")])}), "(sa{sv})")
    call("org.ttbus.Procid1", "SessionJoin", (procid, session), "(ss)")
    print("ready", flush=True)
    loop.run()


# ---- Notices out -------------------------------------------------------------------------------

def notices_become_signals():
    bridge = Bridge()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    got = []
    loop = GLib.MainLoop()

    def on_notice(conn, sender, path, iface, signal, params):
        got.append(params.unpack())
        loop.quit()

    # An ordinary match rule: the Notice signals of the bridge, Saved only (arg0).
    bus.signal_subscribe("org.ttbus.Bridge1", "org.ttbus.Bridge1", "Notice", "/org/ttbus/Bridge1", "Saved",
                         Gio.DBusSignalFlags.NONE, on_notice)
    for op in ("Unlisted", "Saved"):
        r = run(BROKER_CALL + ["Notify", "a{sv}", "2", "op", "s", op,
                               "args", "a(isuiay)", "1", "1", "string", "2", "0", "3", "97", "98", "99"])
        expect(r.returncode == 0, f"Notify: {r}")
    GLib.timeout_add_seconds(10, loop.quit)
    loop.run()
    expect(len(got) == 1, f"signals: {got}")
    op, message = got[0]
    expect(op == "Saved" and message["op"] == "Saved" and bytes(message["args"][0][4]) == b"abc",
           f"Notice: {got[0]}")
    expect("delivery" not in message and "pattern" not in message, "per-delivery keys leaked")
    bridge.stop()


def bad_config_is_refused():
    path = os.path.join(TEST_DIR, "bad-bridge.json")
    with open(path, "w") as f:
        f.write('{"media": {"ops": "Display"}}')
    r = run([os.environ["TTBUS_BRIDGE"], "--config", path])
    expect(r.returncode == 2 and f"{path}: at /media/ops: expected an array of strings" in r.stderr, f"{r}")


if __name__ == "__main__":
    globals()[sys.argv[1]]()
