"""Fixtures for the backup tests: a vault with every kind of record, copied per test; helpers."""


from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import keyring
import pytest

from clinic import models as m
from clinic.home import Home
from clinic.keys import device
from clinic.maintenance import backup as b
from clinic.vault import Vault

CANARY = "Xochiquetzal-Canario-Ñandú-7731"
PASS = {"admin": "backup admin passphrase", "attorney": "backup attorney passphrase",
        "volunteer": "backup volunteer passphrase", "coordinator": "backup coordinator pass"}
NAMES = {"admin": "Admin Respaldo", "attorney": "Abogada Respaldo", "volunteer": "Voluntario Respaldo",
         "coordinator": "Coordinadora Respaldo"}
NEW_PW = "restored admin passphrase"


def canary_forms(text: str = CANARY) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def assert_no_canary(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for form in canary_forms() + canary_forms("A555666777"):
                assert form not in data, f"{form!r} in {path}"


class Rich:
    """A vault of its own with every kind of record: intake, case, note, sealed values, document, letters.

    Built once per module (Argon2id at its real cost for every account); each test gets a copy at its own
    path, sharing the vault id and so the device secret in the session keyring."""

    def __init__(self, home: Home):
        self.home = home
        vault, self.recovery_key = Vault.init(home, clinic_name=f"Clínica {CANARY}", admin_name=NAMES["admin"],
                                              passphrase=PASS["admin"])
        self.vault_id = vault.vault_id
        try:
            for role in ("attorney", "volunteer", "coordinator"):
                vault.staff.add(NAMES[role], m.Role(role), PASS[role])
            receipt = vault.intakes.record(m.IntakeDraft(
                given_names=f"Rosa {CANARY}", family_name_1="García", family_name_2="Núñez",
                date_of_birth=dt.date(1979, 5, 2), phones=(m.Phone("+1 213 555 0199"),),
                address=f"Calle {CANARY}", language="es", household_size=3, monthly_income=1800,
                needs=(m.Need.HOUSING, m.Need.IMMIGRATION), consent_to_store=True, notes=f"Nota {CANARY}",
                sealed={m.SealedField.A_NUMBER: "A555666777", m.SealedField.IMMIGRATION_STATUS: f"TPS {CANARY}"}))
            self.ref, self.client_id = receipt.client_ref, receipt.client_id
            case_id = vault.clients.get(self.ref).cases[0].id
            self.case_id = case_id
            vault.cases.add_note(case_id, f"Nota del caso {CANARY}")
            content = ("Documento " + CANARY).encode("utf-16") + ("y " + CANARY).encode("utf-8")
            self.doc_id = vault.documents.attach(case_id, "carta.txt", content).id
            self.doc_content = content
            legal = vault.partners.add(m.PartnerDraft(
                name="Oficina Legal", services=("legal_representation",), legal_representation=True,
                disclosure=("identity", "contact", "needs", "sealed")))
            self.referral_id = vault.referrals.create(m.ReferralDraft(
                client_id=self.client_id, partner_id=legal.id, need=m.Need.IMMIGRATION,
                groups=frozenset({"identity", "sealed"}), consent_date=dt.date.today(), consent_language="es",
                consent_method="in_person", case_id=case_id)).id
            self.letter = vault.referrals.make_letter(self.referral_id)
        finally:
            vault.lock()
        self.keys = {role: Vault.derive(home, NAMES[role], PASS[role]) for role in PASS}

    def copy_to(self, dest: Path) -> Rich:
        shutil.copytree(self.home.path, dest)
        twin = copy.copy(self)
        twin.home = Home(dest)
        return twin

    def open(self, role: str = "admin", at: Home | None = None) -> Vault:
        return Vault.open(at or self.home, self.keys[role])


@pytest.fixture(scope="module")
def rich_templates(tmp_path_factory):
    from tests.core.conftest import _require_real_keyring

    _require_real_keyring()
    base = tmp_path_factory.mktemp("rich")
    made = [Rich(Home(base / "one")), Rich(Home(base / "two"))]
    yield made
    for r in made:
        device.delete(r.vault_id)
        device.delete_backup_head(r.vault_id)


@pytest.fixture
def rich(rich_templates, tmp_path):
    """rich("one"|"two") -> a private copy of that template vault; the keyring is put back afterwards."""
    saved = {r.vault_id: keyring.get_password(device.SERVICE, r.vault_id) for r in rich_templates}
    for r in rich_templates:
        device.delete_backup_head(r.vault_id)

    def make(name: str = "one") -> Rich:
        return rich_templates[0 if name == "one" else 1].copy_to(tmp_path / name)

    yield make
    for vault_id, secret in saved.items():
        keyring.set_password(device.SERVICE, vault_id, secret)
        device.delete_backup_head(vault_id)


@pytest.fixture
def usb(tmp_path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def backup_of(r: Rich, folder: Path, role: str = "admin", **kw) -> b.BackupResult:
    vault = r.open(role)
    try:
        return b.make_backup(vault, folder, **kw)
    finally:
        vault.lock()


def dump(db: Path, key) -> dict[str, list]:
    """Every row of every table (staff, audit and settings apart: a restore rebinds the admin)."""
    from tests.core.conftest import raw_connection

    out = {}
    with raw_connection(db, key) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            if table in ("staff", "audit", "settings"):
                continue
            rows = conn.execute(f"SELECT * FROM \"{table}\"").fetchall()  # noqa: S608 - names from the schema
            out[table] = sorted(rows, key=repr)
        out["staff"] = conn.execute("SELECT id, name, role, active FROM staff ORDER BY id").fetchall()
    return out


def new_laptop(r: Rich) -> None:
    """What a new laptop's fresh keyring lacks: the device secret, the anchors and the backup head."""
    device.delete(r.vault_id)
    device.delete_anchor(r.vault_id, r.home.path)
    device.delete_backup_head(r.vault_id)


