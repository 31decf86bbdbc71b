"""The audit chain: every change appended, ids only, and any edit, insertion or deletion found by verify()."""

from __future__ import annotations

import pytest

from clinic import models as m


@pytest.fixture
def busy(template, open_vault):
    """An admin session that recorded, viewed, revealed and noted: a chain with many kinds of rows."""
    vault = open_vault("admin")
    receipt = vault.intakes.record(m.IntakeDraft(
        given_names="Xiomara Auditada", family_name_1="Quintanilla", consent_to_store=True,
        phones=(m.Phone("+1 818 555 0123"),), notes="nota-auditoría-única",
        sealed={m.SealedField.ENTRY_HISTORY: "entrada-secreta-2019"}))
    vault.clients.get(receipt.client_ref)
    vault.sealed.reveal(receipt.client_id)
    vault.cases.add_note(receipt.case_id, "nota-de-caso-única")
    vault.staff.add("Ulises Nuevo", m.Role.VOLUNTEER, "ulises passphrase")
    return vault, receipt


def test_changes_and_views_are_audited(busy):
    """Intake, view, reveal, note and staff change each append their own audit row."""
    vault, receipt = busy
    actions = [r[0] for r in vault.conn.execute("SELECT action FROM audit ORDER BY id")]
    for action in ("vault.init", "unlock", "intake.create", "client.view", "sealed.reveal", "note.add",
                   "staff.add"):
        assert action in actions, action
    assert vault.verify().ok


def test_audit_rows_hold_no_names_or_values(busy):
    """No audit column holds a client name, phone, note, sealed value or staff name."""
    vault, _receipt = busy
    text = "\n".join(" ".join(map(str, row)) for row in vault.conn.execute("SELECT * FROM audit"))
    # The phone as typed: its bare digits could also turn up inside a SHA-256 hex digest or a timestamp.
    for value in ("Xiomara", "Quintanilla", "818 555 0123", "8185550123", "nota-auditoría", "entrada-secreta",
                  "nota-de-caso", "Ulises"):
        assert value not in text


@pytest.mark.parametrize("tamper", [
    "UPDATE audit SET target = 'client:999' WHERE id = (SELECT max(id) - 1 FROM audit)",
    "UPDATE audit SET at = '2000-01-01T00:00:00+00:00' WHERE id = 2",
    "DELETE FROM audit WHERE id = 3",
    "INSERT INTO audit (id, at, actor_id, action, target, detail, prev_hash, hash) SELECT max(id) + 1, at, "
    "actor_id, 'staff.add', target, detail, hash, hash FROM audit",
    "UPDATE audit SET hash = prev_hash WHERE id = 1",
], ids=["edit-target", "edit-time", "delete", "append-forged", "break-hash"])
def test_verify_detects_tampering(busy, tamper):
    """Editing, deleting or forging an audit row makes verify() report the audit log."""
    vault, _receipt = busy
    vault.conn.execute(tamper)
    report = vault.verify()
    assert not report.ok
    assert any("audit" in problem.lower() for problem in report.problems)

