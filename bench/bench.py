#!/usr/bin/env python3
"""ttbus against the raw D-Bus floor, in one run (bench/run builds and calls this).

    bench.py --build DIR [--bus dbus-daemon|dbus-broker] [--rounds N] [--smoke] [--json FILE]
    bench.py --build DIR --start-only [--rounds N]     the start row alone
    bench.py --build DIR --only latency                 the innocent's round trips under a flood alone
    bench.py --build DIR --only rr [--rounds N]         the request/reply rows alone

Three parts, each in its own environment, all children of this process:
  - on a private bus with ttbusd (tests/integration/busenv.py): raw Echo vs libtt request/reply,
    raw signal fan-out vs notices to 1, 4 and 8 observers (interleaved, median of --rounds), the
    same with libtt kept on the bus for comparison, a flood of 200,000 notices to 4 observers of
    which one has stopped reading (the others' rate against ttbus's own 4-observer figure, the
    broker's peak RSS), an innocent requester's round trips (median, p99) during a flood against
    its own quiet figures, and the same for a raw Echo client during a raw signal flood,
    ttbusd's RSS idle and loaded, start latency with the fork fallback;
  - under a real systemd --user (tests/system/sysenv.py), with ttbusd running: raw
    StartTransientUnit-to-running vs ttbus's start latency through systemd (interleaved rounds).
    ttbus's start is a libtt request whose ptype is started for it, from tt_message_send to the
    reply of the started libtt handler (tt_bench starter / start-handler);
  - the engine alone: dispatch cost against the number of patterns (dispatch_bench).
It prints a table of figures and ratios to the floor and writes them as JSON. --smoke uses tiny
counts: it checks that everything runs, its figures mean nothing.
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
OBSERVERS = (1, 4, 8)
PATTERN_COUNTS = (10, 100, 1000, 10000, 100000)


def counts(smoke):
    if smoke:
        return {"calls": 50, "notices": 50, "starts": 3, "procids": 20, "patterns": 10, "dispatch": 100,
                "flood": 200, "latency": 20}
    # A round of a few thousand lasts some tens of milliseconds, where one descheduling on a shared
    # machine moves a ratio by a tenth or more: rounds last a few hundred milliseconds each.
    # Request/reply runs are shorter (RR_RUNS_PER_ROUND of them per round): see round_trip_round.
    return {"calls": 3500, "notices": 20000, "starts": 20, "procids": 1000, "patterns": 100, "dispatch": 200000,
            "flood": 200000, "latency": 2000}


def programs(build):
    return {
        "raw": os.path.join(build, "bench", "raw_dbus"),
        "tt": os.path.join(build, "bench", "tt_bench"),
        "load": os.path.join(build, "bench", "load_patterns"),
        "transient": os.path.join(build, "bench", "transient_start"),
        "dispatch": os.path.join(build, "bench", "dispatch_bench"),
        "ttbusd": os.path.join(build, "src", "broker", "ttbusd"),
    }


def fields(line):
    """'a 1 b 2.5' -> {'a': 1.0, 'b': 2.5}"""
    words = line.split()
    return {k: float(v) for k, v in zip(words[::2], words[1::2])}


def run_fields(argv, env=None):
    out = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=600, env=env).stdout
    return fields(out.strip().splitlines()[-1])


def start_ready(argv, env=None):
    """Starts a server-like child and waits for its "ready" line."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env)
    line = p.stdout.readline()
    if line.strip() != "ready":
        p.kill()
        raise RuntimeError(f"{argv} did not get ready: {line!r}")
    return p


def stop(p):
    p.terminate()
    p.wait(timeout=10)


def fan_out(subscriber, emitter, n, count, env=None):
    """Deliveries per second from one emitter to n subscribers, from the emitter's first send to
    the last subscriber's last delivery; every subscriber must have seen every message."""
    subs = [start_ready(subscriber, env) for _ in range(n)]
    start = run_fields(emitter + [str(count)], env)["start_usec"]
    received, last = 0, start
    for p in subs:
        out, _ = p.communicate(timeout=120)
        f = fields(out.strip().splitlines()[-1])
        if f["received"] != count:
            raise RuntimeError(f"{subscriber[0]}: {int(f['received'])} of {count} delivered")
        received += f["received"]
        last = max(last, f["last_usec"])
    return received * 1e6 / (last - start)


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"^{field}:\s+(\d+)", f.read(), re.M).group(1))


