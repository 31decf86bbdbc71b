"""The suite's own keyring harness (.ci/with-keyring, tests/fixtures/keyring_session.py): each session's
keyring is its own, and a daemon that dies comes back unlocked with what it held (CI stop 22 failed 430
tests after one came back locked)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.fixtures import keyring_session


def _keyring(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", f"import keyring\n{code}"], capture_output=True, text=True,
                          timeout=60)


def _daemon_pid(address: str) -> int:
    for pid in subprocess.run(["pgrep", "-x", "gnome-keyring-d"], capture_output=True, text=True).stdout.split():
        try:
            with open(f"/proc/{pid}/environ", "rb") as env:
                if f"DBUS_SESSION_BUS_ADDRESS={address}".encode() in env.read().split(b"\0"):
                    return int(pid)
        except OSError:
            continue
    raise AssertionError(f"no keyring daemon on {address}")


def test_a_private_keyring_is_its_own_and_comes_back_unlocked_after_its_daemon_dies():
    outer = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not outer or not os.environ.get("KEYRING_PW"):
        pytest.fail("run through .ci/with-keyring", pytrace=False)
    private = keyring_session.start("harness")
    try:
        address = os.environ["DBUS_SESSION_BUS_ADDRESS"]
        assert address != outer
        assert _keyring("keyring.set_password('clinic-harness', 'u', 'kept')").returncode == 0
        os.kill(_daemon_pid(address), signal.SIGKILL)
        time.sleep(0.2)
        read = _keyring("print(keyring.get_password('clinic-harness', 'u'))")
        assert (read.returncode, read.stdout.strip()) == (0, "kept"), read.stderr  # not KeyringLocked
        assert private.starts() == 2
    finally:
        private.stop()
    assert os.environ["DBUS_SESSION_BUS_ADDRESS"] == outer
    # The session this test runs in never saw the secret.
    assert _keyring("print(keyring.get_password('clinic-harness', 'u'))").stdout.strip() == "None"
