"""Core fixtures: one migrated, encrypted template vault per session, copied per test.

The template holds an admin, an attorney, a coordinator and a volunteer with known passphrases, and one
client with sealed values. Argon2id runs at its real cost, once per role per session (`Vault.derive`);
each test copies the folder and calls `Vault.open(copy, keys)`, which takes about a millisecond. The
device secret for the template's vault id stays in the session keyring, so every copy unlocks.

Tests that delete a device secret or recover onto a "new laptop" use `lone_vault`, a vault with its own
id, so the shared template's keyring entry is never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlcipher3

from clinic import models as m
from clinic.home import Home
from clinic.keys import device
from clinic.keys.keyfile import UnlockedKeys
from clinic.vault import Vault
from tests.fixtures.core import (
    SAMPLE_SEALED,
    STAFF,
    _require_real_keyring,
    cli_command,
    cli_env,
    raw_connection,
    sample_draft,
)

REPO = Path(__file__).resolve().parents[2]


ROLES = ("admin", "attorney", "coordinator", "volunteer")


@dataclass(frozen=True)
class Template:
    path: Path
    vault_id: str
    recovery_key: str
    keys: dict[str, UnlockedKeys]
    sample_ref: str
    sample_id: int
    sample_sealed: dict = field(default_factory=lambda: dict(SAMPLE_SEALED))

    @staticmethod
    def name(role: str) -> str:
        return STAFF[role][0]

    @staticmethod
    def passphrase(role: str) -> str:
        return STAFF[role][1]


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Iterator[Template]:
    """Build the template vault once: init, three more staff, one client with sealed values; locked."""
    _require_real_keyring()
    home = Home(tmp_path_factory.mktemp("template") / "home")
    vault, recovery_key = Vault.init(home, clinic_name="Clínica de Prueba", admin_name=STAFF["admin"][0],
                                     passphrase=STAFF["admin"][1])
    try:
        for role in ("attorney", "coordinator", "volunteer"):
            vault.staff.add(STAFF[role][0], m.Role(role), STAFF[role][1])
        receipt = vault.intakes.record(sample_draft())
    finally:
        vault.lock()
    keys = {role: Vault.derive(home, *STAFF[role]) for role in ROLES}
    yield Template(path=home.path, vault_id=vault.vault_id, recovery_key=recovery_key, keys=keys,
                   sample_ref=receipt.client_ref, sample_id=receipt.client_id)
    device.delete(vault.vault_id)


def copy_home(template: Template, dest: Path) -> Home:
    shutil.copytree(template.path, dest)
    return Home(dest)


@pytest.fixture
def home(template, tmp_path) -> Home:
    """A private copy of the template vault for this test."""
    return copy_home(template, tmp_path / "home")


@pytest.fixture
def open_vault(template, home) -> Iterator[Callable[..., Vault]]:
    """open_vault(role="admin", at=home) -> an unlocked Vault (keys derived once per session); locked after."""
    opened: list[Vault] = []

    def open_(role: str = "admin", at: Home | None = None) -> Vault:
        vault = Vault.open(at or home, template.keys[role])
        opened.append(vault)
        return vault

    yield open_
    for vault in opened:
        vault.lock()


@pytest.fixture(scope="module")
def module_vaults(template, tmp_path_factory) -> Iterator[Callable[..., Vault]]:
    """module_vaults(role="admin") -> an unlocked Vault on one copy shared by the module (for Hypothesis)."""
    home = copy_home(template, tmp_path_factory.mktemp("module") / "home")
    opened: dict[str, Vault] = {}

    def get(role: str = "admin") -> Vault:
        if role not in opened:
            opened[role] = Vault.open(home, template.keys[role])
        return opened[role]

    yield get
    for vault in opened.values():
        vault.lock()


@pytest.fixture
def raw_db() -> Callable[..., contextlib.AbstractContextManager[sqlcipher3.Connection]]:
    return raw_connection


def file_states(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under `folder` (recursively) -> (sha256, size, mtime in ns)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[str(path.relative_to(folder))] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size,
                                                  st.st_mtime_ns)
    return out


@pytest.fixture
def states() -> Callable[[Path], dict[str, tuple[str, int, int]]]:
    return file_states


def _run_cli(*args: str, home: Home | Path, role: str | None = None, env: dict[str, str] | None = None,
             prefix: list[str] | None = None, tmpdir: Path | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
    user, passphrase = STAFF[role] if role else (None, None)
    return subprocess.run([*(prefix or []), *cli_command(), *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO,
                          env=cli_env(home=home, user=user, passphrase=passphrase, tmpdir=tmpdir, extra=env))


@pytest.fixture(scope="session")
def cli_runner() -> Callable[..., subprocess.CompletedProcess]:
    """cli_runner(*args, home=, role=None, env={}, prefix=[], tmpdir=None): the CLI with no terminal."""
    return _run_cli


@pytest.fixture
def run_cli(tmp_path) -> Callable[..., subprocess.CompletedProcess]:
    """run_cli(*args, home=, role=None, env={}, prefix=[]) -> CompletedProcess (text; no terminal).

    `role` sets CLINIC_USER and CLINIC_PASSPHRASE to that template staff member's; TMPDIR is a fresh
    folder of this test (`tmp_path / "tmp"`), so temp files can be inspected afterwards.
    """
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)

    def run(*args: str, **kw) -> subprocess.CompletedProcess:
        return _run_cli(*args, tmpdir=tmpdir, **kw)

    return run


@dataclass
class LoneVault:
    home: Home
    vault_id: str
    recovery_key: str
    admin: tuple[str, str]
    volunteer: tuple[str, str]
    client_ref: str


@pytest.fixture
def lone_vault(tmp_path) -> Iterator[Callable[[], LoneVault]]:
    """lone_vault() -> a fresh vault with its own id (admin + volunteer + one client with sealed values)."""
    _require_real_keyring()
    made: list[str] = []

    def make() -> LoneVault:
        home = Home(tmp_path / f"lone{len(made)}")
        admin, volunteer = ("Elena Admin", "lone admin passphrase"), ("Fausto Voluntario", "lone volunteer pw")
        vault, recovery_key = Vault.init(home, clinic_name="Sola", admin_name=admin[0], passphrase=admin[1])
        made.append(vault.vault_id)
        try:
            vault.staff.add(volunteer[0], m.Role.VOLUNTEER, volunteer[1])
            ref = vault.intakes.record(sample_draft()).client_ref
        finally:
            vault.lock()
        return LoneVault(home, vault.vault_id, recovery_key, admin, volunteer, ref)

    yield make
    for vault_id in made:
        device.delete(vault_id)


@pytest.fixture
def forbid_kdf(monkeypatch) -> Callable[[], None]:
    """forbid_kdf(): from then on, Argon2id and HKDF fail the test if anything calls them."""
    from clinic.crypto import primitives

    def forbidden(*_args, **_kwargs):
        raise AssertionError("a key derivation ran; the input should have been refused before it")

    def forbid() -> None:
        monkeypatch.setattr(primitives, "argon2id", forbidden)
        monkeypatch.setattr(primitives, "hkdf", forbidden)

    return forbid


@pytest.fixture(autouse=True)
def _no_backup_head_left(request) -> Iterator[None]:
    """Copies of the template share its vault id, and a backup records its audit head in the keyring by
    vault id: forget it after each test, or a later test's `verify` reports a rollback that is not one."""
    yield
    vault_id = getattr(request.getfixturevalue("template"), "vault_id", None) \
        if "template" in request.fixturenames else None  # (some modules have a template of their own)
    if isinstance(vault_id, str):
        device.delete_backup_head(vault_id)
