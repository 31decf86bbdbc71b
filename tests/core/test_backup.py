"""Encrypted backups: one authenticated file in the chosen folder; verify; restore on a new laptop."""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
from pathlib import Path

import keyring
import pytest

from clinic import models as m
from clinic.errors import PermissionDenied, VaultExists
from clinic.home import Home
from clinic.keys import device
from clinic.maintenance import backup as b
from clinic.maintenance import backup_format as fmt
from clinic.maintenance import verify_backup as vb
from clinic.maintenance.restore import restore_backup
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


# ----- making a backup ---------------------------------------------------------------------------------

def test_a_backup_is_one_new_file_in_the_folder_with_no_readable_client_data(rich, usb, tmp_path, monkeypatch):
    """One .cibak file with the time in its name, nothing else left in the folder, no canary in any form."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    r = rich()
    first = backup_of(r, usb)
    second = backup_of(r, usb)
    assert first.path != second.path and sorted(p.name for p in usb.iterdir()) == sorted(
        [first.path.name, second.path.name])
    assert b.NAME.match(first.path.name) and first.path.stat().st_mode & 0o077 == 0
    assert first.counts["clients"] == 1 and first.counts["letters"] == 1 and first.counts["documents"] == 1
    data = first.path.read_bytes()
    assert data.startswith(fmt.HEADER) and r.vault_id.encode() not in data
    assert bytes.fromhex(r.vault_id) not in data and NAMES["admin"].encode() not in data
    assert_no_canary(usb)
    assert_no_canary(tmp_path / "tmp")


def test_verify_and_the_temporary_copy_hold_no_plaintext(rich, usb, tmp_path, monkeypatch):
    """While verify checks the database it wrote to a temp folder, no canary is in any byte there."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    (tmp_path / "tmp").mkdir()
    r = rich()
    made = backup_of(r, usb)
    seen = []
    real = vb.check_database

    def spying(db, manifest):
        assert_no_canary(db.parent)
        seen.append(sorted(p.name for p in db.parent.iterdir()))
        return real(db, manifest)

    monkeypatch.setattr(vb, "check_database", spying)
    report = vb.verify_backup(made.path, recovery_key=r.recovery_key)
    assert report.ok, report.problems
    assert seen and "clinic.db" in seen[0]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_backup_is_a_consistent_snapshot_while_another_connection_writes(rich, usb):
    """Counts and audit head in the manifest match the copied database even with a writer in between."""
    r = rich()
    vault, writer = r.open(), r.open("attorney")
    try:
        from clinic.storage import snapshot

        real = snapshot.describe

        def write_meanwhile(conn, schema="main"):
            facts = real(conn, schema=schema)
            writer.cases.add_note(r.case_id, "written during the backup")  # WAL: not in the snapshot
            return facts

        snapshot.describe = write_meanwhile
        try:
            made = b.make_backup(vault, usb)
        finally:
            snapshot.describe = real
        report = vb.verify_backup(made.path, vault=vault)
        assert report.ok, report.problems
        assert report.counts["notes"] == 1
    finally:
        writer.lock()
        vault.lock()


def test_a_missing_folder_is_said_plainly_and_nothing_is_written_anywhere(rich, tmp_path, states):
    """An unplugged USB stick: one sentence naming the folder; the vault folder and its parent are unchanged."""
    r = rich()
    before = states(tmp_path)
    vault = r.open()
    try:
        with pytest.raises(b.BackupFolderMissing) as err:
            b.make_backup(vault, tmp_path / "usb-not-plugged")
    finally:
        vault.lock()
    assert "USB" in str(err.value) and str(tmp_path / "usb-not-plugged") in str(err.value)
    assert not (tmp_path / "usb-not-plugged").exists()
    after = states(tmp_path)
    assert set(after) == set(before)


