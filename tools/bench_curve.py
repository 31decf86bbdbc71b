"""`make bench-curve`: how the core's operations grow with the vault, at 10k, 100k and 1M clients.

    .ci/with-keyring .venv/bin/python tools/bench_curve.py [--sizes 10000,100000,1000000] [--quick]

Each size is tools/benchlib.py's cached vault (built once, then reused; 1,000,000 clients take a long while to
build: see `bench.py --build-only`), copied to a scratch folder. At each size, p95 of: a save (record, with
its conflict check), the search box with 1-3 letters, with names, with phone digits, the duplicate hint, the
first page of the list, an on-demand conflict check, then one `verify` and the process's RSS. The last
columns are the ratio between one size and the one before: 10x the clients should cost well under 10x
for every row but verify (which reads every audit row) and the build.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import benchlib as bench  # noqa: E402

from clinic.demo.synthetic import drafts  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.vault import Vault  # noqa: E402

ROWS = ("build (s per 1,000 clients)", "save (record + conflict check)", "search: 1-3 letters", "search: names",
        "search: phone digits", "duplicate hint", "first page of 200", "conflict check (on demand)",
        "verify (whole vault)", "RSS after the above (MB)")


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))]


def each(fn, items) -> list[float]:
    fn(items[0])
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def measure(size: int, quick: bool) -> dict[str, float]:
    cached, meta, _built = bench.load_or_build(size, False)
    bench.restore_device_secret(meta)
    scratch = Path(tempfile.mkdtemp(prefix="clinic-bench-curve-"))
    try:
        home = Home(scratch / "home")
        shutil.copytree(cached / "home", home.path)
        vault = Vault.unlock(home, bench.ADMIN, bench.PASSPHRASE)
        vault.conflicts.check_names([("Warm Up", None, False)])  # brings an older cached vault's index up to date
        rng = random.Random(5)
        sample = list(drafts(min(5_000, size), seed=bench.BUILD_SEED))
        n = 30 if quick else 120
        out = {"build (s per 1,000 clients)": meta["build_seconds"] / size * 1000}
        saves = list(drafts(n // 2, seed=bench.SAVE_SEED + 7))
        out["save (record + conflict check)"] = p95(each(lambda d: vault.intakes.record(d, is_demo=True), saves))
        search = lambda q: vault.clients.search(q, limit=bench.UI_SEARCH_LIMIT)  # noqa: E731
        out["search: 1-3 letters"] = p95(each(search, bench.prefixes(sample, n, rng)))
        out["search: names"] = p95(each(search, bench.queries(sample, n, rng)))
        out["search: phone digits"] = p95(each(search, bench.phone_texts(sample, n, rng)))
        people = [(d.given_names, d.family_name_1, d.family_name_2, d.date_of_birth) for d in rng.sample(sample, n // 2)]
        out["duplicate hint"] = p95(each(lambda a: vault.clients.possible_duplicates(
            given_names=a[0], family_name_1=a[1], family_name_2=a[2], date_of_birth=a[3]), people))
        out["first page of 200"] = p95(each(lambda _x: vault.clients.page(None, 200), [None] * 20))
        names = [f"{d.given_names} {d.family_name_1}" for d in rng.sample(sample, n // 2)]
        out["conflict check (on demand)"] = p95(each(lambda s: vault.conflicts.check_names([(s, None, False)]), names))
        t = time.perf_counter()
        vault.verify()
        out["verify (whole vault)"] = time.perf_counter() - t
        out["RSS after the above (MB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        vault.lock()
        return out
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def fmt(row: str, v: float) -> str:
    if row.endswith("(MB)"):
        return f"{v:.0f} MB"
    if row.startswith("build"):
        return f"{v:.2f} s"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for size in sizes:
        print(f"measuring {size:,} clients…", file=sys.stderr, flush=True)
        results[size] = measure(size, args.quick)
    head = ["operation (p95)"] + [f"{s:,}" for s in sizes] + [f"{b // a}x clients" for a, b in zip(sizes, sizes[1:], strict=False)]
    body = []
    for row in ROWS:
        vals = [results[s][row] for s in sizes]
        body.append([row] + [fmt(row, v) for v in vals]
                    + [f"{b / a:.2f}x" if a else "—" for a, b in zip(vals, vals[1:], strict=False)])
    widths = [max(len(r[i]) for r in (head, *body)) for i in range(len(head))]
    print(" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in body:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(f"(one process, warm page cache; RSS is the process's peak so far; p95 by rank over "
          f"{30 if args.quick else 120} inputs a row)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