def flood_with_slow_observer(prog, pid, count):
    """4 observers of `count` notices, one of which stops reading (a libtt program that no longer
    calls tt_message_receive; one that only reads slowly costs the broker nothing, libtt takes what
    comes): the broker's peak RSS over the flood (its peak is reset first) and the deliveries per
    second of the other three (as fan_out counts them)."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM
    slow = start_ready([prog["tt"], "stalled-observer"])
    try:
        rate = fan_out([prog["tt"], "observer"], [prog["tt"], "notifier"], 3, count)
        peak = rss_kib(pid, "VmHWM")
    finally:
        stop(slow)
    return {"flood_rss_peak_kib": peak, "flood_others_rate": rate}


def latency_under_flood(prog, count, flood):
    """An innocent requester's round trips (median, p99) alone and while another client floods 4
    observers with `flood` notices, in the same run; and the same on raw D-Bus (an Echo client
    while an emitter broadcasts `flood` signals to 4 subscribers), so that ttbus's degradation can
    be told from what the bus itself and the machine's 2 cores do under such a flood. ttbus's
    innocent also tells how long it, the handler and the broker waited for a CPU (runnable, not
    running) in its slowest 1% of round trips (wait0/1/2), and the CPU the flood's processes (the
    notifier, the observers) use while it is served against alone."""
    r = {}
    for side, server, innocent, subscriber, flooder in (
            ("", [prog["tt"], "handler"], [prog["tt"], "latency"], [prog["tt"], "observer"], [prog["tt"], "notifier"]),
            ("raw_", [prog["raw"], "echo-server"], [prog["raw"], "latency"], [prog["raw"], "subscriber"],
             [prog["raw"], "emitter"])):
        handler = start_ready(server)
        if side == "":
            innocent = innocent + [str(count), str(handler.pid), str(broker_pid())]
        else:
            innocent = innocent + [str(count)]
        r.update({f"{side}quiet_{k}": v for k, v in run_fields(innocent).items()})
        observers = [start_ready(subscriber) for _ in range(4)]
        notifier = subprocess.Popen(flooder + [str(flood)], stdout=subprocess.DEVNULL)
        time.sleep(0.2)  # the flood is under way
        pids = [notifier.pid] + [p.pid for p in observers]
        if side == "":
            # The CPU the flood's processes use alone, and (cpu<k>_share, k 3..7) while the
            # innocent is served.
            t0, c0 = time.monotonic(), cpu_seconds(pids)
            time.sleep(0.2)
            r["flood_cpu_alone"] = (cpu_seconds(pids) - c0) / (time.monotonic() - t0)
            f = run_fields(innocent + [str(p) for p in pids])
            f["cpu_during"] = sum(f.pop(f"cpu{k}_share") for k in range(3, 3 + len(pids)))
        else:
            f = run_fields(innocent)
        r.update({f"{side}flood_{k}": v for k, v in f.items()})
        r[f"{side}flood_still_running"] = 1.0 if notifier.poll() is None else 0.0
        notifier.wait(timeout=600)
        for p in observers:
            p.communicate(timeout=120)
        stop(handler)
    return r


def cpu_seconds(pids):
    """CPU time the processes have used so far (/proc/<pid>/schedstat's first field, ns)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/schedstat") as f:
            total += int(f.read().split()[0])
    return total / 1e9


def broker_pid(name="org.ttbus.Broker1"):
    """The pid of the bus name's owner (org.freedesktop.DBus: the bus daemon's)."""
    out = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/",
                          "org.freedesktop.DBus.GetConnectionUnixProcessID", f"string:{name}"],
                         check=True, capture_output=True, text=True).stdout
    return int(out.split()[-1])


