"""`make bench-curve` (also `make bench-scale`): how the core's operations grow, at 10k, 100k and 1M clients.

    .ci/with-keyring .venv/bin/python tools/bench_curve.py [--sizes 10000,100000,1000000] [--quick]

Each size is tools/benchlib.py's cached vault (built once, then reused; set CLINIC_BENCH_CACHE to keep it
out of the temp folder: 1M clients are ~1.5 GB), copied to a scratch folder and measured in its own
process, so the RSS row is that size's alone. At each size, p95 of: a save (record, with its conflict
check), the search box with one letter, two or three letters, the commonest surnames, a full name, phone
digits; the duplicate hint; the first page of the list; an on-demand conflict check; then one `verify`
(and the audit chain's check alone), one backup, and the process's peak RSS. Beside each figure, in
brackets, the raw floor: the same SQL replayed on a bare encrypted connection (a save: one fsynced row;
a backup: sqlcipher_export alone; verify: none). The last columns are the ratio between one size and the
one before: 10x the clients should cost well under 10x for every row but the build, verify and backup
(which read everything) -- and those should be 10x, not more.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import resource
import subprocess
import sys
import time

import bench_core as core
import benchlib as lib

from clinic.storage import audit, snapshot
from clinic.storage.db import connect

ROWS = ("build (s per 1,000 clients)", "save: intake committed", "save + its conflict check", "search: 1 letter",
        "search: 2-3 letters", "search: common surnames", "search: a full name", "search: phone digits",
        "duplicate hint", "first page of 200", "conflict check (on demand)",
        "verify (whole vault)", "verify --full", "verify: audit chain alone", "backup (make_backup)",
        "RSS, peak (MB)")
COLD = (("search_prefix", "search: 1-3 letters"), ("search", "search: surnames, full names"),
        ("search_phone", "search: phone digits"), ("duplicates", "duplicate hint"),
        ("page", "first page of 200"), ("client_file", "open a client's file"))


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))]


def with_raw(vault, rconn, fn, items) -> tuple[float, float]:
    """(app p95, raw p95 of the same SQL replayed on a bare encrypted connection)."""
    app = p95(lib.timed_each(fn, items))
    statements = core.recorded_sql(vault.conn, fn, items)
    return app, p95(lib.timed_each(lambda sql: core.replay(rconn, sql), statements))


def measure(size: int, quick: bool, *, cold: bool = True, full_verify: bool = True
            ) -> dict[str, tuple[float, float | None]]:
    from clinic.maintenance.backup import make_backup

    with lib.cached_copy(size, "clinic-bench-curve-") as (home, meta, _built):
        vault = lib.unlock(home)
        vault.conflicts.check_names([("Warm Up", None, False)])  # brings an older cached vault's index up to date
        rconn = connect(home.db, vault.data_key)
        rconn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, body TEXT)")
        rng = random.Random(5)
        sample = list(lib.drafts(min(5_000, size), seed=lib.BUILD_SEED))
        n = 30 if quick else 120
        out: dict[str, tuple[float, float | None]] = {
            "build (s per 1,000 clients)": (meta["build_seconds"] / size * 1000, None)}
        saves = list(lib.drafts(n, seed=lib.SAVE_SEED + 7))
        floor = p95(lib.timed(lambda: core.one_fsynced_row(rconn), n // 2))
        # the intake's own transaction (what a crash keeps), then the form's whole save with its check
        out["save: intake committed"] = (p95(lib.timed_each(
            lambda d: vault.intakes.record_many([d], is_demo=True), saves[::2], warmup=0)), floor)
        out["save + its conflict check"] = (
            p95(lib.timed_each(lambda d: vault.intakes.record(d, is_demo=True), saves[1::2], warmup=0)), floor)
        search = lambda q: vault.clients.search(q, limit=lib.UI_SEARCH_LIMIT)  # noqa: E731
        pre = lib.prefixes(sample, n * 2, rng)
        out["search: 1 letter"] = with_raw(vault, rconn, search, [p for p in pre if len(p) == 1][:n])
        out["search: 2-3 letters"] = with_raw(vault, rconn, search, [p for p in pre if len(p) > 1][:n])
        common = [w for w, _c in collections.Counter(
            lib.fold(d.family_name_1).split()[-1] for d in sample).most_common(10)]
        out["search: common surnames"] = with_raw(vault, rconn, search, common * (n // 10))
        full = [lib.fold(f"{d.given_names} {d.family_name_1} {d.family_name_2}") for d in rng.sample(sample, n)]
        out["search: a full name"] = with_raw(vault, rconn, search, full)
        out["search: phone digits"] = with_raw(vault, rconn, search, lib.phone_texts(sample, n, rng))
        people = [(d.given_names, d.family_name_1, d.family_name_2, d.date_of_birth) for d in rng.sample(sample, n // 2)]
        out["duplicate hint"] = with_raw(vault, rconn, lambda a: vault.clients.possible_duplicates(
            given_names=a[0], family_name_1=a[1], family_name_2=a[2], date_of_birth=a[3]), people)
        out["first page of 200"] = with_raw(vault, rconn, lambda _x: vault.clients.page(None, 200), [None] * 20)
        names = [f"{d.given_names} {d.family_name_1}" for d in rng.sample(sample, n // 2)]
        out["conflict check (on demand)"] = with_raw(
            vault, rconn, lambda s: vault.conflicts.check_names([(s, None, False)]), names)
        t = time.perf_counter()
        vault.verify()
        out["verify (whole vault)"] = (time.perf_counter() - t, None)
        if full_verify:
            t = time.perf_counter()
            vault.verify(full=True)
            out["verify --full"] = (time.perf_counter() - t, None)
        else:
            out["verify --full"] = (0.0, None)
        if cold:
            inp = core.inputs(vault, sample, [], quick=True)
            app_cold, raw_cold = core.measure_cold(vault, home, inp)
            for key, label in COLD:
                out[f"cold|{label}"] = (p95(app_cold[key]), p95(raw_cold[key]))
        rows = audit.count(vault.conn)
        t = time.perf_counter()
        audit.verify(rconn)
        chain = time.perf_counter() - t
        out["verify: audit chain alone"] = (chain, None)
        out["_audit_rows"] = (rows, None)
        folder = home.path.parent / "usb"
        folder.mkdir()
        t = time.perf_counter()
        snapshot.export(rconn, folder / "export.db", vault.data_key)
        with (folder / "export.db").open("rb") as f:
            os.fsync(f.fileno())
        export_s = time.perf_counter() - t
        (folder / "export.db").unlink()
        t = time.perf_counter()
        made = make_backup(vault, folder)
        out["backup (make_backup)"] = (time.perf_counter() - t, export_s)
        made.path.unlink()
        out["RSS, peak (MB)"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, None)
        out["_load"] = (os.getloadavg()[0], None)
        rconn.close()
        vault.lock()
        return out


def fmt(row: str, v: float) -> str:
    if row.startswith("RSS"):
        return f"{v:.0f} MB"
    if row.startswith("build"):
        return f"{v:.2f} s"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def cell(row: str, pair: tuple[float, float | None]) -> str:
    value, raw = pair
    return fmt(row, value) + (f" [raw {fmt(row, raw)}]" if raw is not None else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold-cache rows")
    ap.add_argument("--no-full-verify", action="store_true", help="skip verify --full (minutes at 1M)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.quick, cold=not args.no_cold, full_verify=not args.no_full_verify)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    for size in sizes:
        print(f"measuring {size:,} clients… ({lib.load_line()})", file=sys.stderr, flush=True)
        flags = [f for f, on in (("--quick", args.quick), ("--no-cold", args.no_cold),
                                 ("--no-full-verify", args.no_full_verify)) if on]
        proc = subprocess.run([sys.executable, __file__, "--one", str(size), *flags], capture_output=True, text=True)
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        results[size] = {k: tuple(v) for k, v in json.loads(proc.stdout.strip().splitlines()[-1]).items()}
    head = ["operation (p95) [raw floor]"] + [f"{s:,}" for s in sizes] + [
        f"{b // a}x clients" for a, b in zip(sizes, sizes[1:], strict=False)]
    body = []
    for row in ROWS:
        pairs = [results[s][row] for s in sizes]
        body.append([row] + [cell(row, p) for p in pairs]
                    + [f"{b[0] / a[0]:.2f}x" if a[0] else "—" for a, b in zip(pairs, pairs[1:], strict=False)])
    print(lib.render(head, body))
    ratios = [[row] + [f"{results[s][row][0] / results[s][row][1]:.2f}x" if results[s][row][1] else "—"
                       for s in sizes] for row in ROWS if results[sizes[0]][row][1] is not None]
    print("\napp/raw (p95 over the raw floor's p95; target 1.2x)")
    print(lib.render(["operation"] + [f"{s:,}" for s in sizes], ratios))
    if not args.no_cold:
        cold = [[label] + [cell("", results[s][f"cold|{label}"]) + f" {results[s][f'cold|{label}'][0] / results[s][f'cold|{label}'][1]:.2f}x"
                           for s in sizes] for _k, label in COLD]
        print(f"\ncold cache: p95 over {core.COLD_CALLS} calls, each on a fresh connection after "
              f"{core.drop_cache.__name__} (posix_fadvise DONTNEED on the vault's files) [raw] app/raw")
        print(lib.render(["operation"] + [f"{s:,}" for s in sizes], cold))
    print("audit rows: " + ", ".join(f"{s:,}: {int(results[s]['_audit_rows'][0]):,}" for s in sizes)
          + "; 1-minute load average at the end of each size: "
          + ", ".join(f"{results[s]['_load'][0]:.1f}" for s in sizes) + f" ({os.cpu_count()} cores)")
    print(f"(each size in its own process, warm page cache; p95 by rank over {30 if args.quick else 120} inputs "
          "a row; [raw] = the same SQL on a bare encrypted connection, a save's floor one fsynced row, a "
          "backup's sqlcipher_export alone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
