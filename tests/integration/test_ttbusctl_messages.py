#!/usr/bin/env python3
"""ttbusctl send, request and monitor against a real ttbusd, with tt_test_handler answering."""

import json
import os
import re
import subprocess

from tooltest import TTBUSCTL, TTSESSION, Handler, Monitor, check, eventually, main, read_line, run, ttbusctl, ttbusctl_json


def events_of(events, msg_id):
    return [e for e in events if e["details"].get("id") == msg_id]


def monitor_sees_a_notice():
    # An observer gives the notice somewhere to go, so the monitor sees it delivered.
    with Handler("Unused", "--observe", "Hello") as h, Monitor("--op", "Hello", "--count", "1") as m:
        msg_id = ttbusctl("send", "Hello", "--arg", "in:int:7", "--arg", "in:string:seven").stdout.strip()
        events = m.events()
    check(len(events) == 1, f"one event: {events}")
    e = events[0]
    check(e["kind"] in ("sent", "delivered"), f"event {e}")
    d = e["details"]
    check(d["id"] == msg_id and d["op"] == "Hello" and d["class"] == 1, f"event {e}")
    check(d["args"] == [{"mode": 1, "vtype": "int", "value": 7}, {"mode": 1, "vtype": "string", "value": "seven"}],
          f"event args {d['args']}")
    if e["kind"] == "delivered":
        check(d["procid"] == h.procid and d["delivery"] == 1, f"delivered to the observer: {e}")


def monitor_readable_output():
    with Handler("Unused", "--observe", "Hello"), Monitor("--op", "Hello", "--count", "1", as_json=False) as m:
        msg_id = ttbusctl("send", "Hello", "--arg", "in:bytes:00ff", "--arg", "out:string").stdout.strip()
        text = m.output()
    first, _, rest = text.partition("\n")
    check(first.endswith(f" Hello [{msg_id}]") and first.split(" ")[0] in ("sent", "delivered"), f"header {first!r}")
    for line in ("  class: TT_NOTICE\n", "    [0] in bytes <hex 00ff>\n", "    [1] out string (unset)\n"):
        check(line in rest, f"readable event lacks {line!r}: {text}")


def monitor_filters():
    with Handler("Echo", "--observe", "Hello", "--observe", "Other") as h:
        with Monitor("--op", "Other", "--count", "1") as m:
            ttbusctl("send", "Hello")
            other = ttbusctl("send", "Other").stdout.strip()
            events = m.events()
        check([e["details"]["op"] for e in events] == ["Other"] and events[0]["details"]["id"] == other,
              f"--op Other: {events}")
        # --procid: what reaches the handler (the Updated of the request goes to its sender).
        with Monitor("--procid", h.procid, "--count", "2") as m:
            ttbusctl("send", "Other")
            ttbusctl("request", "Echo")
            events = m.events()
        check([(e["kind"], e["details"]["op"]) for e in events] == [("delivered", "Other"), ("delivered", "Echo")],
              f"--procid: {events}")
        check(all(e["details"]["procid"] == h.procid for e in events), f"--procid: {events}")


def monitor_session_filter():
    with Handler("Echo", wrapper=[TTSESSION, "-c"]) as inside, Handler("Echo") as outside:
        with Monitor("--session", inside.session, "--op", "Echo", "--count", "1") as m:
            ttbusctl("request", "Echo")
            ttbusctl("request", "Echo", "--session", inside.session)
            events = m.events()
        check(events[0]["details"]["session"] == inside.session, f"--session: {events}")
        check(outside.session != inside.session, "two sessions")


def request_answered():
    with Handler("Echo"):
        args = ["--arg", "in:string:hi", "--arg", "out:string", "--arg", "inout:int:4", "--arg", "inout:string:abc",
                "--arg", "out:int", "--arg", "inout:title:int:7", "--arg", "in:bytes:00ff"]
        reply = ttbusctl_json("request", "Echo", *args)
        check(reply["op"] == "Echo" and reply["state"] == 2 and reply["class"] == 2, f"reply {reply}")
        check(reply["args"] == [
            {"mode": 1, "vtype": "string", "value": "hi"},
            {"mode": 2, "vtype": "string", "value": "handled Echo"},
            {"mode": 3, "vtype": "int", "value": 5},
            {"mode": 3, "vtype": "string", "value": "ABC"},
            {"mode": 2, "vtype": "int", "value": 42},
            {"mode": 3, "vtype": "title", "value": 8},
            {"mode": 1, "vtype": "bytes", "value": {"hex": "00ff"}},
        ], f"reply args {reply['args']}")
        text = ttbusctl("request", "Echo", *args).stdout
        check(text == 'in string "hi"\nout string "handled Echo"\ninout int 5\ninout string "ABC"\nout int 42\n'
                      'inout title 8\nin bytes <hex 00ff>\n', f"readable reply {text!r}")


