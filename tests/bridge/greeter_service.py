#!/usr/bin/env python3
"""A D-Bus service for the bridge tests, started by D-Bus activation (org.ttbus.Test.Greeter1).

Greet(s) -> s answers; Refuse(s) fails with org.ttbus.Test.Error.Refused; Count(s) -> i answers
with an int where the test binding expects a string; Slow(s) -> s answers after 3 s; Mirror
takes one value of many D-Bus types and answers with their text, a variant, a uint64 and a string
the binding ignores. Each start appends a line to the file named
by its first argument (the bus starts it without the test's environment), so a test can tell that
activation happened.
"""

import sys

from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.ttbus.Test.Greeter1">
    <method name="Greet"><arg type="s" direction="in"/><arg type="s" direction="out"/></method>
    <method name="Refuse"><arg type="s" direction="in"/><arg type="s" direction="out"/></method>
    <method name="Count"><arg type="s" direction="in"/><arg type="i" direction="out"/></method>
    <method name="Slow"><arg type="s" direction="in"/><arg type="s" direction="out"/></method>
    <method name="Mirror">
      <arg type="y" direction="in"/><arg type="q" direction="in"/><arg type="t" direction="in"/>
      <arg type="d" direction="in"/><arg type="b" direction="in"/><arg type="ay" direction="in"/>
      <arg type="o" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="out"/><arg type="v" direction="out"/><arg type="t" direction="out"/>
      <arg type="s" direction="out"/>
    </method>
  </interface>
</node>
"""


def on_call(connection, sender, path, interface, method, params, invocation):
    if method == "Mirror":
        y, q, t, d, b, ay, o, s = params.unpack()
        text = f"{y} {q} {t} {d} {b} {bytes(ay).decode()} {o} {s}"
        invocation.return_value(GLib.Variant("(svts)", (text, GLib.Variant("i", 42), 5, "ignored")))
        return
    (text,) = params.unpack()
    if method == "Slow":
        GLib.timeout_add(3000, lambda: invocation.return_value(GLib.Variant("(s)", (text,))) and False)
    elif method == "Greet":
        invocation.return_value(GLib.Variant("(s)", (f"Hello, {text}!",)))
    elif method == "Refuse":
        invocation.return_dbus_error("org.ttbus.Test.Error.Refused", f"will not greet {text}")
    else:
        invocation.return_value(GLib.Variant("(i)", (len(text),)))


def main():
    with open(sys.argv[1], "a") as f:
        f.write("started\n")
    loop = GLib.MainLoop()
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    bus.register_object("/org/ttbus/Test/Greeter1", info, on_call)
    Gio.bus_own_name_on_connection(bus, "org.ttbus.Test.Greeter1", Gio.BusNameOwnerFlags.NONE, None,
                                   lambda *a: loop.quit())
    loop.run()


if __name__ == "__main__":
    main()
