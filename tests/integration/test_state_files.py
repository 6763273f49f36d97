#!/usr/bin/env python3
"""ttbusd's state files, run under busenv.py --no-broker:

    test_state_files.py TTBUSD TTBUSCTL

ttbusd starts as a service manager may start it, without HOME and XDG_STATE_HOME: its queue
database goes to the user database's home (never /tmp), 0600, in directories it makes 0700. It
is made when the first message is queued, not at start (an idle broker opens no database), is kept
while it holds messages (test_broker's QueuedMessagesSurviveARestart: removed at exit once it
holds none). The home is a fresh tmpfs in a
private mount namespace, so the test leaves the real one alone.
"""

import json
import os
import pwd
import stat
import subprocess
import sys

import busenv


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def queued(ttbusctl, env):
    out = subprocess.run([ttbusctl, "--json", "queue"], env=env, check=True, capture_output=True, text=True).stdout
    return [m["id"] for m in json.loads(out)]


def main():
    ttbusd, ttbusctl = sys.argv[1:3]
    home = pwd.getpwuid(os.getuid()).pw_dir
    busenv.enter_mount_namespace()(home, mode="0755")
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_STATE_HOME")}
    # A ptype that observes Later with the queue disposition and never runs: a Later notice waits.
    with open(os.path.join(env["XDG_DATA_HOME"], "ttbus", "types", "later.types"), "w") as f:
        f.write("ptype Ttbus_Test_Later { observe: session Later(in string what) => queue; };\n")
    log = open(os.path.join(os.environ["TTBUS_TEST_DIR"], "ttbusd.log"), "w")
    address = os.environ["DBUS_SESSION_BUS_ADDRESS"]

    def start():
        broker = subprocess.Popen([ttbusd], env=env, stdout=log, stderr=log)
        busenv.wait_for(lambda: broker.poll() is not None or busenv.has_owner(address, busenv.BUS_NAME), "ttbusd")
        assert broker.poll() is None, "ttbusd exited at start"
        return broker

    def stop(broker):
        broker.terminate()
        assert broker.wait(timeout=10) == 0

    broker = start()
    try:
        state = os.path.join(home, ".local", "state")
        db = os.path.join(state, "ttbus", "queue.sqlite")
        assert not os.path.exists(db), "a queue database before anything was queued"
        msg_id = subprocess.run([ttbusctl, "send", "Later", "--arg", "in:string:kept"], env=env, check=True,
                                capture_output=True, text=True).stdout.strip()
        assert os.path.exists(db), f"no queue database at {db}"
        assert mode(db) == 0o600, f"queue database mode {mode(db):o}"
        for d in (os.path.join(home, ".local"), state, os.path.dirname(db)):
            assert mode(d) == 0o700, f"{d} mode {mode(d):o}"
        assert not os.path.exists("/tmp/.local/state/ttbus"), "state under /tmp"
        # A database that holds a message stays; one an older ttbusd left readable by others is
        # narrowed when the next start reads it.
        stop(broker)
        assert os.path.exists(db), "the queue database holding a message was removed"
        os.chmod(db, 0o644)
        broker = start()
        assert mode(db) == 0o600, f"queue database left at mode {mode(db):o}"
        assert queued(ttbusctl, env) == [msg_id], "the queued message did not survive the restart"
        print(f"{db}: 0600, directories 0700")
    finally:
        if broker.poll() is None:
            broker.terminate()
            broker.wait(timeout=10)


if __name__ == "__main__":
    main()
