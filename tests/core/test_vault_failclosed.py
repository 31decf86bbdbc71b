"""Fail closed: no keyring means a sentence and no files; a damaged database is never overwritten or recreated."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from clinic.errors import KeyringUnavailable, VaultDamaged, VaultExists
from clinic.home import Home
from clinic.keys import device
from clinic.vault import Vault

FAIL_BACKEND = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def _all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _fresh_user_dirs(tmp_path: Path) -> dict[str, str]:
    """An empty HOME with its XDG folders, so anything written on the side would show."""
    user = tmp_path / "user"
    (user / "home").mkdir(parents=True)
    return {"HOME": str(user / "home"), "XDG_DATA_HOME": str(user / "home" / ".local" / "share"),
            "XDG_CONFIG_HOME": str(user / "home" / ".config"), "XDG_CACHE_HOME": str(user / "home" / ".cache")}


# ----- no keyring ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("precreated", [False, True], ids=["no-folder", "empty-folder"])
def test_cli_init_without_a_keyring_fails_closed(run_cli, tmp_path, precreated):
    """`init` with the fail backend: one sentence with the remedy, non-zero exit, and no file anywhere."""
    target = tmp_path / "clinic-home"
    if precreated:
        target.mkdir()
    env = {**FAIL_BACKEND, **_fresh_user_dirs(tmp_path), "CLINIC_NEW_PASSPHRASE": "a passphrase never stored"}
    run = run_cli("init", "--admin", "Ana", home=target, env=env)
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert "keyring" in lines[0].lower() and "try again" in lines[0].lower(), lines[0]
    assert run.stdout == ""  # no recovery key was shown for a vault that does not exist
    assert (not target.exists()) if not precreated else _all_files(target) == []
    assert _all_files(tmp_path / "user") == []
    assert _all_files(tmp_path / "tmp") == []


def test_facade_init_without_a_keyring_creates_nothing(tmp_path):
    """Vault.init with no usable keyring raises KeyringUnavailable before creating the folder."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(KeyringUnavailable) as err:
            Vault.init(Home(tmp_path / "h"), clinic_name="X", admin_name="Ana", passphrase="long passphrase")
    finally:
        keyring.set_keyring(previous)
    assert "keyring" in str(err.value).lower()
    assert not (tmp_path / "h").exists()


def test_unlock_without_a_keyring_fails_closed(run_cli, home, states):
    """An existing vault with no keyring backend: exit 1 with the remedy, every file unchanged."""
    before = states(home.path)
    run = run_cli("verify", home=home, role="admin", env=FAIL_BACKEND)
    assert run.returncode == 1, run.stderr
    assert "keyring" in run.stderr.lower() and "Traceback" not in run.stderr
    assert states(home.path) == before


HUNG_KEYRING = textwrap.dedent("""
    import os, sys, threading
    from pathlib import Path
    import keyring
    from keyring.backend import KeyringBackend

    class Hung(KeyringBackend):
        priority = 1
        def get_password(self, service, username):
            threading.Event().wait(120)
        def set_password(self, service, username, password):
            threading.Event().wait(120)
        def delete_password(self, service, username):
            threading.Event().wait(120)

    keyring.set_keyring(Hung())
    from clinic.keys import device
    device.TIMEOUT_SECONDS = 0.5
    from clinic.errors import KeyringUnavailable
    from clinic.home import Home
    from clinic.vault import Vault
    try:
        Vault.init(Home(Path(sys.argv[1])), clinic_name="X", admin_name="Ana", passphrase="long passphrase")
        print("created")
    except KeyringUnavailable as exc:
        print("refused:", exc)
    sys.stdout.flush()
    os._exit(0)  # the hung keyring thread would otherwise be joined at exit
""")


