"""Retention and purge: counts first, admins only, legal holds kept, and the purged bytes really gone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys

import pytest

from clinic import models as m
from clinic.errors import NotFound, PermissionDenied, UserError, ValidationError
from clinic.maintenance import purge
from clinic.maintenance.retention import Retention, RetentionSettings
from tests.fixtures.core import REPO, STAFF, cli_env
from tests.fixtures.purge import GONE, _age, _decrypted_pages, _draft, _found

PAGE, RESERVE = 4096, 80  # SQLCipher 4 defaults: AES-256-CBC, 16-byte IV + 64-byte HMAC-SHA512 per page


KEPT = {"recent": "Zqxguardada", "held": "Zqxretenida"}


@pytest.fixture
def seeded(template, home, open_vault):
    admin = open_vault("admin")
    gone_intake = admin.intakes.record(_draft(GONE["intake_name"], GONE["intake_note"],
                                              {m.SealedField.A_NUMBER: GONE["sealed"]}))
    gone_case = admin.intakes.record(_draft(GONE["case_name"]))
    admin.cases.add_note(gone_case.case_id, GONE["case_note"])
    admin.documents.attach(gone_case.case_id, "prueba.txt", f"texto {GONE['document']}".encode(), "text/plain")
    partner = admin.partners.add(m.PartnerDraft(name="Banco QX", services=("food_relief",),
                                                disclosure=("identity", "household")))
    referral = admin.referrals.create(m.ReferralDraft(
        client_id=gone_case.client_id, case_id=gone_case.case_id, partner_id=partner.id, need=m.Need.FOOD,
        groups=frozenset({"identity"}), consent_date=dt.date.today(), consent_language="es",
        consent_method="in_person"))
    admin.referrals.store_letter(referral.id, f"%PDF {GONE['letter']}".encode())
    _age(admin, gone_intake, closed=False)
    _age(admin, gone_case, closed=True)
    recent = admin.intakes.record(_draft(KEPT["recent"], "nota reciente"))
    held = admin.intakes.record(_draft(KEPT["held"], "nota retenida"))
    _age(admin, held, closed=True)
    return admin, gone_intake, gone_case, recent, held


def test_after_a_purge_no_byte_of_the_purged_records_is_left_in_the_files(template, home, seeded, open_vault):
    """Decrypted page by page (db, WAL, shm), the files hold the kept canaries and none of the purged."""
    admin, _gi, _gc, _recent, held = seeded
    Retention(open_vault("attorney")).hold(held.case_id, "orden judicial")
    pages = _decrypted_pages(home.path, bytes(admin.data_key))
    plain = set(GONE.values()) - {GONE["sealed"]}  # the sealed value is ciphertext even when decrypted
    assert _found(pages, plain) == plain  # the decryption works: this test can fail
    shown = purge.plan(admin)
    assert (shown.clients, shown.cases, shown.documents, shown.letters, shown.sealed_values) == (2, 2, 1, 1, 1)
    assert shown.notes == 1
    done = purge.run(admin, shown)
    assert done == shown
    pages = _decrypted_pages(home.path, bytes(admin.data_key))
    assert not _found(pages, GONE.values())
    assert _found(pages, KEPT.values()) == set(KEPT.values())
    assert (home.path / "clinic.db-wal").stat().st_size == 0
    assert admin.clients.get(held.client_ref)
    with pytest.raises(NotFound):
        admin.clients.get(seeded[1].client_ref)
    assert admin.verify().ok
    assert purge.plan(admin).empty
    rows = admin.conn.execute("SELECT target, detail FROM audit WHERE action = 'retention.purge'").fetchall()
    assert len(rows) == 1 and '"clients":2' in rows[0][1]


def test_the_purge_is_refused_when_the_counts_changed_since_shown(seeded):
    admin, *_ = seeded
    shown = purge.plan(admin)
    with pytest.raises(UserError):
        purge.run(admin, purge.PurgeCounts(clients=shown.clients + 1))
    assert purge.plan(admin) == shown


def test_roles_are_enforced_in_the_core(seeded, open_vault):
    """Only admins purge; volunteers and coordinators cannot forget or hold; attorneys can both."""
    _admin, gone_intake, gone_case, recent, _held = seeded
    for role in ("volunteer", "coordinator", "attorney"):
        with pytest.raises(PermissionDenied):
            purge.plan(open_vault(role))
        with pytest.raises(PermissionDenied):
            purge.run(open_vault(role), purge.PurgeCounts())
    for role in ("volunteer", "coordinator"):
        with pytest.raises(PermissionDenied):
            purge.forget(open_vault(role), recent.client_ref, reason="a petición")
        with pytest.raises(PermissionDenied):
            Retention(open_vault(role)).hold(recent.case_id, "orden")
        with pytest.raises(PermissionDenied):
            Retention(open_vault(role)).update(RetentionSettings(intake_days=30))
    attorney = open_vault("attorney")
    Retention(attorney).hold(gone_case.case_id, "litigio")
    purge.forget(attorney, gone_intake.client_ref, reason="a petición de la persona")


def test_a_legal_hold_stops_purge_and_forget_until_lifted(seeded, open_vault):
    admin, _gi, gone_case, _recent, _held = seeded
    attorney = open_vault("attorney")
    Retention(attorney).hold(gone_case.case_id, "litigio")
    assert purge.plan(admin).clients == 2  # the held client and the nine-year-old intake's
    with pytest.raises(PermissionDenied):
        purge.forget(admin, gone_case.client_ref, reason="a petición")
    Retention(attorney).release(gone_case.case_id)
    assert purge.plan(admin).clients == 3
    purge.forget(admin, gone_case.client_ref, reason="a petición")


def test_forget_deletes_one_client_everywhere_and_audits_the_reason(template, home, seeded):
    admin, _gi, gone_case, recent, _held = seeded
    with pytest.raises(ValidationError):
        purge.forget(admin, recent.client_ref, reason=f"{KEPT['recent']} lo pidió")
    with pytest.raises(ValidationError):
        purge.forget(admin, recent.client_ref, reason="  ")
    purge.forget(admin, gone_case.client_ref, reason="lo pidió por escrito")
    c = admin.conn
    assert c.execute("PRAGMA foreign_key_check").fetchall() == []
    for (table,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        columns = {r[1] for r in c.execute(f"PRAGMA table_info({table})")}
        if "client_id" in columns:
            sql = f"SELECT 1 FROM {table} WHERE client_id = ?"  # noqa: S608 - names from sqlite_master
            assert not c.execute(sql, (gone_case.client_id,)).fetchone()
        if "case_id" in columns:
            sql = f"SELECT 1 FROM {table} WHERE case_id = ?"  # noqa: S608 - names from sqlite_master
            assert not c.execute(sql, (gone_case.case_id,)).fetchone()
    assert not c.execute("SELECT 1 FROM client_search WHERE rowid = ?", (gone_case.client_id,)).fetchone()
    row = c.execute("SELECT target, detail FROM audit WHERE action = 'client.forget'").fetchone()
    assert row[0] == f"client:{gone_case.client_id}" and json.loads(row[1]) == {"reason": "lo pidió por escrito"}
    pages = _decrypted_pages(home.path, bytes(admin.data_key))
    assert not _found(pages, [GONE["case_name"], GONE["case_note"], GONE["document"], GONE["letter"]])
    assert admin.verify().ok


def test_retention_settings_are_validated_and_change_what_is_due(seeded):
    admin, *_ = seeded
    retention = Retention(admin)
    assert retention.settings() == RetentionSettings()
    with pytest.raises(ValidationError):
        retention.update(RetentionSettings(intake_days=0))
    retention.update(RetentionSettings(case_years=10))
    assert purge.plan(admin).clients == 1  # only the never-taken-up intake of nine years ago


def _cli(*args: str, home, role: str) -> subprocess.CompletedProcess:
    user, passphrase = STAFF[role]
    env = cli_env(home=home, user=user, passphrase=passphrase, extra={"PYTHONPATH": str(REPO)})
    return subprocess.run([sys.executable, "-m", "clinic.cli.main", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120, cwd=REPO, env=env)


def test_cli_purge_dry_run_prints_counts_then_yes_deletes(template, home, seeded):
    admin, gone_intake, *_ = seeded
    admin.lock()
    dry = _cli("purge", "--dry-run", home=home, role="admin")
    assert dry.returncode == 0, dry.stderr
    assert "3 clients" in dry.stdout and GONE["intake_name"] not in dry.stdout
    refused = _cli("purge", home=home, role="admin")
    assert refused.returncode != 0 and "--yes" in refused.stderr
    assert _cli("purge", "--yes", home=home, role="volunteer").returncode != 0
    done = _cli("purge", "--yes", home=home, role="admin")
    assert done.returncode == 0, done.stderr
    again = _cli("purge", "--dry-run", home=home, role="admin")
    assert "0 clients" in again.stdout


def test_cli_client_forget_needs_a_reason_and_a_role(template, home, seeded):
    admin, gone_intake, *_ = seeded
    admin.lock()
    ref = gone_intake.client_ref
    assert _cli("client", "forget", ref, home=home, role="admin").returncode == 2  # --reason is required
    denied = _cli("client", "forget", ref, "--reason", "pedido", home=home, role="volunteer")
    assert denied.returncode == 1 and "role" in denied.stderr
    done = _cli("client", "forget", ref, "--reason", "pedido", home=home, role="attorney")
    assert done.returncode == 0, done.stderr
    assert _cli("client", "show", ref, home=home, role="admin").returncode == 1


def test_a_returning_client_keeps_their_file_and_loses_only_their_old_cases(template, home, open_vault):
    """A client back this month is kept; their case closed nine years ago and their old intake that never
    became anything are due on their own (the case-by-case path). A hold on any case of theirs keeps
    everything of theirs, as it keeps their intakes and letters."""
    from tests.fixtures.purge import OLD

    admin = open_vault("admin")
    closed = admin.intakes.record(_draft("Zqxregresa"))
    admin.cases.set_status(closed.case_id, m.CaseStatus.CLOSED, "terminado", closure_category="A")
    unused = admin.intakes.record(dataclasses.replace(_draft("Zqxregresa"), existing_client=closed.client_id))
    c = admin.conn
    for receipt in (closed, unused):
        c.execute("UPDATE intakes SET recorded_at = ? WHERE id = ?", (OLD, receipt.intake_id))
        c.execute("UPDATE cases SET opened_at = ?, closed_at = CASE WHEN closed_at IS NULL THEN NULL ELSE ? END "
                  "WHERE id = ?", (OLD, OLD, receipt.case_id))
    back = admin.intakes.record(dataclasses.replace(_draft("Zqxregresa"), existing_client=closed.client_id))
    retention = Retention(open_vault("attorney"))
    retention.hold(back.case_id, "orden judicial")
    held = purge.plan(admin)
    assert (held.clients, held.cases, held.intakes) == (0, 0, 0)
    retention.release(back.case_id)
    counts = purge.plan(admin)
    assert (counts.clients, counts.cases, counts.intakes) == (0, 2, 2)
    purge.run(admin, counts)
    assert {r[0] for r in c.execute("SELECT id FROM cases WHERE client_id = ?", (closed.client_id,))} == {back.case_id}
    assert admin.clients.get(closed.client_ref) is not None  # the client and their new case stay
