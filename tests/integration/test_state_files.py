#!/usr/bin/env python3
"""ttbusd's state files, run under busenv.py --no-broker:

    test_state_files.py TTBUSD

ttbusd starts as a service manager may start it, without HOME and XDG_STATE_HOME: its queue
database goes to the user database's home (never /tmp), 0600, in directories it makes 0700. The
home is a fresh tmpfs in a private mount namespace, so the test leaves the real one alone.
"""

import os
import pwd
import stat
import subprocess
import sys

import busenv


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def main():
    ttbusd = sys.argv[1]
    home = pwd.getpwuid(os.getuid()).pw_dir
    busenv.enter_mount_namespace()(home, mode="0755")
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_STATE_HOME")}
    log = open(os.path.join(os.environ["TTBUS_TEST_DIR"], "ttbusd.log"), "w")
    broker = subprocess.Popen([ttbusd], env=env, stdout=log, stderr=log)
    try:
        address = os.environ["DBUS_SESSION_BUS_ADDRESS"]
        busenv.wait_for(lambda: broker.poll() is not None or busenv.has_owner(address, busenv.BUS_NAME), "ttbusd")
        assert broker.poll() is None, "ttbusd exited at start"
        state = os.path.join(home, ".local", "state")
        db = os.path.join(state, "ttbus", "queue.sqlite")
        assert os.path.exists(db), f"no queue database at {db}"
        assert mode(db) == 0o600, f"queue database mode {mode(db):o}"
        for d in (os.path.join(home, ".local"), state, os.path.dirname(db)):
            assert mode(d) == 0o700, f"{d} mode {mode(d):o}"
        assert not os.path.exists("/tmp/.local/state/ttbus"), "state under /tmp"
        # A database an older ttbusd left readable by others is narrowed at the next start.
        broker.terminate()
        assert broker.wait(timeout=10) == 0
        os.chmod(db, 0o644)
        broker = subprocess.Popen([ttbusd], env=env, stdout=log, stderr=log)
        busenv.wait_for(lambda: broker.poll() is not None or busenv.has_owner(address, busenv.BUS_NAME), "ttbusd")
        assert mode(db) == 0o600, f"queue database left at mode {mode(db):o}"
        print(f"{db}: 0600, directories 0700")
    finally:
        if broker.poll() is None:
            broker.terminate()
            broker.wait(timeout=10)


if __name__ == "__main__":
    main()
