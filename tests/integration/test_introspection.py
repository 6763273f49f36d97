#!/usr/bin/env python3
"""The objects ttbusd serves are those its introspection XML describes.

    test_introspection.py path/to/org.ttbus.Broker1.xml

Run under busenv.py. The broker's vtables are generated from data/dbus-1/org.ttbus.Broker1.xml
(src/broker/dbus/method_tables.py); this checks what a running broker serves against it: the
org.ttbus.* interfaces, their methods and signals, and every argument's name, type and direction
must be equal. It asks the broker on the bus and over its peer-to-peer socket (the same objects on
both, but for the interfaces annotated org.ttbus.Broker.PeerOnly: on the peer socket only).
"""

import subprocess
import sys
import xml.etree.ElementTree as ET

PATH = "/org/ttbus/Broker1"


def dbus_send(where, *args):
    r = subprocess.run(["dbus-send", *where, "--print-reply=literal", *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"dbus-send {' '.join(args)} failed: {r.stderr}")
    return r.stdout.strip()


def members(xml_text):
    """{interface: {("method"|"signal", name): [(direction, type, name), ...]}} of the org.ttbus.* interfaces."""
    out = {}
    for iface in ET.fromstring(xml_text).iter("interface"):
        name = iface.get("name")
        if not name.startswith("org.ttbus."):
            continue
        found = {}
        for kind in ("method", "signal"):
            for m in iface.iter(kind):
                args = []
                for a in m.iter("arg"):
                    direction = a.get("direction", "in") if kind == "method" else "out"
                    args.append((direction, a.get("type"), a.get("name")))
                found[(kind, m.get("name"))] = args
        out[name] = found
    return out


def compare(what, served, described):
    problems = []
    for iface in sorted(set(served) | set(described)):
        if iface not in served:
            problems.append(f"{what}: {iface} is described but not served")
            continue
        if iface not in described:
            problems.append(f"{what}: {iface} is served but not described")
            continue
        s, d = served[iface], described[iface]
        for key in sorted(set(s) | set(d)):
            kind, name = key
            if key not in s:
                problems.append(f"{what}: {kind} {iface}.{name} is described but not served")
            elif key not in d:
                problems.append(f"{what}: {kind} {iface}.{name} is served but not described")
            elif s[key] != d[key]:
                problems.append(f"{what}: {kind} {iface}.{name}: served {s[key]}, described {d[key]}")
    return problems


def peer_only(xml_text):
    return {iface.get("name") for iface in ET.fromstring(xml_text).iter("interface")
            if any(a.get("name") == "org.ttbus.Broker.PeerOnly" and a.get("value") == "true"
                   for a in iface.findall("annotation"))}


def main():
    xml_text = open(sys.argv[1]).read()
    described = members(xml_text)
    assert set(described) == {"org.ttbus.Broker1", "org.ttbus.Procid1", "org.ttbus.Monitor1", "org.ttbus.Peer1"}, \
        described.keys()
    assert peer_only(xml_text) == {"org.ttbus.Peer1"}
    on_bus_described = {k: v for k, v in described.items() if k not in peer_only(xml_text)}
    bus = ["--session", "--dest=org.ttbus.Broker1"]
    on_bus = dbus_send(bus, PATH, "org.freedesktop.DBus.Introspectable.Introspect")
    address = dbus_send(bus, PATH, "org.ttbus.Broker1.PeerAddress")
    on_peer = dbus_send([f"--peer={address}"], PATH, "org.freedesktop.DBus.Introspectable.Introspect")
    problems = compare("on the bus", members(on_bus), on_bus_described) + compare("on a peer connection", members(on_peer),
                                                                          described)
    for p in problems:
        print(p, file=sys.stderr)
    count = sum(len(m) for m in described.values())
    print(f"{count} members of {len(described)} interfaces compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
