#!/usr/bin/env python3
"""Writes the broker's method tables from the introspection XML (data/dbus-1/*.xml).

    method_tables.py INTERFACES.xml VTABLES.inc HANDLERS.inc ENTRIES.cpp

The XML is the contract; everything between sd-bus and a handler is generated from it at build
time, so a method cannot be served with another signature, other argument names or another
decoding than the XML gives.

VTABLES.inc: for each interface one sd_bus_vtable array whose methods call
TTBUS_HANDLER(Member, tells_one_way_failure) (the includer binds it to Service::on_Member), and
`interfaces`, the list of {interface name, vtable, served on peer connections only}, in the XML's order.
HANDLERS.inc: inside class Service, the declaration of every method's entry
`int on_Member(sd_bus_message*)` and of its handler, which receives typed arguments.
ENTRIES.cpp: the entries. Each reads the arguments in the XML's order (src/protocol's readers),
checks ownership as soon as the owned argument is read, calls the handler, and writes its reply.

A handler's form follows from the XML (docs/broker-methods.md):
  parameters  `const MethodCall& call` unless the method has an owned procid, then
              `Connection& owner` for an owned procid, then the in arguments:
              s -> const std::string&, ay -> const std::string& (the bytes), u -> std::uint32_t,
              t -> std::uint64_t, (uiay) -> const core::Value&, and any other type (the a{sv}
              dictionaries) -> T& where T is named by the argument's annotation
              org.ttbus.Broker.CppType and read by `decode(m, T&)` (arguments.h);
  result      for a method annotated org.freedesktop.DBus.Method.Async=server: void (it replies
              later through call.message, and takes the call); for a method with an out argument
              of another type than s, as, ay, aay, u, t, b (a dictionary): int, the handler
              writes its reply (`reply(call.message, ...)`); otherwise the out arguments, written
              here: void, the one value, or a std::tuple of them.
Annotations read here (they change nothing on the bus):
  org.ttbus.Broker.Owner (on an interface or a method): the argument of that name is a procid the
      calling connection must own (Service::own), checked before the next argument is read; the
      handler gets the owner instead of the call.
  org.ttbus.Broker.CppType (on an argument): the C++ type a dictionary argument is decoded to.
  org.ttbus.Broker.PeerOnly (on an interface, "true"): served on peer-to-peer connections only, not
      on the bus.
  org.ttbus.Broker.OneWayFailure (on a method): the Service member told when a call of the method
      that expects no reply fails (instead of the trampoline's log line), with the call, the owner
      (null until ownership is known), the arguments as far as they were read, and the Failure.
"""

import re
import sys
import xml.etree.ElementTree as ET

ASYNC = "org.freedesktop.DBus.Method.Async"
OWNER = "org.ttbus.Broker.Owner"
CPP_TYPE = "org.ttbus.Broker.CppType"
ONE_WAY_FAILURE = "org.ttbus.Broker.OneWayFailure"
PEER_ONLY = "org.ttbus.Broker.PeerOnly"

# In arguments: D-Bus type -> (variable type, parameter type, statement reading it into `{}`).
IN_TYPES = {
    "s": ("std::string", "const std::string&", "{} = read_string(m);"),
    "ay": ("std::string", "const std::string&", "{} = read_bytes(m);"),
    "u": ("std::uint32_t", "std::uint32_t", "{} = read_uint32(m);"),
    "t": ("std::uint64_t", "std::uint64_t", "{} = read_uint64(m);"),
    "(uiay)": ("core::Value", "const core::Value&", "{} = read_value(m);"),
}
# Out arguments written here: D-Bus type -> (C++ type, statement writing `{}` with Writer w).
OUT_TYPES = {
    "s": ("std::string", "w.string({});"),
    "u": ("std::uint32_t", "w.uint32({});"),
    "t": ("std::uint64_t", "w.uint64({});"),
    "b": ("bool", "w.boolean({});"),
    "as": ("std::vector<std::string>", "w.strings({});"),
    "ay": ("std::string", "w.bytes({});"),
    "aay": ("std::vector<std::string>", 'w.open(\'a\', "ay");\nfor (const auto& v : {}) w.bytes(v);\nw.close();'),
}


def fail(text):
    sys.exit(f"method_tables.py: {text}")


def annotation(element, name):
    for a in element.findall("annotation"):
        if a.get("name") == name:
            return a.get("value")
    return None


def identifier(name, what):
    if not name or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        fail(f"{what} {name!r} is not an identifier")
    return name


def c_name(interface):
    return "vtable_" + re.sub(r"[^A-Za-z0-9]", "_", interface)


def params(args):
    names = [f"SD_BUS_PARAM({identifier(a.get('name'), 'argument name')})" for a in args]
    return " ".join(names) if names else '""'


def signature(args):
    return '"' + "".join(a.get("type") for a in args) + '"'