def test_a_hung_keyring_times_out_instead_of_hanging(tmp_path):
    """A keyring call that never returns ends in KeyringUnavailable after the timeout, with no file made."""
    target = tmp_path / "h"
    run = subprocess.run([sys.executable, "-c", HUNG_KEYRING, str(target)], capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert run.stdout.startswith("refused:"), run.stdout + run.stderr
    assert not target.exists()


def test_the_device_secret_is_only_in_the_keyring(template, home):
    """No file of the home holds the device secret, in raw, hex or base64 form."""
    secret = bytes(device.load(template.vault_id))
    forms = [secret, secret.hex().encode(), base64.b64encode(secret), base64.b32encode(secret)]
    for path in home.path.iterdir():
        data = path.read_bytes()
        assert not any(form in data for form in forms), path.name


# ----- damaged or foreign databases ------------------------------------------------------------------------

def _random_bytes(db: Path) -> None:
    db.write_bytes(os.urandom(db.stat().st_size))


def _truncate(fraction: float):
    def damage(db: Path) -> None:
        data = db.read_bytes()
        db.write_bytes(data[:int(len(data) * fraction)])
    return damage


def _first_page_only(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:4096])


def _plain_sqlite(db: Path) -> None:
    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO clients (name) VALUES ('someone else')")
    conn.commit()
    conn.close()


def _missing(db: Path) -> None:
    db.unlink()


DAMAGE = {
    "random-bytes": _random_bytes,
    "truncated-half": _truncate(0.5),
    "first-page-only": _first_page_only,
    "plain-sqlite": _plain_sqlite,
    "missing": _missing,
    "zero-bytes": _truncate(0.0),
}


@pytest.mark.parametrize("damage", list(DAMAGE.values()), ids=list(DAMAGE))
def test_a_damaged_database_is_refused_and_left_untouched(template, home, states, damage):
    """Vault.open refuses a damaged, foreign or missing clinic.db with a sentence; no byte changes, none made."""
    damage(home.db)
    before = states(home.path)
    with pytest.raises(VaultDamaged) as err:
        Vault.open(home, template.keys["admin"])
    assert len(str(err.value)) > 20
    assert states(home.path) == before


@pytest.mark.parametrize("damage", [DAMAGE["random-bytes"], DAMAGE["plain-sqlite"], DAMAGE["missing"]],
                         ids=["random-bytes", "plain-sqlite", "missing"])
def test_the_cli_refuses_a_damaged_database_without_a_traceback(run_cli, home, states, damage):
    """`verify` on a damaged database: exit 1, one sentence on stderr, no traceback, files unchanged."""
    damage(home.db)
    before = states(home.path)
    run = run_cli("verify", home=home, role="admin")
    assert run.returncode == 1, run.stderr
    assert run.stderr.startswith("Error: ") and "Traceback" not in run.stderr
    assert states(home.path) == before


def test_init_never_overwrites_an_existing_vault(template, home, states):
    """init on a folder holding a vault (or only its database) raises VaultExists and changes nothing."""
    before = states(home.path)
    with pytest.raises(VaultExists):
        Vault.init(home, clinic_name="Otra", admin_name="Otro Admin", passphrase="another passphrase")
    assert states(home.path) == before
    home.keys.unlink()
    before = states(home.path)
    with pytest.raises(VaultExists):
        Vault.init(home, clinic_name="Otra", admin_name="Otro Admin", passphrase="another passphrase")
    assert states(home.path) == before


def _racing_backend(failures: int):
    """A keyring whose search answers with an item another program just deleted, `failures` times.

    gnome-keyring does this when two programs write at once (seen in CI, two test workers); it cannot be
    made to happen on demand, so this stands in for it."""
    from keyring.backend import KeyringBackend
    from secretstorage.exceptions import ItemNotFoundException

    class Racing(KeyringBackend):
        priority = 1
        store: dict = {}
        left = failures

        def _maybe_race(self):
            if Racing.left > 0:
                Racing.left -= 1
                raise ItemNotFoundException("Item does not exist!")

        def get_password(self, service, username):
            self._maybe_race()
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self._maybe_race()
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    return Racing()


@pytest.mark.parametrize("failures, survives", [(2, True), (3, False)])
def test_a_keyring_search_racing_a_deletion_is_asked_again(failures, survives):
    """An item that vanished between search and read is retried (every call is idempotent), a bounded
    number of times; a keyring that keeps doing it is unavailable, never an unhandled exception."""
    saved = keyring.get_keyring()
    keyring.set_keyring(_racing_backend(failures))
    try:
        if survives:
            secret = device.create("racy-vault")
            assert bytes(device.load("racy-vault")) == bytes(secret)
        else:
            with pytest.raises(KeyringUnavailable):
                device.load_signer("racy-vault", "/nowhere")
    finally:
        keyring.set_keyring(saved)