def test_only_admins_and_allowed_roles_may_back_up_and_every_backup_is_audited(rich, usb):
    """A coordinator is refused until the admin allows the role; volunteers never; the audit says who."""
    r = rich()
    with pytest.raises(PermissionDenied):
        backup_of(r, usb, role="coordinator")
    with pytest.raises(PermissionDenied):
        backup_of(r, usb, role="volunteer")
    admin = r.open()
    try:
        b.set_backup_settings(admin, roles=[m.Role.COORDINATOR, m.Role.VOLUNTEER])
    finally:
        admin.lock()
    backup_of(r, usb, role="coordinator")
    with pytest.raises(PermissionDenied):
        backup_of(r, usb, role="volunteer")
    admin = r.open()
    try:
        rows = [row for row in admin.settings.audit_log() if row.action == "backup.create"]
        assert len(rows) == 1
    finally:
        admin.lock()


def test_keep_last_n_removes_only_the_oldest_backups_of_this_vault(rich, usb):
    """keep=2 leaves the newest two of this vault and never touches another vault's backup."""
    r, other = rich("one"), rich("two")
    foreign = backup_of(other, usb).path
    made = [backup_of(r, usb).path for _ in range(3)]
    last = backup_of(r, usb, keep=2)
    assert set(last.removed) == set(made[:2])
    assert sorted(p.name for p in usb.iterdir()) == sorted([foreign.name, made[2].name, last.path.name])


def test_the_reminder_appears_after_the_configured_days(rich, usb, monkeypatch):
    """No backup: reminded; after one: quiet; 8 days later (default 7): reminded, with the day count."""
    r = rich()
    vault = r.open()
    try:
        assert "No backup" in b.reminder(vault)
        b.make_backup(vault, usb)
        assert b.reminder(vault) is None
        later = b.now() + dt.timedelta(days=8)
        monkeypatch.setattr(b, "now", lambda: later)
        assert "8 days" in b.reminder(vault)
        b.set_backup_settings(vault, remind_days=10)
        assert b.reminder(vault) is None
    finally:
        vault.lock()
    volunteer = r.open("volunteer")
    try:
        assert b.reminder(volunteer) is None
    finally:
        volunteer.lock()


# ----- verify -------------------------------------------------------------------------------------------

def test_verify_says_when_it_was_made_and_what_it_holds_on_the_laptop_and_with_the_recovery_key(rich, usb):
    """Both ways pass and report the date and the counts of clients, cases, documents and letters."""
    r = rich()
    made = backup_of(r, usb)
    vault = r.open()
    try:
        on_laptop = vb.verify_backup(made.path, vault=vault)
    finally:
        vault.lock()
    new_laptop(r)
    elsewhere = vb.verify_backup(made.path, recovery_key=r.recovery_key)
    for report in (on_laptop, elsewhere):
        assert report.ok, report.problems
        assert report.made_at[:10] == made.made_at.date().isoformat()
        assert {k: report.counts[k] for k in ("clients", "cases", "documents", "letters")} == {
            "clients": 1, "cases": 1, "documents": 1, "letters": 1}


def test_a_wrong_recovery_key_is_told_apart_from_damage(rich, usb):
    """Another vault's recovery key: 'does not open', with 'intact'; a flipped byte: 'damaged'."""
    r, other = rich("one"), rich("two")
    made = backup_of(r, usb)
    with pytest.raises(fmt.BackupKeyWrong) as err:
        vb.verify_backup(made.path, recovery_key=other.recovery_key)
    assert "intact" in str(err.value) and "damaged" not in str(err.value)
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 1
    made.path.write_bytes(bytes(data))
    with pytest.raises(fmt.BackupDamaged) as err:
        vb.verify_backup(made.path, recovery_key=r.recovery_key)
    assert "damaged" in str(err.value)