def children_cpu_seconds():
    """CPU time of the children waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def install_start_types(prog, count, first_under=()):
    """Ptypes BenchStart_0.. each started as `tt_bench start-handler BenchStart_<i>` for its own op,
    so that every start of a round finds no instance running, written to the user types and loaded.
    first_under: words run before the first one's (a profiler)."""
    types = os.path.join(os.environ["XDG_DATA_HOME"], "ttbus", "types")
    os.makedirs(types, exist_ok=True)
    with open(os.path.join(types, "bench-start.types"), "w") as f:
        for i in range(count):
            start = " ".join((list(first_under) if i == 0 else []) + [prog["tt"], "start-handler", f"BenchStart_{i}"])
            f.write(f'ptype BenchStart_{i} {{ start "{start}"; handle: session BenchStart_{i}(out string r) => start; }};\n')
    subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.ttbus.Broker1", "/org/ttbus/Broker1",
                    "org.ttbus.Broker1.ReloadTypes"], check=True, capture_output=True, timeout=60)


def start_latency(prog, count):
    """Median of `count` starts of a libtt handler: the sender's tt_message_send to its reply."""
    return run_fields([prog["tt"], "starter", str(count)])["median_ms"]


def launcher():
    out = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.ttbus.Broker1", "/org/ttbus/Broker1",
                          "org.ttbus.Broker1.Status"], check=True, capture_output=True, text=True, timeout=60).stdout
    return re.search(r'"launcher"\s+variant\s+string "(\w+)"', out).group(1)


# On 2 CPUs the scheduler either keeps a side's three ping-ponging processes on one CPU or spreads
# them over both, at about half the rate (measured: 20k against 9-11k calls/s, for raw Echo and
# ttbus alike); a client run mostly stays in the state it starts in. A median of 5 such runs per
# side is then a coin toss between the states (16 B ratios of 0.76-1.00 in one afternoon); more,
# shorter runs give the median of the same quantity a steady value.
RR_RUNS_PER_ROUND = 3
# A run's median start wanders by a tenth either way on one side alone (systemd's own state between
# runs); runs are short (20 starts, about 0.1 s), so the medians are taken over more of them.
START_RUNS_PER_ROUND = 2


def round_trip_round(prog, n, samples, servers):
    """One round of raw Echo against libtt request/reply, 16 B and 4 KiB, interleaved, each
    RR_RUNS_PER_ROUND times; the echo server and the libtt handler are running. servers: the pids
    of each side's two others (the bus daemon and the echo server, the broker and the handler),
    whose CPU time per call the 16 B rows count with the client's: on a shared machine a side's
    throughput depends on how the scheduler spreads its three processes over the CPUs, its CPU time
    per call much less."""
    for size in [s for s in (16, 4096) for _ in range(RR_RUNS_PER_ROUND)]:
        for side, argv, key in (("raw", [prog["raw"], "echo-client"], f"raw_echo_{size}"),
                                ("tt", [prog["tt"], "requester"], f"tt_rr_{size}")):
            cpu = children_cpu_seconds() + cpu_seconds(servers[side])
            samples.setdefault(key, []).append(run_fields(argv + [str(n["calls"]), str(size)])["calls_per_second"])
            if size == 16:  # per call made: the client's start and its untimed tenth more count too
                cpu = children_cpu_seconds() + cpu_seconds(servers[side]) - cpu
                samples.setdefault(f"{side}_cpu_us_{size}", []).append(cpu * 1e6 / (n["calls"] * 1.1))


def round_trip_servers(echo, handler):
    # dbus-broker's launcher owns the bus name; the bus is its child.
    daemon = broker_pid("org.freedesktop.DBus")
    with open(f"/proc/{daemon}/task/{daemon}/children") as f:
        daemons = [daemon] + [int(pid) for pid in f.read().split()]
    return {"raw": daemons + [echo.pid], "tt": [broker_pid(), handler.pid]}


def inner_round_trips(prog, n, rounds):
    """The request/reply rows alone (--only rr), on busenv's private bus with ttbusd running."""
    echo = start_ready([prog["raw"], "echo-server"])
    handler = start_ready([prog["tt"], "handler"])
    servers = round_trip_servers(echo, handler)
    samples = {}
    for _ in range(rounds):
        round_trip_round(prog, n, samples, servers)
    stop(echo)
    stop(handler)
    r = {k: statistics.median(v) for k, v in samples.items()}
    r["samples"] = samples  # every run's figure, for the JSON
    return r


