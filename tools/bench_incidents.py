"""Speed of incident reports: p95 of saving one with 50,000 in the vault, and the monthly public report.

    .ci/with-keyring .venv/bin/python tools/bench_incidents.py [--incidents N]

Builds a throw-away vault (deleted at the end) with N synthetic incidents spread over a year, inserted in
one transaction through the repository (the bench measures single saves, not the bulk load), 70% of them
marked verified. Then times 200 saves through `vault.incidents.record` (each its own transaction, with
fsync) and the public report for one month: facts, suppression against the published history, PDF and CSV.
Targets (issue 11): save p95 <= 20 ms; monthly report <= 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import scratch_vault  # noqa: E402

from clinic.clock import now_iso  # noqa: E402
from clinic.incidents import model as im  # noqa: E402
from clinic.storage.db import transaction  # noqa: E402
from clinic.storage.repos.incidents import IncidentRepo  # noqa: E402

NEIGHBOURHOODS = [f"Barrio {i}" for i in range(1, 21)]


def synthetic(rng: random.Random, day0: dt.date) -> im.IncidentDraft:
    return im.validate(im.IncidentDraft(
        date=day0 + dt.timedelta(days=rng.randrange(365)), precision=rng.choice(list(im.Precision)),
        start_time="07:30", address="Calle sintética y Avenida 5", place_kind=rng.choice(list(im.PlaceKind)),
        neighbourhood=rng.choice(NEIGHBOURHOODS), activities=tuple(rng.sample(list(im.Activity), 2)),
        agents=rng.randrange(1, 12), faces_covered=rng.choice(list(im.Answer)),
        name_or_badge_visible=rng.choice(list(im.Answer)), warrant=rng.choice(list(im.Warrant)),
        markings=(rng.choice(list(im.Marking)),),
        vehicles=(im.Vehicle(make="Ford", colour="negro", marked=rng.choice(list(im.Answer))),),
        people=tuple(im.Person(detained=rng.random() < 0.3) for _ in range(rng.randrange(0, 4))),
        notes="Nota sintética de prueba " * 4), neighbourhoods=tuple(NEIGHBOURHOODS))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=50_000)
    args = parser.parse_args()
    with scratch_vault("clinic-bench-incidents-") as (home, vault):
        vault.incidents.set_neighbourhoods(NEIGHBOURHOODS)
        rng = random.Random(1)
        day0 = dt.date(2025, 12, 1)
        t0 = time.perf_counter()
        repo = IncidentRepo(vault.conn)
        with transaction(vault.conn):
            for _ in range(args.incidents):
                repo.insert(synthetic(rng, day0), by=vault.user.id, at=now_iso())
            vault.conn.execute("UPDATE incidents SET status = 'verified' WHERE id % 10 < 7")
        print(f"loaded {args.incidents:,} incidents in {time.perf_counter() - t0:.1f} s")
        times = []
        for i in range(201):
            d = synthetic(rng, day0)
            if i % 2:
                d = im.IncidentDraft(**{**{f: getattr(d, f) for f in im.FIELD_POLICY},
                                        "reporter_name": "Sintética", "reporter_phone": "+1 555 0100"})
            t = time.perf_counter()
            vault.incidents.record(d)
            times.append(time.perf_counter() - t)
        times = times[1:]
        p50 = statistics.median(times) * 1000
        p95 = statistics.quantiles(times, n=20)[-1] * 1000
        print(f"save one incident ({vault.incidents._repo().count():,} in vault): p50 {p50:.1f} ms, "
              f"p95 {p95:.1f} ms (target 20 ms) {'ok' if p95 <= 20 else 'MISSED'}")
        for label, start, end in (("monthly report", dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
                                  ("next month, checked against the first", dt.date(2026, 6, 1),
                                   dt.date(2026, 6, 30))):
            t = time.perf_counter()
            report = vault.public_reports.publish(start, end)
            pdf = vault.public_reports.pdf(report)
            csv = vault.public_reports.csv(report)
            took = time.perf_counter() - t
            hidden = sum(c.value is None for c in report.cells)
            print(f"{label} (publish + PDF {len(pdf) // 1024} KB + CSV {len(csv)} B, {hidden} of "
                  f"{len(report.cells)} cells hidden): {took:.2f} s (target 5 s) {'ok' if took <= 5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
