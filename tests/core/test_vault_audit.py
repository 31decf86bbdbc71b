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



@pytest.mark.parametrize("row", [
    ("0" * 64, "2026-01-01T00:00:00+00:00", 7, "intake.create", "intake:3", '{"client":"C-1","x":"ñ\\"\\n"}'),
    ("0" * 64, "", None, "", "", ""),
    ("0" * 64, "at", 3.5, "a", b"bytes", 12),  # types only a row edited outside the app could hold
])
def test_the_fast_digest_is_the_json_digest(row):
    """The chain hash written without json.dumps gives exactly json.dumps' bytes, whatever the row holds."""
    from clinic.storage import audit

    assert audit._digest(*row) == audit._digest_json(*row)
    if row[2] != 3.5:
        import hashlib
        import json

        assert audit._digest(*row) == hashlib.sha256(json.dumps(list(row), separators=(",", ":")).encode()
                                                     ).hexdigest()


def test_verify_streams_the_chain_in_chunks_and_reports_progress(busy, monkeypatch):
    """verify() reads the chain a chunk at a time, says how far it is, and still finds an edit."""
    from clinic.storage import audit

    vault, _receipt = busy
    monkeypatch.setattr(audit, "VERIFY_CHUNK", 2)
    seen: list[tuple[int, int]] = []
    assert vault.verify(progress=lambda done, total: seen.append((done, total))).ok
    total = audit.count(vault.conn) - 1  # verify's own entry comes after the check
    assert seen[-1] == (total, total) and len(seen) == (total + 1) // 2
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    vault.conn.execute("UPDATE audit SET action = 'x' WHERE id = 4")
    assert not vault.verify().ok
    vault.conn.execute("UPDATE audit SET target = x'00ff' WHERE id = 5")
    assert not vault.verify().ok


def test_sqlite_writes_the_same_payload_and_odd_rows_fall_back(busy):
    """verify() hashes the JSON array SQLite writes (json_array) and checks a row whose SQL payload differs
    (non-ASCII text, a number stored as text) the slow way: such rows still verify, and an edit of one is
    still found."""
    from clinic.storage import audit

    vault, _receipt = busy
    conn = vault.conn
    rows = conn.execute("SELECT json_array(prev_hash, at, actor_id, action, target, detail), prev_hash, at, "
                        "actor_id, action, target, detail, hash FROM audit ORDER BY id").fetchall()
    import hashlib

    assert all(hashlib.sha256(r[0].encode()).hexdigest() == audit._digest(*r[1:7]) == r[7] for r in rows)
    # Rewrite the last row with odd contents and a correct hash: verify accepts it.
    last, prev = conn.execute("SELECT id, prev_hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    for detail, actor in (('{"motivo":"señal ✓"}', 1), ("", "staff:1")):
        conn.execute("UPDATE audit SET detail = ?, actor_id = ?, hash = ? WHERE id = ?",
                     (detail, actor, audit._digest(prev, *conn.execute(
                         "SELECT at FROM audit WHERE id = ?", (last,)).fetchone(), actor,
                         *conn.execute("SELECT action, target FROM audit WHERE id = ?", (last,)).fetchone(),
                         detail), last))
        assert audit.verify(conn) == []
        conn.execute("UPDATE audit SET detail = detail || 'x' WHERE id = ?", (last,))
        assert audit.verify(conn) == [last]


def test_verify_finds_a_changed_page_and_full_adds_the_structure_checks(busy, home):
    """The routine verify checks every encrypted page's HMAC: one byte changed in the file, in a page no
    query touched since, is found. `full` also runs SQLite's structure and search-index checks."""
    vault, _receipt = busy
    routine = vault.verify()
    assert routine.ok and not any("structure" in c for c in routine.checked)
    full = vault.verify(full=True)
    assert full.ok and any("structure" in c for c in full.checked) and any("search" in c for c in full.checked)
    vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = int(vault.conn.execute("PRAGMA page_size").fetchone()[0])
    pages = int(vault.conn.execute("PRAGMA page_count").fetchone()[0])
    with home.db.open("r+b") as f:  # a byte in the middle of a page half-way through the file
        f.seek(page * (pages // 2) + page // 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0x40]))
    report = vault.verify()
    assert not report.ok
    assert any("Encrypted pages failed" in problem for problem in report.problems)