def inner_bus(prog, n, rounds):
    """On busenv's private bus, with ttbusd running."""
    pid = broker_pid()
    r = {"rss_idle_kib": rss_kib(pid)}
    echo = start_ready([prog["raw"], "echo-server"])
    handler = start_ready([prog["tt"], "handler"])
    servers = round_trip_servers(echo, handler)
    samples = {}
    for _ in range(rounds):  # interleaved, so that a noisy moment hits both sides
        round_trip_round(prog, n, samples, servers)
        for k in OBSERVERS:
            samples.setdefault(f"raw_fanout_{k}", []).append(
                fan_out([prog["raw"], "subscriber"], [prog["raw"], "emitter"], k, n["notices"]))
            samples.setdefault(f"tt_notice_{k}", []).append(
                fan_out([prog["tt"], "observer"], [prog["tt"], "notifier"], k, n["notices"]))
    stop(handler)
    # For comparison only: libtt kept on the bus (TTBUS_TRANSPORT=bus) instead of its peer socket.
    on_bus = dict(os.environ, TTBUS_TRANSPORT="bus")
    handler = start_ready([prog["tt"], "handler"], on_bus)
    for _ in range(rounds):
        samples.setdefault("tt_bus_rr_16", []).append(
            run_fields([prog["tt"], "requester", str(n["calls"]), "16"], on_bus)["calls_per_second"])
        samples.setdefault("tt_bus_notice_4", []).append(
            fan_out([prog["tt"], "observer"], [prog["tt"], "notifier"], 4, n["notices"], on_bus))
    stop(echo)
    stop(handler)
    r.update({k: statistics.median(v) for k, v in samples.items()})
    r["samples"] = samples
    r.update(flood_with_slow_observer(prog, pid, n["flood"]))
    r.update(latency_under_flood(prog, n["latency"], n["flood"]))
    if launcher() != "fork":
        raise RuntimeError(f"expected the fork launcher on a plain bus, not {launcher()}")
    install_start_types(prog, n["starts"])
    r["start_fork_ms"] = start_latency(prog, n["starts"])
    load = subprocess.Popen([prog["load"], str(n["procids"]), str(n["patterns"])], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    line = load.stdout.readline()
    if not line.startswith("loaded"):
        raise RuntimeError(f"load_patterns: {line!r}")
    r["patterns_loaded"] = int(line.split()[1])
    r["rss_loaded_kib"] = rss_kib(pid)
    load.stdin.close()
    load.wait(timeout=60)
    return r


def inner_systemd(prog, n, rounds):
    """Under sysenv's systemd --user; ttbusd is started by D-Bus activation first, so that the floor
    is measured on the same system as ttbus's starts (a running broker subscribed to the manager's
    signals makes every start cost systemd a little more), interleaved, median of the runs."""
    subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.ttbus.Broker1", "/org/ttbus/Broker1",
                    "org.ttbus.Broker1.DefaultSession"], check=True, capture_output=True, timeout=60)
    if launcher() != "systemd":
        raise RuntimeError(f"expected the systemd launcher, not {launcher()}")
    install_start_types(prog, n["starts"])
    raw, tt = [], []
    for _ in range(rounds * START_RUNS_PER_ROUND):
        with tempfile.TemporaryDirectory() as d:
            raw.append(run_fields([prog["transient"], str(n["starts"]), d])["median_ms"])
        tt.append(start_latency(prog, n["starts"]))
    return {"raw_transient_ms": statistics.median(raw), "start_systemd_ms": statistics.median(tt),
            "start_samples": {"raw_transient_ms": raw, "start_systemd_ms": tt}}


def in_env(args, env_argv, inner):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = env_argv + ["--", sys.executable, os.path.abspath(__file__), "--inner", inner, "--build", args.build,
                           "--out", out.name, "--rounds", str(args.rounds)] + (["--smoke"] if args.smoke else [])
        subprocess.run(argv, check=True, timeout=1800)
        return json.load(open(out.name))


def dispatch(prog, n):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([prog["dispatch"], "--iterations", str(n["dispatch"]), "--json", out.name]
                       + [str(c) for c in PATTERN_COUNTS], check=True, capture_output=True, timeout=600)
        return {f"dispatch_ns_{x['patterns']}": x["ns_per_dispatch"] for x in json.load(open(out.name))["results"]}


