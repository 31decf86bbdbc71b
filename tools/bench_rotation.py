"""Speed of the privileged-key rotation (issue 9): `staff remove ATTORNEY` over N sealed values.

    .ci/with-keyring .venv/bin/python tools/bench_rotation.py [--values N]

Builds a throw-away vault (deleted at the end) with an admin, an attorney and N sealed values (real
ciphertexts sealed to the privileged key, inserted in one transaction through SQL: the bench measures the
rotation, not intake), then times `vault.staff.remove(attorney)`: the data-key rekey plus re-sealing every
value (one unseal and one seal each, batches of 1,000 per transaction). Prints the total and the cost per
value. The issue asks for the figure at 100,000 values; there is no target.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import scratch_vault  # noqa: E402

from clinic import models as m  # noqa: E402
from clinic.crypto import primitives as p  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=100_000)
    args = parser.parse_args()
    with scratch_vault("clinic-bench-rotation-") as (home, vault):
        vault.staff.add("Bench Attorney", m.Role.ATTORNEY, "bench attorney passphrase")
        client_id = vault.intakes.record(m.IntakeDraft(
            given_names="Sintética", family_name_1="Prueba", language="es", needs=(m.Need.HOUSING,),
            urgency=m.Urgency.ROUTINE, consent_to_store=True)).client_id
        public, fpr = vault.privileged_public()
        fields = list(m.SealedField)
        t0 = time.perf_counter()
        rows = []
        for i in range(args.values):
            field = fields[i % len(fields)].value
            ad = f"{vault.vault_id}|{client_id}|{field}".encode()
            rows.append((client_id, field, p.seal(public, f"valor sintético {i}".encode(), ad), fpr))
        vault.conn.execute("BEGIN IMMEDIATE")
        vault.conn.executemany("INSERT INTO sealed_values (client_id, field, ciphertext, key_fpr, created_at, "
                               "created_by) VALUES (?,?,?,?,'2020-01-01',1)", rows)
        vault.conn.execute("COMMIT")
        print(f"loaded {args.values:,} sealed values in {time.perf_counter() - t0:.1f} s")
        t = time.perf_counter()
        removal = vault.staff.remove("Bench Attorney")
        took = time.perf_counter() - t
        resealed = removal.resealed
        total = resealed.values
        print(f"privileged-key rotation (staff remove ATTORNEY, {total:,} sealed values): {took:.1f} s in all "
              f"(re-sealing {resealed.seconds:.1f} s), {resealed.seconds / max(total, 1) * 1e6:.0f} µs per value")
        assert vault.verify().ok
    return 0


if __name__ == "__main__":
    sys.exit(main())
