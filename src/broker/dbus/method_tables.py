#!/usr/bin/env python3
"""Writes the broker's sd-bus method tables from the introspection XML (data/dbus-1/*.xml).

    method_tables.py INTERFACES.xml VTABLES.inc HANDLERS.inc

The XML is the contract; the served vtables are generated from it at build time, so a method or
signal cannot be served with another signature or other argument names than the XML gives.
VTABLES.inc: for each interface one sd_bus_vtable array whose methods call TTBUS_HANDLER(Member)
(the includer binds it to the handler of that name: a method without a handler does not link),
and `interfaces`, the list of (interface name, vtable) pairs, in the XML's order.
HANDLERS.inc: the declaration of every handler, `int Member(sd_bus_message* m);`, for the class
that serves the interfaces.
"""

import re
import sys
import xml.etree.ElementTree as ET


def c_name(interface):
    return "vtable_" + re.sub(r"[^A-Za-z0-9]", "_", interface)


def params(args):
    names = []
    for a in args:
        name = a.get("name")
        if not name or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            sys.exit(f"method_tables.py: argument name {name!r} is not an identifier")
        names.append(f"SD_BUS_PARAM({name})")
    return " ".join(names) if names else '""'


def signature(args):
    return '"' + "".join(a.get("type") for a in args) + '"'


def main():
    source, output, handlers = sys.argv[1], sys.argv[2], sys.argv[3]
    root = ET.parse(source).getroot()
    header = f"// Generated from {source.split('/')[-1]} by src/broker/dbus/method_tables.py: do not edit."
    lines = [header, ""]
    declarations = [header]
    pairs = []
    for interface in root.findall("interface"):
        name = interface.get("name")
        declarations.append(f"// {name}")
        declarations.extend(f"int {m.get('name')}(sd_bus_message* m);" for m in interface.findall("method"))
        lines.append(f"static const sd_bus_vtable {c_name(name)}[] = {{")
        lines.append("    SD_BUS_VTABLE_START(0),")
        for member in interface:
            if member.tag == "method":
                ins = [a for a in member.findall("arg") if a.get("direction", "in") == "in"]
                outs = [a for a in member.findall("arg") if a.get("direction") == "out"]
                lines.append(f'    SD_BUS_METHOD_WITH_NAMES("{member.get("name")}", {signature(ins)}, {params(ins)}, '
                             f'{signature(outs)}, {params(outs)}, TTBUS_HANDLER({member.get("name")}), '
                             "SD_BUS_VTABLE_UNPRIVILEGED),")
            elif member.tag == "signal":
                args = member.findall("arg")
                lines.append(f'    SD_BUS_SIGNAL_WITH_NAMES("{member.get("name")}", {signature(args)}, {params(args)}, 0),')
            elif member.tag == "property":
                sys.exit("method_tables.py: properties are not served; add them here first")
        lines.append("    SD_BUS_VTABLE_END,")
        lines.append("};")
        lines.append("")
        pairs.append(f'    {{"{name}", {c_name(name)}}},')
    lines.append("static const std::pair<const char*, const sd_bus_vtable*> interfaces[] = {")
    lines.extend(pairs)
    lines.append("};")
    with open(output, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(handlers, "w") as f:
        f.write("\n".join(declarations) + "\n")


if __name__ == "__main__":
    main()
