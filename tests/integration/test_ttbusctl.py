#!/usr/bin/env python3
"""ttbusctl's looking-glass commands against a real ttbusd: status, sessions, procids, patterns,
ptypes, queue, reload; readable text and --json. The broker runs with ttbusctl-types/ loaded."""

import json
import os

from tooltest import TTBUSCTL, TTSESSION, Handler, check, main, run, ttbusctl, ttbusctl_json

TEST_PTYPE = "Ttbus_Test_Later"


def status():
    s = ttbusctl_json("status")
    for key in ("version", "default_session", "procids", "patterns", "live_messages", "queued", "sessions", "ptypes",
                "waiting", "bytes", "orphaned"):
        check(key in s, f"status has no {key}: {s}")
    check(s["sessions"] == 1 and s["procids"] == 0 and s["bytes"] == 0, f"a fresh broker: {s}")
    text = ttbusctl("status").stdout
    check(f"default_session: {s['default_session']}\n" in text, f"readable status: {text}")
    check("version: " in text, f"readable status: {text}")


def sessions():
    default = ttbusctl_json("status")["default_session"]
    check(ttbusctl_json("sessions") == [{"session": default, "default": True}], "a fresh broker has one session")
    check(ttbusctl("sessions").stdout == f"* {default}\n", "readable sessions")
    # Inside ttsession -c there is one more, and it is not the default.
    out = run([TTSESSION, "-c", "sh", "-c", 'echo "$TT_SESSION"; "$0" --json sessions', TTBUSCTL]).stdout
    session, _, listing = out.partition("\n")
    check(json.loads(listing) == [{"session": default, "default": True}, {"session": session, "default": False}],
          f"sessions inside ttsession -c: {out}")


def ptypes():
    check(TEST_PTYPE in ttbusctl_json("ptypes"), "the test ptype is not loaded")
    check(TEST_PTYPE + "\n" in ttbusctl("ptypes").stdout, "readable ptypes")


def reload():
    counts = ttbusctl_json("reload")
    s = ttbusctl_json("status")
    check(counts == {"ptypes": s["ptypes"], "otypes": s["otypes"]}, f"reload {counts} against status {s}")
    check(ttbusctl("reload").stdout == f"loaded {s['ptypes']} ptypes and {s['otypes']} otypes\n", "readable reload")


def procids_and_patterns():
    check(ttbusctl_json("procids") == [] and ttbusctl_json("patterns") == [], "a fresh broker has no procids")
    with Handler("Echo", "--fail", "Nope") as h:
        procids = ttbusctl_json("procids")
        check(len(procids) == 1, f"one procid: {procids}")
        p = procids[0]
        check(p["procid"] == h.procid and p["session"] == h.session and p["sessions"] == [h.session], f"procid {p}")
        check(len(p["patterns"]) == 1 and p["owner"].startswith(":"), f"procid {p}")
        patterns = ttbusctl_json("patterns")
        check(len(patterns) == 1, f"one pattern: {patterns}")
        pat = patterns[0]
        check(pat["id"] == p["patterns"][0] and pat["procid"] == h.procid, f"pattern {pat}")
        check(pat["category"] == 2 and pat["scopes"] == [1] and pat["classes"] == [2], f"pattern {pat}")
        check(sorted(pat["ops"]) == ["Echo", "Nope"], f"pattern {pat}")
        text = ttbusctl("procids").stdout
        check(text.startswith(f"procid {h.procid}\n") and f"  session: {h.session}\n" in text, f"readable: {text}")
        text = ttbusctl("patterns").stdout
        check(text.startswith(f"pattern {pat['id']}\n"), f"readable patterns: {text}")
        for line in ("  category: TT_HANDLE\n", "  classes: TT_REQUEST\n", "  scopes: TT_SESSION\n", "  ops: "):
            check(line in text, f"readable patterns lack {line!r}: {text}")