def round_trip_rows(r):
    out = []
    for size, label in ((16, "16 B"), (4096, "4 KiB")):
        tt, raw = r[f"tt_rr_{size}"], r[f"raw_echo_{size}"]
        out.append((f"request/reply {label}", tt, "calls/s", raw, tt / raw, ">= 0.8", tt / raw >= 0.8))
        if f"tt_cpu_us_{size}" in r:  # the three processes' CPU time per call (less is better)
            tt, raw = r[f"tt_cpu_us_{size}"], r[f"raw_cpu_us_{size}"]
            out.append((f"  CPU per call, {label}", tt, "usec", raw, tt / raw, "", None))
    return out


def rows(r):
    """(what, ttbus figure, unit, floor, ratio, target text, met)"""
    out = round_trip_rows(r)
    for k in OBSERVERS:
        tt, raw = r[f"tt_notice_{k}"], r[f"raw_fanout_{k}"]
        out.append((f"notice -> {k} observers", tt, "deliv/s", raw, tt / raw, ">= 0.8", tt / raw >= 0.8))
    for key, label, raw_key in (("tt_bus_rr_16", "  libtt over the bus, 16 B", "raw_echo_16"),
                                ("tt_bus_notice_4", "  libtt over the bus, 4 obs", "raw_fanout_4")):
        out.append((label, r[key], "calls/s" if "rr" in key else "deliv/s", r[raw_key], r[key] / r[raw_key], "", None))
    per_observer = r["tt_notice_4"] / 4
    others = r["flood_others_rate"] / 3
    out.append(("  3 of 4, 4th stalled", others, "deliv/s", per_observer, others / per_observer, ">= 0.8",
                others / per_observer >= 0.8))
    # The bound (docs/dbus-api.md): 256 MiB waiting for all peers on top of the idle broker; the
    # stalled peer is closed at 32 MiB, the others may lag while they read.
    peak = r["flood_rss_peak_kib"] / 1024
    out.append(("ttbusd RSS peak, 4th stalled", peak, "MiB", None, None, "<= 264", peak <= 264))
    out += latency_rows(r)
    if "start_systemd_ms" in r:
        tt, raw = r["start_systemd_ms"], r["raw_transient_ms"]
        out.append(("start via systemd", tt, "ms", raw, tt / raw, "<= 1.3", tt / raw <= 1.3))
    out.append(("start via fork", r["start_fork_ms"], "ms", None, None, "", None))
    base = r["dispatch_ns_10"]
    for c in PATTERN_COUNTS:
        v = r[f"dispatch_ns_{c}"]
        target = c == PATTERN_COUNTS[-1]
        out.append((f"dispatch, {c} patterns", v, "ns", base, v / base, "<= 1.5" if target else "",
                    v / base <= 1.5 if target else None))
    idle, loaded = r["rss_idle_kib"] / 1024, r["rss_loaded_kib"] / 1024
    out.append(("ttbusd RSS idle", idle, "MiB", None, None, "<= 8", idle <= 8))
    out.append((f"ttbusd RSS, {r['patterns_loaded']} patterns", loaded, "MiB", None, None, "<= 64", loaded <= 64))
    return out


def latency_rows(r):
    out = []
    for q in ("median", "p99"):
        flood, quiet = r[f"flood_{q}_usec"], r[f"quiet_{q}_usec"]
        out.append((f"innocent r/r {q}, flood", flood, "usec", quiet, flood / quiet, "<= 2", flood / quiet <= 2))
        # The same situation on raw D-Bus: what the bus and the machine do to an innocent anyway.
        flood, quiet = r[f"raw_flood_{q}_usec"], r[f"raw_quiet_{q}_usec"]
        out.append((f"  raw Echo {q}, raw flood", flood, "usec", quiet, flood / quiet, "", None))
    for k, who in enumerate(("innocent", "handler", "ttbusd")):
        if f"flood_wait{k}_usec" in r:  # per round trip, in the slowest 1%
            out.append((f"  {who} waited for a CPU", r[f"flood_wait{k}_usec"], "usec", r[f"quiet_wait{k}_usec"], None,
                        "", None))
    if "flood_cpu_during" in r:  # the flooder pays: its processes' CPU while the innocent is served, against alone
        during, alone = r["flood_cpu_during"], r["flood_cpu_alone"]
        out.append(("  flood's CPU, innocent on", during, "CPU s/s", alone, during / alone if alone else None, "", None))
    return out


