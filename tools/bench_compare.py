"""Set `make bench`'s figures beside the committed baseline and flag what got worse by more than 10%.

    python tools/bench_compare.py [bench/latest.json] [--baseline bench/baseline.json] [--record]

What is compared: for each core operation, the ratio of the app's median to the raw sqlcipher3 median of
the same SQL measured in the same run (`app/raw p50`, warm, and cold when both files have it); the p95
ratios are shown beside, in brackets, not flagged. Noise, measured: two runs of unchanged code (open,
first page, 1-3 letters) on the shared 2-core machine at load 4-5 moved p95 ratios by up to 2x and median
ratios by up to 1.6x, so there a WORSE is a prompt to re-run both sides back to back, not a verdict; on
a quiet machine the 10% line is meaningful. A busy machine
slows both sides of a ratio alike, so ratios survive the load of a shared machine where absolute
milliseconds do not (both files' load averages are printed). A median ratio more than 10% above the
baseline's says WORSE. Rows without a raw column (unlock, memory) are shown as absolute figures: memory is flagged
(it does not depend on the load); unlock is shown for information. `--record` copies the figures over
the baseline (do it on main, with a note of the load, when a change is meant to move the floor).
Exit status 1 when anything is WORSE, so a script can notice; `make bench` itself does not fail.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1.10


def _ratio(row: dict, app: str, raw: str) -> float | None:
    return row[app] / row[raw] if row.get(app) and row.get(raw) else None


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v * 1000:.1f} ms"


def compare(latest: dict, base: dict) -> tuple[list[tuple[str, ...]], int]:
    rows, worse = [], 0
    for key, now in latest["rows"].items():
        then = base["rows"].get(key)
        if then is None:
            rows.append((key, "p95", _ms(now.get("p95")), "—", "—", "new"))
            continue
        if key == "memory":
            ratio = now["rss_mb"] / then["rss_mb"]
            verdict = "WORSE" if ratio > TOLERANCE else "ok"
            rows.append((key, "RSS", f"{now['rss_mb']:.0f} MB", f"{then['rss_mb']:.0f} MB", f"{ratio:.2f}", verdict))
            worse += verdict == "WORSE"
            continue
        compared = False
        for label, app, raw in (("app/raw p50", "p50", "raw_p50"), ("app/raw p95", "p95", "raw_p95"),
                                ("cold app/raw p50", "cold_p50", "raw_cold_p50"),
                                ("cold app/raw p95", "cold_p95", "raw_cold_p95")):
            r_now, r_then = _ratio(now, app, raw), _ratio(then, app, raw)
            if r_now is None or r_then is None:
                continue
            compared = True
            change = r_now / r_then
            flagged = "p50" in label  # p95 of a few dozen calls on a shared machine swings by half: shown only
            verdict = ("WORSE" if change > TOLERANCE else "better" if change < 1 / TOLERANCE else "ok") \
                if flagged else ("(worse)" if change > TOLERANCE else "(ok)")
            worse += verdict == "WORSE"
            rows.append((key, label, f"{r_now:.2f}x ({_ms(now[app])} / {_ms(now[raw])})",
                         f"{r_then:.2f}x ({_ms(then[app])} / {_ms(then[raw])})", f"{change:.2f}", verdict))
        if not compared:
            rows.append((key, "p95 (absolute)", _ms(now.get("p95")), _ms(then.get("p95")),
                         f"{now['p95'] / then['p95']:.2f}" if then.get("p95") else "—", "info"))
    return rows, worse


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("latest", nargs="?", default=str(ROOT / "bench" / "latest.json"))
    ap.add_argument("--baseline", default=str(ROOT / "bench" / "baseline.json"))
    ap.add_argument("--record", action="store_true", help="make these figures the baseline")
    args = ap.parse_args()
    latest = json.loads(Path(args.latest).read_text())
    if args.record:
        shutil.copyfile(args.latest, args.baseline)
        print(f"baseline recorded: {args.baseline}")
        return 0
    base = json.loads(Path(args.baseline).read_text())
    if latest.get("clients") != base.get("clients"):
        print(f"note: {latest.get('clients'):,} clients against a baseline of {base.get('clients'):,}")
    print(f"latest: load average {latest.get('load_average')}; baseline: load average {base.get('load_average')}"
          f" ({base.get('note', 'no note')})")
    rows, worse = compare(latest, base)
    head = ("operation", "figure", "latest", "baseline", "latest/baseline", "verdict")
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    print(" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(f"\n{worse} figure(s) worse than the baseline by more than {TOLERANCE - 1:.0%}.")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