def request_in_a_session():
    with Handler("Echo", wrapper=[TTSESSION, "-c"]) as h:
        reply = ttbusctl_json("request", "Echo", "--session", h.session, "--scope", "session", "--arg", "out:string")
        check(reply["session"] == h.session and reply["handler"] == h.procid, f"reply {reply}")
        # Nobody handles Echo in the default session.
        ttbusctl("request", "Echo", rc=3)


def request_failed():
    with Handler("--fail", "Nope"):
        r = ttbusctl("request", "Nope", rc=3)
        check("request failed: 1600" in r.stderr and "refused by tt_test_handler" in r.stderr, f"stderr {r.stderr!r}")
        r = ttbusctl("--json", "request", "Nope", rc=3)
        failure = json.loads(r.stdout)
        check(failure["status"] == 1600 and failure["error"].startswith("org.ttbus.Error."), f"--json {failure}")
        check("refused by tt_test_handler" in failure["message"], f"--json {failure}")


def request_without_handler():
    r = ttbusctl("request", "NobodyHandlesThis", rc=3)
    check("request failed: 1053 TT_ERR_NO_MATCH" in r.stderr, f"stderr {r.stderr!r}")


def send_reports_broker_errors():
    # A session the broker does not serve: it refuses, and ttbusctl says why.
    r = ttbusctl("send", "Hello", "--session", "no such session", rc=3)
    check(r.stderr.startswith("ttbusctl: 1048 TT_ERR_SESSION") and "org.ttbus.Error.Session" in r.stderr,
          f"stderr {r.stderr!r}")


def monitor_oneline():
    with Handler("Unused", "--observe", "Hello"), Monitor("--op", "Hello", "--count", "1", "--oneline", as_json=False) as m:
        msg_id = ttbusctl("send", "Hello", "--arg", "in:string:two words").stdout.strip()
        text = m.output()
    lines = text.splitlines()
    check(len(lines) == 1, f"one line per event: {text!r}")
    check(re.match(r"^\d\d:\d\d:\d\d\.\d\d\d (sent|delivered) Hello \[" + re.escape(msg_id) + r"\] ", lines[0]),
          f"timestamp, kind, op and id first: {lines[0]!r}")
    for part in ("class=TT_NOTICE", 'args=[in string "two words"]'):
        check(part in lines[0], f"{part!r} not in {lines[0]!r}")


def start_broker():
    log = open(os.path.join(os.environ["TTBUS_TEST_DIR"], "ttbusd.log"), "a")
    broker = subprocess.Popen([os.environ["TTBUSD"]], stdout=log, stderr=log)
    eventually(lambda: run([TTBUSCTL, "status"], rc=None).returncode == 0, "ttbusd answers")
    return broker


def monitor_survives_a_broker_restart():
    """Run with busenv.py --no-broker: the case starts and restarts ttbusd itself."""
    broker = start_broker()
    try:
        with Monitor("--op", "Hello", "--count", "1") as m:
            broker.terminate()
            broker.wait(timeout=10)
            check("left the bus" in read_line(m.proc.stderr, "monitor"), "the monitor noticed nothing")
            broker = start_broker()
            line = read_line(m.proc.stderr, "monitor")
            check("monitoring again" in line, f"the monitor said {line!r}")
            with Handler("Unused", "--observe", "Hello"):
                msg_id = ttbusctl("send", "Hello").stdout.strip()
                events = m.events()
        check(len(events) == 1 and events[0]["details"]["id"] == msg_id, f"after the restart: {events}")
    finally:
        broker.terminate()
        broker.wait(timeout=10)


main({f.__name__: f for f in [
    monitor_sees_a_notice, monitor_readable_output, monitor_filters, monitor_session_filter, request_answered,
    request_in_a_session, request_failed, request_without_handler, send_reports_broker_errors, monitor_oneline,
]}, named_only={"monitor_survives_a_broker_restart": monitor_survives_a_broker_restart})
