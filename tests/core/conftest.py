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
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlcipher3

from clinic import models as m
from clinic.crypto.primitives import SecretBytes
from clinic.home import Home
from clinic.keys import device
from clinic.keys.keyfile import UnlockedKeys
from clinic.vault import Vault

REPO = Path(__file__).resolve().parents[2]
ROLES = ("admin", "attorney", "coordinator", "volunteer")
STAFF = {
    "admin": ("Ana Administradora", "correct horse admin"),
    "attorney": ("Beatriz Abogada", "correct horse attorney"),
    "coordinator": ("Carlos Coordinador", "correct horse coordinator"),
    "volunteer": ("Diego Voluntario", "correct horse volunteer"),
}
SAMPLE_SEALED = {
    m.SealedField.IMMIGRATION_STATUS: "solicitud de asilo pendiente",
    m.SealedField.A_NUMBER: "A200300400",
}


def sample_draft() -> m.IntakeDraft:
    """The template's one client: recorded by the admin, with phones, notes and sealed values."""
    return m.IntakeDraft(
        given_names="Rosa María", family_name_1="García", family_name_2="Núñez",
        date_of_birth=dt.date(1979, 5, 2),
        phones=(m.Phone("+1 213 555 0199", label="móvil", safe_to_leave_message=True),),
        address="12 Calle Falsa", language="es", household_size=3, monthly_income=1800,
        needs=(m.Need.HOUSING, m.Need.IMMIGRATION), urgency=m.Urgency.SOON,
        consent_to_store=True, notes="Le subieron la renta; teme desalojo.", sealed=dict(SAMPLE_SEALED),
    )


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


def _require_real_keyring() -> None:
    import keyring
    from keyring.backends import fail, null

    if isinstance(keyring.get_keyring(), fail.Keyring | null.Keyring):
        pytest.fail("These tests need a real Secret Service keyring: run them through .ci/with-keyring "
                    "(see Makefile `test`).", pytrace=False)


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


@contextlib.contextmanager
def raw_connection(db: Path, key: SecretBytes | bytes) -> Iterator[sqlcipher3.Connection]:
    """sqlcipher3 straight at clinic.db with a raw key: what someone holding the data key can do."""
    conn = sqlcipher3.connect(str(db), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
        conn.execute("PRAGMA cipher_log_level = NONE")
        yield conn
    finally:
        conn.close()


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


# ----- the command line -----------------------------------------------------------------------------

def cli_command() -> list[str]:
    """The CLI of the code under test. Not the venv's `clinic-intake` script: that imports the checkout the
    venv was installed from, which may be another worktree with another schema (cli_env sets PYTHONPATH)."""
    return [sys.executable, "-m", "clinic.cli.main"]


def cli_env(*, home: Home | Path | None, user: str | None = None, passphrase: str | None = None,
            tmpdir: Path | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLINIC_")}
    env["CLINIC_LANG"] = "en"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    if home is not None:
        env["CLINIC_HOME"] = str(home.path if isinstance(home, Home) else home)
    if user is not None:
        env["CLINIC_USER"] = user
    if passphrase is not None:
        env["CLINIC_PASSPHRASE"] = passphrase
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    env.update(extra or {})
    return env


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


# ----- a vault of its own (for deleting device secrets and recovering on a "new laptop") ---------------

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
