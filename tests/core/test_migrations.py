"""Migrations: a database of each earlier version migrates to the latest and keeps its rows."""

from __future__ import annotations

import re

import pytest

from clinic.crypto.primitives import SecretBytes, random_bytes
from clinic.errors import VaultDamaged
from clinic.storage import audit, migrate
from clinic.storage.db import connect, transaction

V1_TABLES = ("settings", "staff", "clients", "phones", "intakes", "intake_needs", "cases", "notes",
             "sealed_values", "documents", "audit")


@pytest.fixture
def db(tmp_path):
    key = SecretBytes(random_bytes(32))
    path = tmp_path / "clinic.db"
    conn = connect(path, key, create=True)
    yield conn, path, key
    conn.close()


def _fill_v1(conn) -> None:
    with transaction(conn):
        conn.execute("INSERT INTO settings (key, value) VALUES ('vault_id', 'abc'), ('clinic_name', 'Clínica')")
        conn.execute("INSERT INTO staff (id, account_id, name, name_key, role, public_key, created_at) "
                     "VALUES (1, 'acc1', 'Ana', 'ana', 'admin', 'pk', '2024-01-01T00:00:00+00:00')")
        conn.execute("INSERT INTO clients (id, ref, given_names, family_name_1, sort_key, date_of_birth, "
                     "language, created_at, created_by) VALUES (1, 'C-AAAA-BBBB', 'José', 'Núñez', "
                     "'nunez jose', '1980-01-01', 'es', '2024-01-01T00:00:00+00:00', 1)")
        conn.execute("INSERT INTO phones (client_id, position, number, safe_to_call, safe_to_text, "
                     "safe_to_leave_message) VALUES (1, 0, '+1 555 0100', 1, 1, 0)")
        conn.execute("INSERT INTO intakes (id, client_id, recorded_at, recorded_by, channel, urgency, "
                     "consent_to_store, consent_date, consent_language, notes) VALUES (1, 1, "
                     "'2024-01-01T00:00:00+00:00', 1, 'walk-in', 'routine', 1, '2024-01-01', 'es', 'nota ñ')")
        conn.execute("INSERT INTO intake_needs (intake_id, need) VALUES (1, 'housing')")
        conn.execute("INSERT INTO cases (id, client_id, intake_id, status, need, problem_code, urgency, "
                     "opened_at) VALUES (1, 1, 1, 'open', 'housing', 63, 'routine', '2024-01-01T00:00:00+00:00')")
        conn.execute("INSERT INTO notes (case_id, author_id, created_at, body) VALUES (1, 1, "
                     "'2024-01-02T00:00:00+00:00', 'seguimiento')")
        conn.execute("INSERT INTO sealed_values (client_id, intake_id, field, ciphertext, key_fpr, created_at, "
                     "created_by) VALUES (1, 1, 'a_number', x'00112233', 'fpr', '2024-01-01T00:00:00+00:00', 1)")
        conn.execute("INSERT INTO client_search (rowid, names, phones, notes) VALUES (1, 'José Núñez', "
                     "'+1 555 0100', 'nota ñ')")
        audit.append(conn, actor_id=1, action="vault.init")
        audit.append(conn, actor_id=1, action="intake.create", target="intake:1")


_V1_COLUMNS_ADDED_LATER = {"cases": ("funding_exception_reason",)}  # with a default: v1 rows keep the rest


def _snapshot(conn) -> dict[str, list[tuple]]:
    def columns(t: str) -> str:
        return ", ".join(r[1] for r in conn.execute(f"PRAGMA table_info({t})")
                         if r[1] not in _V1_COLUMNS_ADDED_LATER.get(t, ()))

    return {t: conn.execute(f"SELECT {columns(t)} FROM {t} ORDER BY rowid").fetchall()  # noqa: S608 - fixed names
            for t in V1_TABLES}


def test_a_version_1_database_migrates_to_the_latest_and_keeps_its_rows(db):
    """migrate(target=1), rows inserted, migrate(): user_version is LATEST and every row is unchanged."""
    conn, _path, _key = db
    migrate.migrate(conn, target=1)
    assert migrate.version(conn) == 1
    _fill_v1(conn)
    before = _snapshot(conn)
    migrate.migrate(conn)
    assert migrate.version(conn) == migrate.LATEST
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrate.LATEST
    assert _snapshot(conn) == before
    assert conn.execute("SELECT rowid FROM client_search WHERE client_search MATCH 'nunez'").fetchall() == [(1,)]
    assert audit.verify(conn) == []
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("start", range(1, migrate.LATEST))
def test_each_migration_step_applies_on_the_previous_version(db, start):
    """From every earlier version the next migrations run, and the data written at that version stays."""
    conn, _path, _key = db
    migrate.migrate(conn, target=start)
    _fill_v1(conn)
    before = _snapshot(conn)
    migrate.migrate(conn, target=start + 1)
    assert migrate.version(conn) == start + 1
    migrate.migrate(conn)
    assert _snapshot(conn) == before


