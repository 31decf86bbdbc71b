"""SQL for re-sealing every attorney-only ciphertext to a new privileged key, in resumable batches."""

from __future__ import annotations

from clinic.storage.db import Connection


class ResealRepo:
    """Sealed client values (with their key fingerprint), sealed letters and sealed incident reporters."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def values_not_under(self, fpr: str, limit: int) -> list[tuple[int, int, str, bytes]]:
        return [(r[0], r[1], r[2], bytes(r[3])) for r in self.conn.execute(
            "SELECT id, client_id, field, ciphertext FROM sealed_values WHERE key_fpr != ? ORDER BY id LIMIT ?",
            (fpr, limit))]

    def set_value(self, value_id: int, ciphertext: bytes, fpr: str) -> None:
        self.conn.execute("UPDATE sealed_values SET ciphertext = ?, key_fpr = ? WHERE id = ?",
                          (ciphertext, fpr, value_id))

    def count_values(self) -> int:
        return self.conn.execute("SELECT count(*) FROM sealed_values").fetchone()[0]

    def sealed_letters(self, after: int, limit: int) -> list[tuple[int, int, bytes]]:
        """(letter id, referral id, sealed pdf) for sealed letters with id > after."""
        return [(r[0], r[1], bytes(r[2])) for r in self.conn.execute(
            "SELECT id, referral_id, pdf FROM letters WHERE sealed = 1 AND id > ? ORDER BY id LIMIT ?",
            (after, limit))]

    def set_letter(self, letter_id: int, blob: bytes) -> None:
        self.conn.execute("UPDATE letters SET pdf = ? WHERE id = ?", (blob, letter_id))

    def reporters_not_under(self, fpr: str, limit: int) -> list[tuple[int, str, bytes]]:
        return [(r[0], r[1], bytes(r[2])) for r in self.conn.execute(
            "SELECT id, ref, reporter_sealed FROM incidents WHERE reporter_sealed IS NOT NULL "
            "AND coalesce(reporter_fpr, '') != ? ORDER BY id LIMIT ?", (fpr, limit))]

    def set_reporter(self, incident_id: int, blob: bytes, fpr: str) -> None:
        self.conn.execute("UPDATE incidents SET reporter_sealed = ?, reporter_fpr = ? WHERE id = ?",
                          (blob, fpr, incident_id))

    def fingerprints(self) -> set[str]:
        """Every key fingerprint a sealed value or reporter is recorded under."""
        rows = self.conn.execute("SELECT DISTINCT key_fpr FROM sealed_values UNION "
                                 "SELECT DISTINCT reporter_fpr FROM incidents WHERE reporter_sealed IS NOT NULL")
        return {r[0] for r in rows}