class Method:
    """One method: what its entry reads, checks, calls and writes."""

    def __init__(self, interface, element):
        self.name = identifier(element.get("name"), "method name")
        args = element.findall("arg")
        self.ins = [a for a in args if a.get("direction", "in") == "in"]
        self.outs = [a for a in args if a.get("direction") == "out"]
        self.is_async = annotation(element, ASYNC) == "server"
        self.owner = annotation(element, OWNER) or annotation(interface, OWNER)
        if self.owner and self.owner not in [a.get("name") for a in self.ins]:
            fail(f"{self.name}: {OWNER} names {self.owner!r}, which is not an in argument")
        self.one_way_failure = annotation(element, ONE_WAY_FAILURE)
        self.writes_reply = not self.is_async and any(a.get("type") not in OUT_TYPES for a in self.outs)

    def in_arg(self, a):
        """(variable type, parameter type, reading statement) of an in argument."""
        name, kind = a.get("name"), a.get("type")
        cpp = annotation(a, CPP_TYPE)
        if cpp:
            return cpp, cpp + "&", f"decode(m, {name});"
        if kind not in IN_TYPES:
            fail(f"{self.name}: argument {name} of type {kind} needs a {CPP_TYPE} annotation")
        var, param, read = IN_TYPES[kind]
        return var, param, read.format(name)

    def result(self):
        if self.is_async:
            return "void"
        if self.writes_reply:
            return "int"
        types = [OUT_TYPES[a.get("type")][0] for a in self.outs]
        if not types:
            return "void"
        return types[0] if len(types) == 1 else f"std::tuple<{', '.join(types)}>"

    def parameters(self):
        first = ["Connection& owner"] if self.owner else ["const MethodCall& call"]
        return first + [f"{self.in_arg(a)[1]} {a.get('name')}" for a in self.ins]

    def declaration(self):
        return f"{self.result()} {self.name}({', '.join(self.parameters())});"

    def entry(self):
        out = [f"int Service::on_{self.name}(sd_bus_message* m) {{", "    const MethodCall call{m, caller(m)};"]
        if self.owner:
            out.append("    Connection* owner = nullptr;")
        for a in self.ins:
            out.append(f"    {self.in_arg(a)[0]} {a.get('name')}{{}};")
        body = []
        for a in self.ins:
            body.append(self.in_arg(a)[2])
            if a.get("name") == self.owner:
                body.append(f"owner = &own({self.owner}, call.who);")
        arguments = ", ".join((["*owner"] if self.owner else ["call"]) + [a.get("name") for a in self.ins])
        handler = f"{self.name}({arguments})"
        if self.is_async:
            body += [f"{handler};", "return 1;"]
        elif self.writes_reply:
            body.append(f"return {handler};")
        elif not self.outs:
            body += [f"{handler};", "return reply_empty(m);"]
        else:
            body.append(f"const auto out = {handler};")
            if len(self.outs) == 1:
                writes = [OUT_TYPES[self.outs[0].get("type")][1].format("out")]
            else:
                writes = [OUT_TYPES[a.get("type")][1].format(f"std::get<{i}>(out)") for i, a in enumerate(self.outs)]
            body.append("return reply(m, [&](Writer& w) {")
            body += ["    " + line for w in writes for line in w.split("\n")]
            body.append("});")
        if self.one_way_failure:
            told = ", ".join(["call"] + (["owner"] if self.owner else []) + [a.get("name") for a in self.ins] + ["f"])
            out.append("    try {")
            out += ["        " + line for line in body]
            out += ["    } catch (const Failure& f) {",
                    f"        if (!sd_bus_message_get_expect_reply(m)) {self.one_way_failure}({told});",
                    "        throw;",
                    "    }"]
        else:
            out += ["    " + line for line in body]
        out.append("}")
        return out


def main():
    source, vtables, handlers, entries = sys.argv[1:5]
    root = ET.parse(source).getroot()
    header = f"// Generated from {source.split('/')[-1]} by src/broker/dbus/method_tables.py: do not edit."
    lines = [header, ""]
    declarations = [header]
    definitions = [header, '#include "arguments.h"', '#include "service_parts.h"', "", "#include <tuple>", "",
                   "namespace ttbus::dbus {"]
    pairs = []
    for interface in root.findall("interface"):
        name = interface.get("name")
        declarations.append(f"// {name}")
        lines.append(f"static const sd_bus_vtable {c_name(name)}[] = {{")
        lines.append("    SD_BUS_VTABLE_START(0),")
        for member in interface:
            if member.tag == "method":
                method = Method(interface, member)
                declarations.append(f"int on_{method.name}(sd_bus_message* m);")
                declarations.append(method.declaration())
                definitions.append("")
                definitions += method.entry()
                told = "true" if method.one_way_failure else "false"
                lines.append(f'    SD_BUS_METHOD_WITH_NAMES("{method.name}", {signature(method.ins)}, '
                             f'{params(method.ins)}, {signature(method.outs)}, {params(method.outs)}, '
                             f"TTBUS_HANDLER({method.name}, {told}), SD_BUS_VTABLE_UNPRIVILEGED),")
            elif member.tag == "signal":
                args = member.findall("arg")
                lines.append(f'    SD_BUS_SIGNAL_WITH_NAMES("{member.get("name")}", {signature(args)}, {params(args)}, 0),')
            elif member.tag == "property":
                fail("properties are not served; add them here first")
        lines.append("    SD_BUS_VTABLE_END,")
        lines.append("};")
        lines.append("")
        peer_only = "true" if annotation(interface, PEER_ONLY) == "true" else "false"
        pairs.append(f'    {{"{name}", {c_name(name)}, {peer_only}}},')
    lines.append("static const struct { const char* name; const sd_bus_vtable* vtable; bool peer_only; } interfaces[] = {")
    lines.extend(pairs)
    lines.append("};")
    definitions += ["", "}  // namespace ttbus::dbus"]
    for path, text in ((vtables, lines), (handlers, declarations), (entries, definitions)):
        with open(path, "w") as f:
            f.write("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