def queue():
    check(ttbusctl_json("queue") == [], "a fresh broker has nothing queued")
    # The test ptype observes Later with the queue disposition: with no instance running, the
    # notice waits in the broker.
    msg_id = ttbusctl("send", "Later", "--arg", "in:string:for later").stdout.strip()
    q = ttbusctl_json("queue")
    check(len(q) == 1, f"one queued message: {q}")
    m = q[0]
    check(m["id"] == msg_id and m["op"] == "Later" and m["queue_ptype"] == TEST_PTYPE, f"queued {m}")
    check(m["args"] == [{"mode": 1, "vtype": "string", "value": "for later"}], f"queued args {m['args']}")
    check(m["state"] == 4 and m["class"] == 1, f"queued {m}")
    text = ttbusctl("queue").stdout
    check(text.startswith(f"message {msg_id}\n"), f"readable queue: {text}")
    for line in ('    [0] in string "for later"\n', f"  queue_ptype: {TEST_PTYPE}\n", "  state: TT_QUEUED\n"):
        check(line in text, f"readable queue lacks {line!r}: {text}")


def usage_errors():
    # One line saying what is wrong, then the hint to --help; exit 2; nothing on standard output.
    for bad in ([], ["bogus"], ["status", "extra"], ["monitor", "--count", "0"], ["monitor", "--what"],
                ["send"], ["send", "Op", "--scope", "galaxy"], ["send", "Op", "--arg", "sideways:int:1"],
                ["send", "Op", "--arg", "in:int:many"], ["send", "Op", "--arg", "in:bytes:0"],
                ["send", "Op", "--arg", "in:int:4294967296"], ["send", "Op", "--session"], ["--json=yes", "status"],
                ["--session=X", "status"], ["monitor", "--op", "A", "--op", "B"], ["send", "Op", "--count=1"],
                ["monitor", "--json", "--oneline"]):
        r = ttbusctl(*bad, rc=2)
        lines = r.stderr.splitlines()
        check(len(lines) == 2 and lines[0].startswith("ttbusctl: ") and lines[1] == "Try 'ttbusctl --help'.",
              f"{bad}: {r.stderr!r}")
        check(r.stdout == "", f"{bad}: printed {r.stdout!r}")
    # A file scope without a file: the broker would say TT_ERR_FILE; the tool says what is missing.
    for scope in ("file", "both", "file_in_session"):
        r = ttbusctl("send", "Op", f"--scope={scope}", rc=2)
        check("needs --file" in r.stderr, f"--scope={scope}: {r.stderr!r}")
    check(ttbusctl("--help").stdout.startswith("Usage: ttbusctl"), "--help")
    check(ttbusctl("-h").stdout.startswith("Usage: ttbusctl"), "-h")
    check(ttbusctl("--version").stdout.startswith("ttbusctl (ttbus) "), "--version")


def options_anywhere():
    # --opt=value and --opt value, global options before the command and after it.
    session = ttbusctl("sessions").stdout.split()[-1]
    a = ttbusctl(f"--session={session}", "send", "Hello").stdout.strip()
    b = ttbusctl("send", "Hello", "--session", session, "--json").stdout
    check(a != "" and json.loads(b)["id"] != a, f"{a!r} {b!r}")
    ttbusctl("--session=no such session", "send", "Hello", rc=3)


def no_session_bus():
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")}
    r = ttbusctl("status", rc=1, env=env)
    check("no session bus" in r.stderr and "dbus-run-session" in r.stderr, f"{r.stderr!r}")
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/bus"
    r = ttbusctl("status", rc=1, env=env)
    check("cannot connect to the session bus" in r.stderr, f"{r.stderr!r}")


def no_broker():
    """Run with busenv.py --no-broker."""
    r = ttbusctl("status", rc=1)
    check("ttbusd is not running" in r.stderr, f"{r.stderr!r}")


main({f.__name__: f for f in [status, sessions, ptypes, reload, procids_and_patterns, queue, usage_errors, options_anywhere, no_session_bus]},
     named_only={"no_broker": no_broker})
