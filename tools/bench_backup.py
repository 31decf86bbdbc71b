"""Speed of backup and restore against sqlcipher_export alone, on a vault of N clients and 1,000 documents.

    .ci/with-keyring .venv/bin/python tools/bench_backup.py [--clients N] [--documents N] [--runs N]

Builds a throw-away synthetic vault (deleted at the end), then times, each `--runs` times (median;
export and backup interleaved run by run, so both see the same load):
  export   sqlcipher_export of the database into a new file under the same key, then fsync: the floor;
  backup   `make_backup` (export, stream through AES-GCM with the key file and manifest, fsync, link);
  restore  `restore_backup` into an empty folder (authenticate, write, fsync, recover); its Argon2id
           (the new admin passphrase) is timed apart and shown without it too.
Target (issue 9): backup and restore within 1.5x of export alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clinic.demo.synthetic import drafts  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.keys import device  # noqa: E402
from clinic.maintenance.backup import make_backup  # noqa: E402
from clinic.maintenance.restore import restore_backup  # noqa: E402
from clinic.storage import snapshot  # noqa: E402
from clinic.storage.db import connect  # noqa: E402
from clinic.vault import Vault  # noqa: E402

ADMIN, PASSPHRASE, NEW = "Bench Admin", "bench admin passphrase (synthetic)", "bench restored passphrase"
MB = 1024 * 1024


def build(home: Home, clients: int, documents: int) -> tuple[Vault, str]:
    vault, recovery_key = Vault.init(home, clinic_name="Benchmark (synthetic)", admin_name=ADMIN,
                                     passphrase=PASSPHRASE, language="en")
    batch = []
    for draft in drafts(clients, seed=1):
        batch.append(draft)
        if len(batch) == 5_000:
            vault.intakes.record_many(batch, is_demo=True)
            batch = []
    if batch:
        vault.intakes.record_many(batch, is_demo=True)
    case_ids = [row.id for row in vault.cases.list(limit=documents)]
    for i in range(documents):
        vault.documents.attach(case_ids[i % len(case_ids)], f"scan-{i}.pdf", os.urandom(20_000 + i * 37))
    return vault, recovery_key


def median_of(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--documents", type=int, default=1_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="clinic-bench-backup-"))
    vault = None
    try:
        t = time.perf_counter()
        vault, recovery_key = build(Home(scratch / "home"), args.clients, args.documents)
        built = time.perf_counter() - t
        usb = scratch / "usb"
        usb.mkdir()
        n = [0]

        def export_alone() -> None:
            n[0] += 1
            target = usb / f"export-{n[0]}.db"
            conn = connect(vault.home.db, vault.data_key, expect_schema=True)
            try:
                snapshot.export(conn, target, vault.data_key)
            finally:
                conn.close()
            with target.open("rb") as f:
                os.fsync(f.fileno())
            target.unlink()

        made = []

        def backup() -> None:
            made.append(make_backup(vault, usb).path)

        exports, backups = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine load and page cache
            exports.append(median_of(export_alone, 1))
            backups.append(median_of(backup, 1))
        export_s, backup_s = statistics.median(exports), statistics.median(backups)
        db_mb = vault.home.db.stat().st_size / MB
        file_mb = made[-1].stat().st_size / MB
        restores, argon = [], []
        for i in range(args.runs):
            target = Home(scratch / f"restored-{i}")
            t = time.perf_counter()
            restore_backup(made[-1], target, recovery_key=recovery_key, admin_name=ADMIN, new_passphrase=NEW)
            restores.append(time.perf_counter() - t)
            t = time.perf_counter()
            Vault.derive(target, ADMIN, NEW)  # what restore spends on Argon2id for the new passphrase
            argon.append(time.perf_counter() - t)
            shutil.rmtree(target.path)
        restore_s, argon_s = statistics.median(restores), statistics.median(argon)
    finally:
        if vault is not None:
            vault_id = vault.vault_id
            vault.lock()
            device.delete(vault_id)
            device.delete_backup_head(vault_id)
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"Backup bench: {args.clients:,} synthetic clients, {args.documents:,} documents; database "
          f"{db_mb:.0f} MB, backup file {file_mb:.0f} MB; built in {built:.0f} s; median of {args.runs}")
    rows = (("sqlcipher_export alone + fsync", export_s, None),
            ("backup create (make_backup)", backup_s, backup_s / export_s),
            ("restore (incl. Argon2id)", restore_s, restore_s / export_s),
            ("restore without Argon2id", restore_s - argon_s, (restore_s - argon_s) / export_s))
    print(f"{'operation':<34} {'seconds':>8} {'x export':>9}  target")
    for label, seconds, ratio in rows:
        verdict = "" if ratio is None else ("<= 1.5x ok" if ratio <= 1.5 else "<= 1.5x MISSED")
        print(f"{label:<34} {seconds:8.2f} {'' if ratio is None else f'{ratio:.2f}x':>9}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
