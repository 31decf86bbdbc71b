"""Conflict-check speed and accuracy: p95 of one check at 10,000 and 100,000 clients, recall and FPR.

    .ci/with-keyring .venv/bin/python tools/bench_conflicts.py [--sizes 10000,100000] [--checks 200]

Builds a throw-away encrypted vault per size (synthetic people from clinic.demo.synthetic, recorded through
`vault.intakes.record_many`; every other intake names one adverse party and a household member, so
100,000 clients come with about 100,000 parties), then times `vault.conflicts.check_names` (retrieval by the
indexed key table, scoring, and the audited write) for names taken from the vault with variations
(accents dropped, order swapped, a typo) and for new names. Prints p50/p95 against the 100 ms target, then
the matcher's recall and false-positive rate over tests/core/conflict_pairs.py. 1,000,000 clients can be
asked for with --sizes, but building it takes a long while.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.conflict_pairs import DIFFERENT, SAME  # noqa: E402

from clinic import models as m  # noqa: E402
from clinic.conflicts import matcher  # noqa: E402
from clinic.conflicts.parties import PartyDraft, PartyKind  # noqa: E402
from clinic.demo.synthetic import drafts  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.vault import Vault  # noqa: E402

TARGET_MS = 100
LANDLORDS = ["Inmobiliaria {w} S.A.", "{w} Property Management LLC", "Rentas {w} Inc.", "{w} Apartments Co."]
WORDS = ["del Valle", "Sunrise", "Oakwood", "Golden State", "Pacífico", "Los Pinos", "Westside", "Aurora"]


def _with_parties(d: m.IntakeDraft, i: int, rng: random.Random) -> m.IntakeDraft:
    if i % 2:
        return d
    landlord = rng.choice(LANDLORDS).format(w=rng.choice(WORDS)) + f" {i % 997}"
    return dataclasses.replace(
        d, adverse_parties=(PartyDraft(PartyKind.ADVERSE, landlord, "landlord", None, True),),
        household_members=(PartyDraft(PartyKind.HOUSEHOLD, f"{d.given_names.split()[0]}ito {d.family_name_1}",
                                      "child"),))


def _variant(d: m.IntakeDraft, rng: random.Random) -> str:
    name = f"{d.family_name_1} {d.family_name_2}, {d.given_names}".strip()
    kind = rng.randrange(3)
    if kind == 0:
        return matcher.fold(name)
    if kind == 1 and len(d.family_name_1) > 5:
        f = d.family_name_1
        return f"{d.given_names} {f[:2]}{f[3]}{f[2]}{f[4:]}"
    return f"{d.given_names} {d.family_name_1}"


def bench(size: int, checks: int) -> tuple[float, float, float]:
    rng = random.Random(size)
    folder = Path(tempfile.mkdtemp(prefix="clinic-bench-conflicts-"))
    try:
        home = Home(folder / "home")
        vault, _recovery = Vault.init(home, clinic_name="Bench (synthetic)", admin_name="Bench Admin",
                                      passphrase="bench passphrase (synthetic data only)", language="en")
        t0 = time.perf_counter()
        sample: list[m.IntakeDraft] = []
        batch: list[m.IntakeDraft] = []
        for i, d in enumerate(drafts(size, seed=7)):
            batch.append(_with_parties(d, i, rng))
            if rng.random() < checks / size:
                sample.append(d)
            if len(batch) == 2000:
                vault.intakes.record_many(batch, is_demo=True)
                batch = []
        if batch:
            vault.intakes.record_many(batch, is_demo=True)
        build = time.perf_counter() - t0
        names = [_variant(d, rng) for d in sample][:checks]
        names += [f"{g} {f}" for g, f in zip(["Zacarías", "Eulalia", "Teodoro", "Filomena"] * 50,
                                             ["Uribe Quiroz", "Anaya", "Bustos Ledesma", "Olmedo"] * 50,
                                             strict=True)][: max(10, checks // 4)]
        rng.shuffle(names)
        vault.conflicts.check_names([(names[0], None, False)])  # warm-up
        times, found = [], 0
        for name in names:
            t = time.perf_counter()
            check = vault.conflicts.check_names([(name, None, False)])
            times.append((time.perf_counter() - t) * 1000)
            found += check.possible_conflict
        vault.lock()
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"  {size:>9,} clients: built in {build:.0f} s; {len(times)} checks p50 "
              f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms (target {TARGET_MS} ms) "
              f"{'ok' if p95 <= TARGET_MS else 'MISSED'}; {found} flagged")
        return statistics.median(times), p95, build
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def accuracy() -> None:
    def parse(t: str):
        return (matcher.org_name(t[4:]), t[4:]) if t.startswith("org:") else (matcher.person_name(t), t)

    def hit(a: str, b: str) -> bool:
        (na, ta), (nb, tb) = parse(a), parse(b)
        return matcher.compare(na, nb, a_text=ta, b_text=tb) is not None

    recall = sum(hit(a, b) + hit(b, a) for a, b, _k in SAME) / (2 * len(SAME))
    fpr = sum(hit(a, b) + hit(b, a) for a, b in DIFFERENT) / (2 * len(DIFFERENT))
    print(f"  matcher: recall {recall:.1%} over {2 * len(SAME)} directed same-person pairs, "
          f"false-positive rate {fpr:.1%} over {2 * len(DIFFERENT)} different-people pairs")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--checks", type=int, default=200)
    args = ap.parse_args()
    print("conflict check (tools/bench_conflicts.py)")
    for size in (int(s) for s in args.sizes.split(",")):
        bench(size, args.checks)
    accuracy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
