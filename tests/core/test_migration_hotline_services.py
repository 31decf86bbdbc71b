"""Migration 0014 rebuilds the follow-up and custody tables: earlier rows stay, the log stays append-only."""

from __future__ import annotations

import pytest

from clinic.crypto.primitives import SecretBytes, random_bytes
from clinic.storage import migrate
from clinic.storage.db import DatabaseError, connect, transaction

AT = "2026-11-10T12:00:00+00:00"
BEFORE = migrate.NAMES.index("0014_hotline_services.sql")  # the version just before it


def test_followups_media_and_custody_rows_survive_and_the_log_still_refuses_edits(tmp_path):
    conn = connect(tmp_path / "clinic.db", SecretBytes(random_bytes(32)), create=True)
    try:
        migrate.migrate(conn, target=BEFORE)
        with transaction(conn):
            conn.execute("INSERT INTO staff (id, account_id, name, name_key, role, public_key, created_at) "
                         "VALUES (1, 'acc1', 'Ana', 'ana', 'admin', 'pk', ?)", (AT,))
            conn.execute("INSERT INTO incidents (id, ref, occurred_on, precision, place_kind, faces_covered, "
                         "name_or_badge_visible, identified_when_asked, possible_impersonator, warrant, "
                         "home_entry, consent_asked, contact_kind, reporter_relation, recorded_at, recorded_by) "
                         "VALUES (1, 'I-AAAA-BBBB', '2026-11-10', 'exact', 'street', 'unknown', 'unknown', "
                         "'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'field_operation', 'saw', ?, 1)",
                         (AT,))
            conn.execute("INSERT INTO incident_followups (incident_id, person, kind, client_id, intake_id, at, by) "
                         "VALUES (1, 1, 'intake', 7, 8, ?, 1)", (AT,))
            conn.execute("INSERT INTO incident_media (id, incident_id, filename, mime_type, size, content, sha256, "
                         "captured_source, added_at, added_by) VALUES (1, 1, 'a.mp4', 'video/mp4', 3, x'010203', "
                         "'h', 'unknown', ?, 1)", (AT,))
            conn.execute("INSERT INTO incident_custody (media_id, action, at, by) VALUES (1, 'received', ?, 1)",
                         (AT,))
        migrate.migrate(conn)
        assert conn.execute("SELECT incident_id, person, kind, client_id, intake_id, referral_id, case_id "
                            "FROM incident_followups").fetchall() == [(1, 1, "intake", 7, 8, None, None)]
        assert conn.execute("SELECT media_id, action FROM incident_custody").fetchall() == [(1, "received")]
        assert conn.execute("SELECT purged_at FROM incident_media").fetchall() == [(None,)]
        for sql in ("UPDATE incident_custody SET note = 'x'", "DELETE FROM incident_custody",
                    "UPDATE incident_media SET content = x'09'"):
            with pytest.raises(DatabaseError):
                conn.execute(sql)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
