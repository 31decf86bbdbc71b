"""Speed of the retention purge (issue 9): counting what is due and deleting it, with N clients.

    .ci/with-keyring .venv/bin/python tools/bench_purge.py [--clients N]

Builds a throw-away vault (deleted at the end) of N synthetic clients (`clinic.demo.synthetic`, through
`record_many`), moves every second client's intake back 200 days (so its never-taken-up intake is due),
then times `purge.plan` (the counts shown to the admin) and `purge.run` (deletes, merges the search
index, checkpoints and truncates the WAL, VACUUM). No target in the issue; the figures are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import scratch_vault  # noqa: E402

from clinic.demo.synthetic import drafts  # noqa: E402
from clinic.maintenance import purge  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20_000)
    args = parser.parse_args()
    with scratch_vault("clinic-bench-purge-") as (home, vault):
        t0 = time.perf_counter()
        batch = []
        for draft in drafts(args.clients, seed=1):
            batch.append(draft)
            if len(batch) == 2000:
                vault.intakes.record_many(batch)
                batch = []
        if batch:
            vault.intakes.record_many(batch)
        old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=200)).isoformat(timespec="microseconds")
        vault.conn.execute("BEGIN IMMEDIATE")  # synthetic people only: half of them moved 200 days back
        vault.conn.execute("UPDATE clients SET created_at = ? WHERE id % 2 = 0", (old,))
        vault.conn.execute("UPDATE intakes SET recorded_at = ? WHERE client_id % 2 = 0", (old,))
        vault.conn.execute("COMMIT")
        size = home.db.stat().st_size / 1e6
        print(f"built {args.clients:,} clients in {time.perf_counter() - t0:.1f} s ({size:.0f} MB)")
        t = time.perf_counter()
        shown = purge.plan(vault)
        planned = time.perf_counter() - t
        t = time.perf_counter()
        purge.run(vault, shown)
        ran = time.perf_counter() - t
        print(f"purge of {args.clients:,} clients: counts {planned:.2f} s; deleting {shown.clients:,} clients "
              f"and wiping {ran:.1f} s (file {home.db.stat().st_size / 1e6:.0f} MB after VACUUM)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