def test_migrated_database_reopens_with_its_key(db):
    """After migrating, the file reopens with the same raw key at the latest version."""
    conn, path, key = db
    migrate.migrate(conn, target=1)
    _fill_v1(conn)
    migrate.migrate(conn)
    conn.close()
    again = connect(path, key)
    try:
        assert migrate.version(again) == migrate.LATEST
        assert again.execute("SELECT given_names FROM clients").fetchone() == ("José",)
    finally:
        again.close()


def test_migrating_twice_changes_nothing(db):
    """Running migrate() on a database already at the latest version is a no-op."""
    conn, _path, _key = db
    migrate.migrate(conn)
    _fill_v1(conn)
    before = (_snapshot(conn), conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall())
    migrate.migrate(conn)
    assert (_snapshot(conn), conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()) == before


def test_a_newer_database_is_refused_not_downgraded(db):
    """A database made by a newer app (user_version > LATEST) raises VaultDamaged and is left as it is."""
    conn, _path, _key = db
    migrate.migrate(conn)
    conn.execute(f"PRAGMA user_version = {migrate.LATEST + 1}")
    with pytest.raises(VaultDamaged):
        migrate.migrate(conn)
    assert migrate.version(conn) == migrate.LATEST + 1


def test_a_failing_migration_leaves_the_previous_version(db, monkeypatch):
    """A migration that fails halfway is rolled back whole: user_version and tables are as before."""
    conn, _path, _key = db
    migrate.migrate(conn, target=1)
    tables = conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
    broken = [*migrate.MIGRATIONS[:1], "CREATE TABLE half_done (x INTEGER); THIS IS NOT SQL;"]
    monkeypatch.setattr(migrate, "MIGRATIONS", broken)
    with pytest.raises(Exception):  # noqa: B017 - whatever SQLite raises for the bad statement
        migrate.migrate(conn, target=2)
    assert migrate.version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == tables
    assert not conn.in_transaction


def test_the_search_index_rebuild_keeps_every_entry_and_adds_a_phones_local_digits(db):
    """The prefix-index migration keeps the indexed text, still finds words, and adds a phone's last 7
    digits, so "5550100" finds "+1 555 0100" in a client recorded before it."""
    conn, _path, _key = db
    migrate.migrate(conn, target=1)
    _fill_v1(conn)
    with transaction(conn):
        conn.execute("UPDATE phones SET number = '+1 (323) 555-0100'")
        conn.execute("UPDATE client_search SET phones = '+1 (323) 555-0100 13235550100 3235550100'")
    migrate.migrate(conn)

    def found(match):
        return [r[0] for r in conn.execute("SELECT rowid FROM client_search WHERE client_search MATCH ?",
                                           (match,))]

    assert found('"5550100"') == [1] and found('"nu"*') == [1] and found('"nota"') == [1]
    assert found('"5550101"') == []
    assert conn.execute("INSERT INTO client_search (client_search, rank) VALUES ('integrity-check', 1)")


def test_the_migrations_are_numbered_sql_files_read_as_package_resources():
    """One file per version, 0001_ to LATEST without gaps, found through importlib.resources (as in the
    wheel and the PyInstaller folder), none of them managing its own transaction or user_version (a
    trigger's BEGIN ... END is its body, not a transaction)."""
    from importlib import resources

    folder = resources.files("clinic.storage.migrations")
    on_disk = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))
    assert migrate.NAMES == on_disk and len(on_disk) == migrate.LATEST >= 8
    assert [int(name[:4]) for name in on_disk] == list(range(1, migrate.LATEST + 1))
    for name, script in zip(migrate.NAMES, migrate.MIGRATIONS, strict=True):
        code = "\n".join(line.split("--")[0] for line in script.splitlines())
        code = re.sub(r"\bCREATE\s+TRIGGER\b.*?\bBEGIN\b", "", code, flags=re.I | re.S)  # a trigger's body
        assert not re.search(r"\b(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|user_version)\b", code, re.I), name
    queue = next(s for n, s in zip(migrate.NAMES, migrate.MIGRATIONS, strict=True) if n.startswith("0003_"))
    assert migrate.CASE_QUEUE_ORDER in queue  # the index and the queue's query share this exact text


def test_a_gap_in_the_numbering_is_refused(monkeypatch, tmp_path):
    """A missing or misnamed file stops the app at import instead of skipping a version."""
    for name in ("0001_a.sql", "0003_c.sql"):
        (tmp_path / name).write_text("SELECT 1;", encoding="utf-8")
    monkeypatch.setattr(migrate.resources, "files", lambda _package: tmp_path)
    with pytest.raises(RuntimeError, match="0003_c.sql"):
        migrate._load()


def test_phone_digits_are_indexed_for_numbers_saved_before_the_index(db):
    """The phone-digits migration indexes every stored number by all its digits, the last ten and the last
    seven, so "323555" and "55501" find a client saved with "+1 (323) 555-0100" before it existed."""
    conn, _path, _key = db
    migrate.migrate(conn, target=1)
    _fill_v1(conn)
    with transaction(conn):
        conn.execute("UPDATE phones SET number = '+1 (323) 555-0100'")
    migrate.migrate(conn)
    rows = conn.execute("SELECT digits, client_id FROM phone_digits ORDER BY digits").fetchall()
    assert rows == [("13235550100", 1), ("3235550100", 1), ("5550100", 1)]
