"""`make bench`: the speed targets of the vault and desktop issues, on 100,000 synthetic clients, as tables.

    .ci/with-keyring .venv/bin/python tools/bench.py [--clients N] [--rebuild] [--quick] [--core-only]
                                                     [--json PATH] [--no-cold]

One module a table: tools/bench_core.py (the core's operations, app vs raw sqlcipher3 vs plain SQLite,
warm and cold), then each companion in its own process: bench_ui, bench_letters, bench_batch,
bench_incidents, bench_rotation, bench_purge, bench_crash, bench_conflicts, bench_session, bench_backup.
What they share (the cached synthetic vault, scratch folders, timing, tables) is tools/benchlib.py.

The core figures are also written as JSON (default bench/latest.json, not committed);
`tools/bench_compare.py` sets them beside the committed baseline (bench/baseline.json) and flags any
ratio-to-raw worse by more than 10%.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import bench_core
import benchlib as lib

COMPANIONS = (("bench_ui.py", 300), ("bench_letters.py", 600), ("bench_batch.py", 900),
              ("bench_incidents.py", 900), ("bench_rotation.py", 900), ("bench_purge.py", 900),
              ("bench_crash.py", 600), ("bench_conflicts.py", 1800), ("bench_session.py", 900),
              ("bench_backup.py", 1800))


def run_companion(script: str, timeout: int) -> None:
    path = lib.ROOT / "tools" / script
    if not path.exists():
        print(f"\n({script}: not present, skipped)")
        return
    print(f"\n== {script} ==", flush=True)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    try:
        proc = subprocess.run([sys.executable, str(path)], cwd=lib.ROOT, env=env, timeout=timeout,
                              capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        print(f"{script}: timed out after {timeout} s")
        return
    print(proc.stdout.rstrip())
    if proc.returncode:
        print(f"{script}: exit {proc.returncode}\n{proc.stderr.strip()[-2000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=lib.CLIENTS)
    ap.add_argument("--rebuild", action="store_true", help="build the cached vault again")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke test)")
    ap.add_argument("--core-only", action="store_true", help="only the core table")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold-cache columns")
    ap.add_argument("--build-only", action="store_true", help="build (or find) the cached vault and stop")
    ap.add_argument("--json", default=str(lib.ROOT / "bench" / "latest.json"), help="where the figures go")
    args = ap.parse_args()

    started = time.perf_counter()
    if args.build_only:
        cached, meta, _built = lib.load_or_build(args.clients, args.rebuild)
        print(f"{cached}: {meta['clients']:,} clients, built in {meta['build_seconds']:.0f} s; seconds per "
              f"batch of {lib.BATCH:,} (first, middle, last tenth): {meta.get('batch_seconds')}")
        return 0
    text, numbers = bench_core.run(args.clients, rebuild=args.rebuild, quick=args.quick,
                                   cold_cache=not args.no_cold)
    print(text, flush=True)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(numbers, indent=1, sort_keys=True) + "\n")
    print(f"\n(figures written to {out}; compare: tools/bench_compare.py {out})")

    if not args.core_only:
        for script, timeout in COMPANIONS:
            run_companion(script, timeout)
    print(f"\nbench finished in {time.perf_counter() - started:.0f} s ({lib.load_line()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