def print_table(table):
    print(f"{'':28} {'ttbus':>12} {'unit':8} {'raw D-Bus':>12} {'ratio':>7}  target  met")
    for what, v, unit, raw, ratio, target, met in table:
        raw_s = f"{raw:12.1f}" if raw is not None else f"{'':12}"
        ratio_s = f"{ratio:7.2f}" if ratio is not None else f"{'':7}"
        met_s = "" if met is None else ("yes" if met else "NO")
        print(f"{what:28} {v:12.1f} {unit:8} {raw_s} {ratio_s}  {target:7} {met_s}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--bus", choices=["dbus-daemon", "dbus-broker"], default="dbus-daemon")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--no-systemd", action="store_true", help="skip the part that needs systemd --user (and root)")
    ap.add_argument("--start-only", action="store_true", help="only the part under systemd --user: the start row")
    ap.add_argument("--only", choices=["latency", "rr"],
                    help="latency: only the innocent's round trips under a flood (and raw D-Bus's); "
                         "rr: only the request/reply rows")
    ap.add_argument("--inner", choices=["bus", "systemd", "latency", "rr"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.smoke:
        args.rounds = 1
    prog, n = programs(args.build), counts(args.smoke)

    if args.inner:
        if args.inner == "latency":
            r = latency_under_flood(prog, n["latency"], n["flood"])
        elif args.inner == "rr":
            r = inner_round_trips(prog, n, args.rounds)
        else:
            r = inner_bus(prog, n, args.rounds) if args.inner == "bus" else inner_systemd(prog, n, args.rounds)
        with open(args.out, "w") as f:
            json.dump(r, f)
        return 0

    started = time.time()
    if args.start_only:
        r = in_env(args, [sys.executable, os.path.join(SOURCE, "tests", "system", "sysenv.py"), "--ttbusd",
                          prog["ttbusd"]], "systemd")
        print(f"start via systemd (median of {args.rounds * START_RUNS_PER_ROUND} runs per side): ttbus {r['start_systemd_ms']:.3f} ms, raw "
              f"StartTransientUnit {r['raw_transient_ms']:.3f} ms, ratio {r['start_systemd_ms'] / r['raw_transient_ms']:.2f}")
        rounds = r["start_samples"]
        print("  each run (ttbus / raw, ms): " + ", ".join(
            f"{t:.2f}/{w:.2f}" for t, w in zip(rounds["start_systemd_ms"], rounds["raw_transient_ms"])))
        return 0
    busenv = [sys.executable, os.path.join(SOURCE, "tests", "integration", "busenv.py"), "--bus", args.bus, "--ttbusd",
              prog["ttbusd"]]
    if args.only:
        r = in_env(args, busenv, args.only)
        if args.only == "latency":
            print(f"an innocent's round trips under a flood on {args.bus}{' (smoke, figures meaningless)' if args.smoke else ''}")
            print_table(latency_rows(r))
        else:
            print(f"request/reply on {args.bus} ({'smoke, figures meaningless' if args.smoke else f'median of {args.rounds * RR_RUNS_PER_ROUND} runs per side'})")
            print_table(round_trip_rows(r))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"bus": args.bus, "smoke": args.smoke, "counts": n, "started": started, "figures": r}, f, indent=1)
        return 0
    r = {}
    r.update(in_env(args, busenv, "bus"))
    if not args.no_systemd:
        r.update(in_env(args, [sys.executable, os.path.join(SOURCE, "tests", "system", "sysenv.py"), "--ttbusd",
                               prog["ttbusd"]], "systemd"))
    r.update(dispatch(prog, n))
    table = rows(r)
    print(f"ttbus vs raw D-Bus on {args.bus} ({'smoke, figures meaningless' if args.smoke else f'median of {args.rounds} rounds; request/reply: of {args.rounds * RR_RUNS_PER_ROUND} runs per side, start via systemd: of {args.rounds * START_RUNS_PER_ROUND}'})")
    print_table(table)
    doc = {"bus": args.bus, "smoke": args.smoke, "rounds": args.rounds, "counts": n, "started": started,
           "figures": r,
           "table": [dict(zip(("what", "value", "unit", "floor", "ratio", "target", "met"), row)) for row in table]}
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