def test_verify_detects_a_vault_rolled_back_behind_its_backup(rich, usb, tmp_path):
    """A copy of the folder taken before the backup, put back afterwards: verify and status say rolled back."""
    r = rich()
    old = tmp_path / "old-copy"
    shutil.copytree(r.home.path, old)
    vault = r.open()
    try:
        vault.cases.add_note(r.case_id, "after the copy")
        made = b.make_backup(vault, usb)
    finally:
        vault.lock()
    shutil.rmtree(r.home.path)
    shutil.copytree(old, r.home.path)
    vault = r.open()
    try:
        report = vb.verify_backup(made.path, vault=vault)
        assert not report.ok and any("rolled back" in p for p in report.problems)
        assert any("rolled back" in p for p in b.rollback_problems(vault))
    finally:
        vault.lock()


def test_an_audit_log_cut_back_is_detected_from_the_head_kept_in_the_keyring(rich, usb, raw_db):
    """Deleting the newest audit entries leaves a valid chain, but not the head recorded at the backup."""
    r = rich()
    backup_of(r, usb)
    key = r.keys["admin"].data_keys[0]
    with raw_db(r.home.db, key) as conn:
        last = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        conn.execute("DELETE FROM audit WHERE id >= ?", (last - 3,))
    vault = r.open()
    try:
        assert vault.verify().ok  # the chain itself is still whole
        assert any("cut back" in p for p in b.rollback_problems(vault))
    finally:
        vault.lock()


# ----- restore -----------------------------------------------------------------------------------------

def test_restore_on_a_new_laptop_gives_back_everything_field_for_field(rich, usb, tmp_path):
    """Fresh keyring, new folder, the recovery key: every row is back, sealed values and letters read, staff rebind."""
    r = rich()
    key = r.keys["admin"].data_keys[0]
    before = dump(r.home.db, key)
    made = backup_of(r, usb)
    new_laptop(r)
    target = Home(tmp_path / "new-laptop" / "ClinicIntake")
    result = restore_backup(made.path, target, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                            new_passphrase=NEW_PW)
    assert result.moved_aside is None and result.counts["clients"] == 1
    assert dump(target.db, key) == before
    assert [p.name for p in target.path.parent.iterdir()] == ["ClinicIntake"]  # no staging left
    admin = Vault.unlock(target, NAMES["admin"], NEW_PW)
    try:
        assert admin.verify().ok
        for role in ("attorney", "volunteer"):
            admin.staff.reset(NAMES[role], f"new laptop {role} pw")
    finally:
        admin.lock()
    attorney = Vault.unlock(target, NAMES["attorney"], "new laptop attorney pw")
    try:
        assert attorney.sealed.reveal(r.client_id)[m.SealedField.A_NUMBER] == "A555666777"
        assert attorney.referrals.letter_pdf(r.referral_id) == r.letter  # a sealed letter, opened
        info, content = attorney.documents.open(r.doc_id)
        assert content == r.doc_content and info.filename == "carta.txt"
        assert attorney.clients.get(r.ref).client.given_names == f"Rosa {CANARY}"
    finally:
        attorney.lock()
    volunteer = Vault.unlock(target, NAMES["volunteer"], "new laptop volunteer pw")
    try:
        assert volunteer.user.role is m.Role.VOLUNTEER and volunteer.keys.privileged_private is None
    finally:
        volunteer.lock()


def test_restore_refuses_a_folder_with_a_vault_unless_confirmed_and_then_moves_it_aside(rich, usb):
    """Without replace: refused, nothing changed. With it: the old vault is renamed aside, whole, never deleted."""
    r = rich()
    made = backup_of(r, usb)
    vault = r.open()
    try:
        vault.cases.add_note(r.case_id, "after the backup")
    finally:
        vault.lock()
    before = {p.name: p.read_bytes() for p in r.home.path.iterdir() if p.is_file()}
    with pytest.raises(VaultExists):
        restore_backup(made.path, r.home, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                       new_passphrase=NEW_PW)
    assert {p.name: p.read_bytes() for p in r.home.path.iterdir() if p.is_file()} == before
    result = restore_backup(made.path, r.home, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                            new_passphrase=NEW_PW, replace=True)
    assert result.moved_aside is not None and result.moved_aside.exists()
    assert {p.name: p.read_bytes() for p in result.moved_aside.iterdir() if p.is_file()} == before
    admin = Vault.unlock(r.home, NAMES["admin"], NEW_PW)
    try:
        notes = [n.body for n in admin.cases.notes(r.case_id)]
        assert "after the backup" not in notes and admin.verify().ok
        assert b.rollback_problems(admin) == []  # restored on purpose: the kept head follows the backup
    finally:
        admin.lock()
    attorney = Vault.unlock(r.home, NAMES["attorney"], PASS["attorney"])  # same laptop: still bound
    attorney.lock()


