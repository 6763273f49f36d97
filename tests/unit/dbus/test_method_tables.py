#!/usr/bin/env python3
"""The broker's method tables (src/broker/dbus/method_tables.py): the handler form each method of
the XML gets, and the build failing, with a message naming the place, where the XML leaves the
decoding open.

    test_method_tables.py path/to/method_tables.py
"""

import os
import subprocess
import sys
import tempfile

GENERATOR = sys.argv[1]
failures = []


def generate(interfaces):
    """Runs the generator on an XML of `interfaces`; returns (exit status, stderr, declarations, entries, vtables)."""
    with tempfile.TemporaryDirectory() as d:
        xml = os.path.join(d, "test.xml")
        with open(xml, "w") as f:
            f.write(f"<node>{interfaces}</node>")
        outs = [os.path.join(d, n) for n in ("vtables.inc", "handlers.inc", "entries.cpp")]
        r = subprocess.run([sys.executable, GENERATOR, xml, *outs], capture_output=True, text=True)
        texts = []
        for path in outs:
            texts.append(open(path).read() if r.returncode == 0 else "")
        return r.returncode, r.stderr, texts[1], texts[2], texts[0]


def expect(what, condition, detail=""):
    if not condition:
        failures.append(f"{what}: {detail}")


def expect_declared(declarations, line):
    expect("declared", line in declarations.splitlines(), f"{line!r} not in\n{declarations}")


def expect_refused(what, interfaces, message):
    status, stderr, _, _, _ = generate(interfaces)
    expect(what, status != 0 and message in stderr, f"status {status}, stderr {stderr!r}")


OWNED = """
<interface name="org.example.Owned">
  <annotation name="org.ttbus.Broker.Owner" value="procid"/>
  <method name="Plain"><arg name="procid" type="s" direction="in"/><arg name="n" type="u" direction="in"/>
    <arg name="data" type="ay" direction="in"/><arg name="v" type="(uiay)" direction="in"/></method>
  <method name="Dict"><arg name="procid" type="s" direction="in"/>
    <arg name="message" type="a{sv}" direction="in"><annotation name="org.ttbus.Broker.CppType" value="core::Message"/></arg>
    <arg name="id" type="s" direction="out"/></method>
  <method name="Two"><arg name="procid" type="s" direction="in"/>
    <arg name="a" type="t" direction="out"/><arg name="b" type="aay" direction="out"/></method>
</interface>
<interface name="org.example.Free">
  <method name="Info"><arg name="name" type="s" direction="in"/><arg name="info" type="a{sv}" direction="out"/></method>
  <method name="Later"><annotation name="org.freedesktop.DBus.Method.Async" value="server"/>
    <arg name="id" type="s" direction="out"/></method>
  <method name="Close"><annotation name="org.ttbus.Broker.Owner" value="procid"/>
    <arg name="procid" type="s" direction="in"/></method>
</interface>
"""

status, stderr, declarations, entries, vtables = generate(OWNED + """
<interface name="org.example.PeerSide"><annotation name="org.ttbus.Broker.PeerOnly" value="true"/>
  <method name="Pack"><arg name="part" type="ay" direction="in">
    <annotation name="org.ttbus.Broker.CppType" value="Packed"/></arg></method>
</interface>""")
expect("the example generates", status == 0, stderr)
# Handler forms: the owner for an owned procid, else the call; typed in arguments; plain out
# arguments returned; a dictionary out argument written by the handler; an asynchronous method
# replying later.
expect_declared(declarations, "void Plain(Connection& owner, const std::string& procid, std::uint32_t n, "
                              "const std::string& data, const core::Value& v);")
expect_declared(declarations, "std::string Dict(Connection& owner, const std::string& procid, core::Message& message);")
expect_declared(declarations, "std::tuple<std::uint64_t, std::vector<std::string>> Two(Connection& owner, "
                              "const std::string& procid);")
expect_declared(declarations, "int Info(const MethodCall& call, const std::string& name);")
expect_declared(declarations, "void Later(const MethodCall& call);")
expect_declared(declarations, "void Close(Connection& owner, const std::string& procid);")
for member in ("Plain", "Dict", "Two", "Info", "Later", "Close"):
    expect_declared(declarations, f"int on_{member}(sd_bus_message* m);")
# An ay with a C++ type is decoded as one; an interface is marked peer-only or not.
expect_declared(declarations, "void Pack(const MethodCall& call, Packed& part);")
expect("peer-only marked", '{"org.example.PeerSide", vtable_org_example_PeerSide, true},' in vtables, vtables)
expect("others served on the bus", '{"org.example.Owned", vtable_org_example_Owned, false},' in vtables, vtables)
# Ownership is checked as soon as the procid is read, before anything else is.
dict_entry = entries[entries.index("int Service::on_Dict("):]
dict_entry = dict_entry[:dict_entry.index("\n}\n")]
order = [dict_entry.index(s) for s in ("procid = read_string(m);", "owner = &own(procid, call.who);",
                                       "decode(m, message);", "Dict(*owner, procid, message)")]
expect("ownership before the dictionary", order == sorted(order), dict_entry)

# Where the XML leaves the decoding open, the build fails and says where.
expect_refused("a dictionary without its C++ type",
               '<interface name="a.B"><method name="Put"><arg name="d" type="a{sv}" direction="in"/></method></interface>',
               "Put: argument d of type a{sv} needs a org.ttbus.Broker.CppType annotation")
expect_refused("an owner that is not an argument",
               '<interface name="a.B"><annotation name="org.ttbus.Broker.Owner" value="procid"/>'
               '<method name="Get"><arg name="who" type="s" direction="in"/></method></interface>',
               "Get: org.ttbus.Broker.Owner names 'procid', which is not an in argument")
expect_refused("an argument name that is not an identifier",
               '<interface name="a.B"><method name="Get"><arg name="not-one" type="s" direction="in"/></method></interface>',
               "argument name 'not-one' is not an identifier")
expect_refused("a property",
               '<interface name="a.B"><property name="P" type="s" access="read"/></interface>',
               "properties are not served")

for f in failures:
    print(f, file=sys.stderr)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
