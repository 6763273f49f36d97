#!/usr/bin/env python3
"""ttsession against a real ttbusd: the classic command line (facts §4.1, docs/tools.md)."""

import json
import os
import signal
import subprocess
import time

from tooltest import TTBUSCTL, TTSESSION, Handler, check, eventually, main, read_line, run, ttbusctl_json


def default_session():
    return ttbusctl_json("status")["default_session"]


def session_ids():
    return [s["session"] for s in ttbusctl_json("sessions")]


def command_runs_in_a_new_session():
    script = 'printf "%s\\n%s\\n" "$TT_SESSION" "$_SUN_TT_SESSION"; "$0" --json sessions'
    out = run([TTSESSION, "-c", "sh", "-c", script, TTBUSCTL]).stdout.splitlines()
    session, sun_session = out[0], out[1]
    sessions = json.loads("\n".join(out[2:]))
    check(session != "", "TT_SESSION is empty")
    check(sun_session == session, f"_SUN_TT_SESSION {sun_session!r} differs from TT_SESSION {session!r}")
    check(session != default_session(), "the command runs in the default session")
    check({"session": session, "default": False} in sessions, f"the broker does not list {session}: {sessions}")


def exit_status_is_the_commands():
    run([TTSESSION, "-c", "sh", "-c", "exit 7"], rc=7)
    run([TTSESSION, "-c", "true"], rc=0)
    # A command killed by signal n: 128 + n, as shells report it.
    run([TTSESSION, "-c", "sh", "-c", "kill -KILL $$"], rc=128 + signal.SIGKILL)
    r = run([TTSESSION, "-c", "/nonexistent/command"], rc=1)
    check("/nonexistent/command" in r.stderr, f"no word about the missing command: {r.stderr}")


def default_command_is_the_shell():
    env = dict(os.environ, SHELL="/bin/sh")
    r = run([TTSESSION, "-c"], rc=5, env=env, input='echo "in $TT_SESSION"; exit 5\n')
    session = r.stdout.strip().removeprefix("in ")
    check(session != "", f"the shell saw no TT_SESSION: {r.stdout!r}")
    check(session != default_session(), "the shell runs in the default session")


def session_ends_with_ttsession():
    with Handler("Echo", wrapper=[TTSESSION, "-c"]) as handler:
        check(handler.session in session_ids(), "the new session is not listed")
        procids = {p["procid"]: p for p in ttbusctl_json("procids")}
        check(handler.procid in procids, f"the handler's procid is not listed: {procids}")
        check(procids[handler.procid]["session"] == handler.session, "the handler is not in ttsession's session")
        # The session works: a request sent in it reaches the handler.
        reply = ttbusctl_json("request", "Echo", "--session", handler.session, "--arg", "out:string")
        check(reply["args"][0]["value"] == "handled Echo", f"unexpected reply {reply}")
        check(handler.stop() == 0, "ttsession did not pass on the handler's exit status")
    eventually(lambda: handler.session not in session_ids(), "the session ends with ttsession")
    eventually(lambda: all(p["procid"] != handler.procid for p in ttbusctl_json("procids")),
               "the handler's procid is closed")


def session_ends_when_ttsession_is_killed():
    # The command outlives ttsession here; the session still ends with ttsession's connection.
    proc = subprocess.Popen([TTSESSION, "-c", "sh", "-c", 'echo "$$ $TT_SESSION"; exec sleep 30'],
                            stdout=subprocess.PIPE, text=True)
    command_pid, session = read_line(proc.stdout, "ttsession -c").strip().split(" ", 1)
    try:
        check(session in session_ids(), "the new session is not listed")
        proc.kill()
        proc.wait()
        eventually(lambda: session not in session_ids(), "the session ends with ttsession")
    finally:
        os.kill(int(command_pid), signal.SIGKILL)
        proc.stdout.close()