def test_restore_with_a_wrong_admin_name_changes_nothing(rich, usb, tmp_path):
    """A name that is not an administrator: refused, and the target folder is not created."""
    r = rich()
    made = backup_of(r, usb)
    target = Home(tmp_path / "elsewhere" / "home")
    with pytest.raises(PermissionDenied):
        restore_backup(made.path, target, recovery_key=r.recovery_key, admin_name=NAMES["volunteer"],
                       new_passphrase=NEW_PW)
    assert list((tmp_path / "elsewhere").iterdir()) == []


# ----- every damaged byte is refused ---------------------------------------------------------------------

def _positions(size: int, prefix: int) -> list[int]:
    step = max(1, (size - prefix) // 40)
    return sorted({*range(prefix), *range(prefix, size, step), size - 17, size - 16, size - 1})


def test_every_flipped_byte_truncation_and_appended_byte_is_refused_and_nothing_is_restored(rich, usb, tmp_path):
    """Header, key block and every region of the chunks: one sentence, BackupDamaged, no folder made."""
    r = rich()
    made = backup_of(r, usb)
    good = made.path.read_bytes()
    with made.path.open("rb") as f:
        prefix = fmt.Reader(f)._start
    bad = tmp_path / "bad.cibak"
    cases = [("flip", i) for i in _positions(len(good), prefix)]
    cases += [("cut", n) for n in (0, 5, len(fmt.HEADER), prefix - 1, prefix, prefix + 100,
                                   len(good) // 2, len(good) - 16, len(good) - 1)]
    cases += [("append", 0)]
    target = Home(tmp_path / "restored")
    for kind, at in cases:
        data = bytearray(good)
        if kind == "flip":
            data[at] ^= 0x40
        elif kind == "cut":
            data = data[:at]
        else:
            data += b"\0"
        bad.write_bytes(bytes(data))
        with pytest.raises(fmt.BackupDamaged) as err:
            restore_backup(bad, target, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                           new_passphrase=NEW_PW)
        message = str(err.value)
        assert "\n" not in message and message.count(". ") == 0 and message.endswith("."), (kind, at, message)
        assert not target.path.exists(), (kind, at)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], (kind, at)
    with pytest.raises(fmt.BackupDamaged):  # and the data-key way refuses it the same
        vault = r.open()
        try:
            vb.verify_backup(bad, vault=vault)
        finally:
            vault.lock()


# ----- interrupted and full ------------------------------------------------------------------------------

def test_a_full_disk_during_backup_says_so_and_leaves_no_file(rich, tmp_path):
    """A 1 MB tmpfs as the USB stick: 'full' in one sentence; no file, no scratch file left there."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    r = rich()
    vault = r.open("attorney")
    try:
        vault.documents.attach(r.case_id, "big.bin", os.urandom(3 * 1024 * 1024))
    finally:
        vault.lock()
    mount = tmp_path / "stick"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        vault = r.open()
        try:
            with pytest.raises(b.DiskFull) as err:
                b.make_backup(vault, mount)
            assert "full" in str(err.value)
            assert vault.verify().ok
        finally:
            vault.lock()
        assert list(mount.iterdir()) == []
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
