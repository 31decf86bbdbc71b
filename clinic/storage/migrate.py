"""Schema migrations: numbered SQL files in clinic/storage/migrations/, tracked by PRAGMA user_version.

`NNNN_name.sql` brings the database from version NNNN-1 to NNNN. Each is small and runs whole in one
transaction with the new user_version, so a failure leaves the previous version. To change the schema,
add the next file (never edit a shipped one); LATEST follows the files.
"""

from __future__ import annotations

import re
from importlib import resources

from clinic.storage.db import Connection

# The case queue's order, shared by its index (0003_queue_indexes.sql) and its query: SQLite uses the
# index only for this exact expression. A test checks the file still holds it.
CASE_QUEUE_ORDER = ("next_date IS NULL, next_date, CASE urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 "
                    "ELSE 2 END, opened_at DESC")

_FILE = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


def _load() -> tuple[list[str], list[str]]:
    """(names, scripts) of the packaged migration files, checked to be numbered 1, 2, 3... without gaps."""
    folder = resources.files("clinic.storage.migrations")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    for number, f in enumerate(files, 1):
        found = _FILE.fullmatch(f.name)
        if not found or int(found.group(1)) != number:
            raise RuntimeError(f"migration files must be numbered 0001_, 0002_... in order: {f.name}")
    return [f.name for f in files], [f.read_text(encoding="utf-8") for f in files]


NAMES, MIGRATIONS = _load()
LATEST = len(MIGRATIONS)


def version(conn: Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: Connection, target: int = LATEST) -> None:
    """Bring the database to `target`, one migration per transaction. Never downgrades.

    Each script runs whole with its new user_version between BEGIN IMMEDIATE and COMMIT, which are
    part of the script: sqlcipher3's executescript commits any transaction already open.
    """
    current = version(conn)
    if current > LATEST:
        from clinic.errors import VaultDamaged
        from clinic.i18n import _

        raise VaultDamaged(_("This vault was made by a newer Clinic Intake. Update the app to open it."))
    for number in range(current + 1, target + 1):
        script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[number - 1]}\nPRAGMA user_version = {number};\nCOMMIT;"
        try:
            conn.executescript(script)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
