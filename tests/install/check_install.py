#!/usr/bin/env python3
"""`meson install --destdir` of this build, checked as a packager would: everything under the
prefix (or the unit directory asked for), units and D-Bus activation files that start the programs
where this prefix installs them, a Documentation= in every unit, an activation file per bus name,
and no type files (only installed handlers' packages put ptypes there); systemd-analyze verifies
the units.

    check_install.py BUILD_DIR PREFIX LIBEXECDIR DATADIR USER_UNIT_DIR

With PREFIX /usr (a distribution build) the paths are also those Debian and Fedora ship.
"""

import configparser
import os
import subprocess
import sys
import tempfile

failures = []


def expect(cond, why):
    if not cond:
        failures.append(why)


def read_ini(path):
    # systemd and D-Bus files are ini-like; keys keep their case.
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.optionxform = str
    ini.read(path)
    return ini


def main():
    build, prefix, libexecdir, datadir, unit_dir = sys.argv[1:6]
    libexec = os.path.join(prefix, libexecdir)
    services = os.path.join(prefix, datadir, "dbus-1", "services")
    interfaces = os.path.join(prefix, datadir, "dbus-1", "interfaces")
    with tempfile.TemporaryDirectory(prefix="ttbus-install-") as dest:
        r = subprocess.run(["meson", "install", "-C", build, "--destdir", dest, "--no-rebuild", "--quiet"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout + r.stderr, file=sys.stderr)
            sys.exit(1)

        def installed(path):
            return os.path.isfile(dest + path)

        for top, _, files in os.walk(dest):
            for name in files:
                path = os.path.join(top, name)[len(dest):]
                expect(path.startswith(prefix.rstrip("/") + "/") or path.startswith(unit_dir + "/"),
                       f"{path} is outside the prefix {prefix}")

        programs = {"ttbusd": os.path.join(libexec, "ttbusd"), "ttbus-bridge": os.path.join(libexec, "ttbus-bridge")}
        for path in programs.values():
            expect(installed(path) and os.access(dest + path, os.X_OK), f"{path} is not installed")

        buses = {"org.ttbus.Broker1": ("ttbusd.service", programs["ttbusd"]),
                 "org.ttbus.Bridge1": ("ttbus-bridge.service", programs["ttbus-bridge"])}
        for bus_name, (unit, program) in buses.items():
            unit_path = os.path.join(unit_dir, unit)
            expect(installed(unit_path), f"no {unit_path}")
            if installed(unit_path):
                u = read_ini(dest + unit_path)
                expect(u.get("Service", "ExecStart", fallback="") == program,
                       f"{unit} starts {u.get('Service', 'ExecStart', fallback=None)!r}, not {program}")
                expect(u.get("Service", "BusName", fallback="") == bus_name, f"{unit}: BusName is not {bus_name}")
                expect(u.get("Unit", "Documentation", fallback="").startswith("man:"), f"{unit}: no Documentation=")
            service_path = os.path.join(services, bus_name + ".service")
            expect(installed(service_path), f"no D-Bus activation file {service_path}")
            if installed(service_path):
                s = read_ini(dest + service_path)["D-BUS Service"]
                expect(s.get("Name") == bus_name, f"{service_path}: Name is {s.get('Name')!r}")
                expect(s.get("Exec") == program, f"{service_path}: Exec is {s.get('Exec')!r}, not {program}")
                expect(s.get("SystemdService") == unit, f"{service_path}: SystemdService is not {unit}")
            interface = os.path.join(interfaces, bus_name + ".xml")
            expect(installed(interface), f"no {interface}")

        # systemd reads the units without a complaint (their programs taken from the destdir).
        checked = os.path.join(dest, "verify")
        os.makedirs(checked)
        for bus_name, (unit, program) in buses.items():
            if installed(os.path.join(unit_dir, unit)):
                with open(dest + os.path.join(unit_dir, unit)) as f:
                    text = f.read().replace("=" + program, "=" + dest + program)
                with open(os.path.join(checked, unit), "w") as f:
                    f.write(text)
        r = subprocess.run(["systemd-analyze", "verify", "--man=no"] + sorted(os.listdir(checked)), cwd=checked,
                           capture_output=True, text=True)
        expect(r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(),
               f"systemd-analyze verify: {r.stdout}{r.stderr}")

        types_dir = dest + os.path.join(prefix, datadir, "ttbus", "types")
        expect(not os.path.isdir(types_dir) or not os.listdir(types_dir), f"type files installed: {types_dir}")

        if prefix == "/usr":
            expect(programs["ttbusd"] == "/usr/libexec/ttbusd", f"ttbusd goes to {programs['ttbusd']}")
            expect(unit_dir == "/usr/lib/systemd/user", f"user units go to {unit_dir}")
            expect(services == "/usr/share/dbus-1/services", f"D-Bus services go to {services}")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if not failures:
        print(f"installed tree for prefix {prefix}: units in {unit_dir}, programs in {libexec}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