def signals_are_passed_on():
    script = 'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'
    proc = subprocess.Popen([TTSESSION, "-c", "sh", "-c", script], stdout=subprocess.PIPE, text=True)
    check(read_line(proc.stdout, "ttsession -c").strip() == "ready", "the command did not start")
    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=10) == 42, f"ttsession exited {proc.returncode}, expected the command's 42")
    proc.stdout.close()


def command_ignoring_sigterm_is_killed_after_grace():
    script = 'trap "" TERM; echo ready; while :; do sleep 0.05; done'
    proc = subprocess.Popen([TTSESSION, "-c", "sh", "-c", script], stdout=subprocess.PIPE, text=True)
    check(read_line(proc.stdout, "ttsession -c").strip() == "ready", "the command did not start")
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    check(proc.wait(timeout=20) == 128 + signal.SIGKILL, f"ttsession exited {proc.returncode}")
    check(time.monotonic() - started >= 9.5, "the command was killed before its 10 s of grace")
    proc.stdout.close()


def display_option_sets_display_when_unset():
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    out = run([TTSESSION, "-d", ":7", "-c", "sh", "-c", 'echo "$DISPLAY"'], env=env).stdout.strip()
    check(out == ":7", f"DISPLAY is {out!r}")
    env["DISPLAY"] = ":1"
    out = run([TTSESSION, "-d", ":7", "-c", "sh", "-c", 'echo "$DISPLAY"'], env=env).stdout.strip()
    check(out == ":1", f"DISPLAY is {out!r}: -d replaced a DISPLAY that was set")


def print_prints_the_default_session():
    out = run([TTSESSION, "-p"]).stdout
    check(out == default_session() + "\n", f"ttsession -p printed {out!r}")


def already_served():
    r = run([TTSESSION], rc=2)
    check(default_session() in r.stderr, f"no word of the session served: {r.stderr!r}")
    r = run([TTSESSION, "-s"], rc=2)
    check(r.stderr == "", f"-s is not silent: {r.stderr!r}")
    # The classic options that have no effect here are accepted.
    run([TTSESSION, "-s", "-S", "-N", "-X", "-t", "-a", "unix", "-A", "100", "-d", ":0"], rc=2)
    run([TTSESSION, "-sSNX", "-aunix", "-A100"], rc=2)


def version_help_and_usage_errors():
    r = run([TTSESSION, "-v"])
    check(r.stdout.startswith("ttsession (ttbus) "), f"-v printed {r.stdout!r}")
    r = run([TTSESSION, "-h"])
    check(r.stdout.startswith("Usage: ttsession"), f"-h printed {r.stdout!r}")
    for args in (["--version"], ["--help"]):
        check(run([TTSESSION, *args]).stdout == run([TTSESSION, "-" + args[0][2]]).stdout, f"{args} is not its letter")
    # Classic's exit status 1 for a usage error (2 means "already served"); one line and the hint.
    for bad in (["-Q"], ["-E"], ["-cs"], ["-p", "-c", "true"], ["-a", "bogus"], ["-A", "many"], ["-d"], ["word"],
                ["--bogus"], ["--help=x"]):
        r = run([TTSESSION, *bad], rc=1)
        lines = r.stderr.splitlines()
        check(len(lines) == 2 and lines[0].startswith("ttsession: ") and lines[1] == "Try 'ttsession --help'.",
              f"{bad}: {r.stderr!r}")


def no_broker():
    """Run with busenv.py --no-broker: nothing owns org.ttbus.Broker1 and nothing can start it."""
    for args in (["-p"], [], ["-c", "true"]):
        r = run([TTSESSION, *args], rc=1)
        check("ttbusd is not running" in r.stderr, f"{args}: {r.stderr!r}")


main({f.__name__: f for f in [
    command_runs_in_a_new_session, exit_status_is_the_commands, default_command_is_the_shell,
    session_ends_with_ttsession, session_ends_when_ttsession_is_killed, signals_are_passed_on, command_ignoring_sigterm_is_killed_after_grace,
    display_option_sets_display_when_unset, print_prints_the_default_session, already_served,
    version_help_and_usage_errors,
]}, named_only={"no_broker": no_broker})
