"""`make bench`: the speed targets of the vault and desktop issues, on 100,000 synthetic clients, as a table.

    .ci/with-keyring .venv/bin/python tools/bench.py [--clients N] [--rebuild] [--quick] [--core-only]

What it does
  1. Builds (or reuses) an encrypted vault of N synthetic clients, one intake each, recorded through the
     facade (`vault.intakes.record_many`, batches of 2,000), from `clinic.demo.synthetic.drafts(seed=1)`.
  2. Copies it to a scratch folder (the saves below must not grow the cache) and exports a plaintext
     copy with `ATTACH ... KEY ''` + `sqlcipher_export` for the plaintext comparison. This is the
     only place a plaintext copy is ever made, and only because the data are synthetic; the scratch
     folder is deleted at the end.
  3. Times each operation three ways and prints
     operation | p50 | p95 | target | raw p95 | app/raw | plain p95 | cipher/plain | ok?
     - app: the facade (`vault.clients.search(...)`) on the encrypted vault, as the UI calls it;
     - raw: the very SQL statements the app ran for that input (recorded with the connection's trace
       callback, literals expanded) replayed on a bare encrypted connection from `connect()`, rows
       fetched and dropped: the floor for that work with encryption, and what the facade adds above it.
       For a save the floor is one row inserted in its own fsynced transaction (synchronous=FULL);
     - plain: the same facade over the plaintext copy opened with the same library (sqlcipher3, so the
       same SQLite build) and the same pragmas and 64 MiB cache (clinic.storage.db.PRAGMAS), no key:
       cipher/plain is the cost of encryption and nothing else.
     Missed targets say MISSED; exit 0 anyway.
  4. Measures memory in a fresh process (unlock, first page, searches), then runs tools/bench_ui.py and
     tools/bench_letters.py when they exist and appends their output.

The cached vault and the keyring (measured, then chosen)
  Building 100,000 clients takes about 30 s on the 2-core reference machine (~140 MB database), so
  rebuilding every run would be affordable, but reruns while tuning should be quick. The vault is cached
  in /tmp/clinic-bench-v<schema version>-<hash of the migrations, generator version and size>, so any
  schema or generator change builds a fresh one (`--rebuild` forces it). `.ci/with-keyring` gives every
  run a throw-away keyring, which loses the vault's device secret; so the cache keeps the device secret
  in bench.json (mode 0600) beside the vault and puts it back into the run's keyring before unlocking.
  This is acceptable only for a benchmark vault of synthetic people with a published passphrase; a real
  vault's device secret lives in the OS keyring and nowhere else.

Figures are wall-clock (time.perf_counter) with the page cache warm, as on a laptop in use; the first
call of each kind is a warm-up and not counted. Saves wait for the disk (synchronous=FULL: one WAL sync
per intake), so they depend on the disk more than the rest: a laptop's SSD may differ from this VM's.
Searches are fed what a person types into the box: 1-3 letter prefixes, surnames, and phone digits
(grouped as typed, or run together), with the UI's limits (200 rows for the client list, 20 for the
lookup, 5 duplicates). Not measured here: cold-cache figures (dropping the page cache needs root on
the host), and the intake form's whole save with its refresh (tools/bench_ui.py times the UI).
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlcipher3  # noqa: E402

from clinic import models as m  # noqa: E402
from clinic.demo.synthetic import GENERATOR_VERSION, drafts, fold  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.keys import device  # noqa: E402
from clinic.storage import migrate as schema  # noqa: E402 - the schema moved to migrate.py
from clinic.storage.db import PRAGMAS, connect  # noqa: E402
from clinic.vault import Vault  # noqa: E402

CLIENTS = 100_000
BATCH = 2_000
BUILD_CACHE_KIB = 1024 * 1024  # 1 GiB page cache while building (see build())
BUILD_SEED = 1
SAVE_SEED = 2
ADMIN = "Bench Admin"
PASSPHRASE = "bench admin passphrase (synthetic data only)"
MB = 1024 * 1024

# The UI's limits (ui.clients.page.SEARCH_LIMIT; lookup and possible_duplicates' defaults).
UI_SEARCH_LIMIT = 200

# (operation key, label, target in seconds or MB)
ROWS = (
    ("unlock", "unlock incl. Argon2id (Vault.unlock)", 1.5),
    ("open", "open database with the key (connect)", 0.050),
    ("save", "save one intake (record, synchronous=FULL)", 0.020),
    ("search_prefix", "search box: 1-3 letters typed (limit 200)", 0.050),
    ("search", "search box: surnames and full names (limit 200)", 0.050),
    ("search_phone", "search box: phone digits (limit 200)", 0.050),
    ("page", "client list, first page of 200", 0.200),
    ("page_next", "client list, a later page of 200", 0.200),
    ("lookup", "search-as-you-type (clients.lookup)", 0.050),
    ("duplicates", "duplicate hint while typing (possible_duplicates)", 0.050),
    ("client_file", "open a client's file (clients.get)", None),
    ("cases_open", "case list: open cases", None),
    ("cases_hearings", "case list: hearings within 14 days", None),
)


# ----- the cached vault ---------------------------------------------------------------------------------

def cache_dir(clients: int) -> Path:
    digest = hashlib.sha256(("\n".join(schema.MIGRATIONS) + f"|g{GENERATOR_VERSION}|n{clients}")
                            .encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"clinic-bench-v{schema.LATEST}-{digest}"


def build(target: Path, clients: int) -> dict:
    """Build the vault into a sibling folder, then rename it into place (a half-built one is never used)."""
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".building-", dir=target.parent))
    try:
        home = Home(staging / "home")
        t0 = time.perf_counter()
        vault, _recovery = Vault.init(home, clinic_name="Benchmark (synthetic)", admin_name=ADMIN,
                                      passphrase=PASSPHRASE, language="en")
        secret = base64.b64encode(bytes(device.load(vault.vault_id))).decode()
        # The build's own connection gets a page cache that holds the indexes' working set: with the app's
        # 64 MiB, past ~300k clients every random-keyed index insert (ref, sort key, the search and
        # conflict-key indexes) misses the cache and re-reads (and decrypts) pages, which made the build
        # super-linear (1M: 644 s against 244 s for 500k). Synthetic vault only; the app keeps its cache.
        vault.conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        batch: list[m.IntakeDraft] = []
        done = 0
        per_batch: list[float] = []
        last = t0
        for draft in drafts(clients, seed=BUILD_SEED):
            batch.append(draft)
            if len(batch) == BATCH or done + len(batch) == clients:
                vault.intakes.record_many(batch, is_demo=True)
                done += len(batch)
                batch = []
                now = time.perf_counter()
                per_batch.append(now - last)
                last = now
                print(f"\r  building: {done:,}/{clients:,} clients, {time.perf_counter() - t0:.0f} s",
                      end="", file=sys.stderr, flush=True)
        vault.lock()
        seconds = time.perf_counter() - t0
        print(file=sys.stderr)
        meta = {"vault_id": vault.vault_id, "device_secret": secret, "clients": clients,
                "build_seconds": round(seconds, 1), "built_at": time.strftime("%Y-%m-%d %H:%M"),
                "generator": GENERATOR_VERSION, "schema": schema.LATEST,
                "batch_seconds": _growth(per_batch)}
        meta_path = staging / "bench.json"
        meta_path.touch(mode=0o600)
        meta_path.write_text(json.dumps(meta))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        return meta
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _growth(per_batch: list[float]) -> dict[str, float]:
    """Seconds per batch of BATCH clients in the first, middle and last tenth of the build: equal when the
    build is linear."""
    tenth = max(1, len(per_batch) // 10)
    mid = len(per_batch) // 2
    return {"first": round(statistics.mean(per_batch[:tenth]), 3),
            "middle": round(statistics.mean(per_batch[mid:mid + tenth]), 3),
            "last": round(statistics.mean(per_batch[-tenth:]), 3)}


def load_or_build(clients: int, rebuild: bool) -> tuple[Path, dict, bool]:
    target = cache_dir(clients)
    meta_path = target / "bench.json"
    if not rebuild and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("clients") == clients and meta.get("generator") == GENERATOR_VERSION:
                return target, meta, False
        except ValueError:
            pass
    return target, build(target, clients), True


def restore_device_secret(meta: dict) -> None:
    """Put the cached vault's device secret into this run's throw-away keyring (synthetic vault only)."""
    import keyring

    keyring.set_password(device.SERVICE, meta["vault_id"], meta["device_secret"])


def export_plain(home: Home, data_key, dest: Path) -> None:
    """A plaintext copy for the comparison. Synthetic data only: never do this to a real vault."""
    conn = connect(home.db, data_key)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(dest),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute(f"PRAGMA plain.user_version = {schema.version(conn)}")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


def connect_plain(path: Path):
    """The plaintext copy through the same library and SQLite build as the app (sqlcipher3 without a
    key reads plain SQLite files), with clinic.storage.db.PRAGMAS: only the encryption differs."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, timeout=10)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}").fetchone()
    return conn


# ----- workloads ----------------------------------------------------------------------------------------

def timed(fn: Callable[[], object], n: int, *, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def timed_each(fn: Callable[[object], object], items: list, *, warmup: int = 1) -> list[float]:
    for item in items[:warmup]:
        fn(item)
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def queries(sample: list[m.IntakeDraft], n: int, rng: random.Random) -> list[str]:
    """Surnames, given names and full names as typed into the search box, no accents."""
    out = []
    for _ in range(n):
        d = rng.choice(sample)
        kind = rng.random()
        if kind < 0.35:
            out.append(fold(d.family_name_1).split()[-1])
        elif kind < 0.55:
            out.append(fold(d.given_names).split()[0])
        elif kind < 0.8:
            out.append(fold(f"{d.given_names} {d.family_name_1}"))
        else:
            out.append(fold(m.display_name(d.given_names, d.family_name_1, d.family_name_2)))
    return out


def prefixes(sample: list[m.IntakeDraft], n: int, rng: random.Random) -> list[str]:
    """The first one, two or three letters of a family or given name: the first keystrokes."""
    out = []
    for _ in range(n):
        d = rng.choice(sample)
        word = fold(d.family_name_1 if rng.random() < 0.6 else d.given_names).split()[0]
        out.append(word[:rng.randint(1, 3)])
    return out


def phone_texts(sample: list[m.IntakeDraft], n: int, rng: random.Random) -> list[str]:
    """Phone numbers as typed: the exchange alone, grouped, run together, a local number, a prefix."""
    with_phone = [d for d in sample if d.phones]
    out = []
    for _ in range(n):
        digits = "".join(ch for ch in rng.choice(with_phone).phones[0].number if ch.isdigit())[-10:]
        local = digits[-7:]
        out.append(rng.choice([local[:3], f"{local[:3]} {local[3:]}", local, digits[:6],
                               f"{digits[:3]} {digits[3:6]} {digits[6:8]}", local[:5]]))
    return out


def typing(sample: list[m.IntakeDraft], names: int, rng: random.Random) -> list[str]:
    """Successive prefixes (from 2 letters) of "given family" as a person types them."""
    out = []
    for d in rng.sample(sample, names):
        text = fold(f"{d.given_names.split()[0]} {d.family_name_1}")
        out += [text[:i] for i in range(2, len(text) + 1) if not text[:i].endswith(" ")]
    return out


def inputs(vault: Vault, sample: list[m.IntakeDraft], saves: list[m.IntakeDraft], *, quick: bool) -> dict:
    """What each workload is fed; the same for the vault and its plaintext copy."""
    rng = random.Random(3)
    scale = 4 if quick else 1
    return {
        "saves": saves,
        "queries": queries(sample, 200 // scale, rng),
        "prefixes": prefixes(sample, 200 // scale, rng),
        "phones": phone_texts(sample, 200 // scale, rng),
        "typed": typing(sample, 24 // scale, rng),
        "later_pages": [vault.clients.page(None, 200)[-1][1], _key_at(vault, 0.5)] * (15 // scale),
        "ids": [row.id for row, _key in vault.clients.page(None, 200)][::4],
        "people": [(d.given_names, d.family_name_1, d.family_name_2, d.date_of_birth)
                   for d in rng.sample(sample, 60 // scale)],
        "repeat": [None] * (20 // scale),
    }


def workloads(vault: Vault, inp: dict) -> dict[str, tuple[Callable[[object], object], list, int]]:
    """operation key -> (call with one input, inputs, warm-up calls)."""
    clients, cases = vault.clients, vault.cases
    return {
        "save": (lambda d: vault.intakes.record(d, is_demo=True), inp["saves"], 0),
        "search_prefix": (lambda q: clients.search(q, limit=UI_SEARCH_LIMIT), inp["prefixes"], 1),
        "search": (lambda q: clients.search(q, limit=UI_SEARCH_LIMIT), inp["queries"], 1),
        "search_phone": (lambda q: clients.search(q, limit=UI_SEARCH_LIMIT), inp["phones"], 1),
        "page": (lambda _: clients.page(None, 200), inp["repeat"] * 2, 1),
        "page_next": (lambda k: clients.page(k, 200), inp["later_pages"], 1),
        "lookup": (lambda q: clients.lookup(q), inp["typed"], 1),
        "duplicates": (lambda a: clients.possible_duplicates(
            given_names=a[0], family_name_1=a[1], family_name_2=a[2], date_of_birth=a[3]), inp["people"], 1),
        "client_file": (lambda i: clients.get(i), inp["ids"], 1),
        "cases_open": (lambda _: cases.list(m.CaseFilter(status=m.CaseStatus.OPEN)), inp["repeat"], 1),
        "cases_hearings": (lambda _: cases.list(m.CaseFilter(hearing_within_days=14)), inp["repeat"], 1),
    }


def _key_at(vault: Vault, fraction: float) -> tuple[str, int]:
    row = vault.conn.execute("SELECT sort_key, id FROM clients ORDER BY sort_key, id LIMIT 1 OFFSET "
                             "(SELECT CAST(count(*) * ? AS INTEGER) FROM clients)", (fraction,)).fetchone()
    return row[0], row[1]


def plain_vault(vault: Vault, conn, path: Path) -> Vault:
    """The same facade over a keyless connection to the plaintext copy (benchmark only)."""
    return Vault(home=Home(path.parent), conn=conn, keyfile=vault.keyfile, keys=vault.keys,
                 data_key=vault.data_key, user=vault.user)


def recorded_sql(conn, fn: Callable[[object], object], items: list) -> list[list[str]]:
    """The statements `fn(item)` runs on `conn`, per item, with their parameters written in."""
    out: list[list[str]] = []
    for item in items:
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        try:
            fn(item)
        finally:
            conn.set_trace_callback(None)
        out.append(statements)
    return out


def replay(conn, statements: list[str]) -> None:
    for sql in statements:
        conn.execute(sql).fetchall()


def one_fsynced_row(conn) -> None:
    """The physical floor of a save: one small row, its own transaction, synced (synchronous=FULL)."""
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO bench_floor (body) VALUES (?)", (os.urandom(512).hex(),))
    conn.execute("COMMIT")


def memory_probe(home: str) -> None:
    """Run in a fresh process: the desktop app's main window (offscreen) unlocked on the vault, the client
    list's first page, searches typed into its box, a client's file opened; print RSS figures as JSON."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.context import AppContext
    from ui.kit.tasks import ImmediateTaskRunner
    from ui.main_window import MainWindow

    app = QApplication([])
    ctx = AppContext(home=Home(Path(home)), runner=ImmediateTaskRunner())
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    window.enter(Vault.unlock(ctx.home, ADMIN, PASSPHRASE))
    window.show_page("clients")
    page = window.pages["clients"]
    for _ in range(20):
        app.processEvents()
    for q in ("garcia", "maria hernandez", "lop", "rodrig", "jose luis"):
        page.search.setText(q)
        page.refresh()
        app.processEvents()
    first = ctx.vault.clients.page(None, 1)[0][0]
    ctx.signals.open_client.emit(first.id)
    for _ in range(20):
        app.processEvents()
    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    print(json.dumps({k: int(fields[k].split()[0]) * 1024 for k in ("VmRSS", "VmHWM")}))
    window.lock()


# ----- the table ---------------------------------------------------------------------------------------

def _bare_open(path: Path, key) -> None:
    """The floor of opening: key, check the cipher, read the schema; no pragmas."""
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def fmt_time(s: float | None) -> str:
    if s is None:
        return "—"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.01:
        return f"{s * 1000:.0f} ms"
    return f"{s * 1000:.2f} ms"


def table(results: dict, raw: dict, plain: dict, memory: dict | None, clients: int) -> str:
    head = ("operation", "p50", "p95", "target", "raw p95", "app/raw", "plain p95", "cipher/plain", "ok?")
    rows = []

    def ratio(a: float, b: float | None) -> str:
        return f"{a / b:.2f}x" if b else "—"

    for key, label, target in ROWS:
        values = results.get(key)
        if not values:
            continue
        p50, p95 = pct(values, 50), pct(values, 95)
        raw95 = pct(raw[key], 95) if raw.get(key) else None
        plain95 = pct(plain[key], 95) if plain.get(key) else None
        verdict = "info" if target is None else ("ok" if p95 <= target else "MISSED")
        tgt = "—" if target is None else ("≤ " + fmt_time(target))
        rows.append((f"{label} [n={len(values)}]", fmt_time(p50), fmt_time(p95), tgt, fmt_time(raw95),
                     ratio(p95, raw95), fmt_time(plain95), ratio(p95, plain95), verdict))
    if memory:
        rss = memory["VmRSS"] / MB
        rows.append((f"memory: the app (main window), {clients:,} clients open", f"{rss:.0f} MB",
                     f"peak {memory['VmHWM'] / MB:.0f} MB", "< 300 MB", "—", "—", "—", "—",
                     "ok" if rss < 300 else "MISSED"))
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def run_companion(script: str, timeout: int) -> None:
    path = ROOT / "tools" / script
    if not path.exists():
        print(f"\n({script}: not present, skipped)")
        return
    print(f"\n== {script} ==", flush=True)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    try:
        proc = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, timeout=timeout,
                              capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        print(f"{script}: timed out after {timeout} s")
        return
    print(proc.stdout.rstrip())
    if proc.returncode:
        print(f"{script}: exit {proc.returncode}\n{proc.stderr.strip()[-2000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=CLIENTS)
    ap.add_argument("--rebuild", action="store_true", help="build the cached vault again")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke test)")
    ap.add_argument("--core-only", action="store_true", help="skip bench_ui, bench_letters, bench_batch")
    ap.add_argument("--build-only", action="store_true", help="build (or find) the cached vault and stop")
    ap.add_argument("--memory-probe", metavar="HOME", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_probe:
        memory_probe(args.memory_probe)
        return 0

    started = time.perf_counter()
    cached, meta, built = load_or_build(args.clients, args.rebuild)
    if args.build_only:
        print(f"{cached}: {meta['clients']:,} clients, built in {meta['build_seconds']:.0f} s; seconds per "
              f"batch of {BATCH:,} (first, middle, last tenth): {meta.get('batch_seconds')}")
        return 0
    restore_device_secret(meta)
    scratch = Path(tempfile.mkdtemp(prefix="clinic-bench-run-"))
    try:
        home = Home(scratch / "home")
        shutil.copytree(cached / "home", home.path)
        db_mb = home.db.stat().st_size / MB

        vault = Vault.unlock(home, ADMIN, PASSPHRASE)  # warm-up: imports, page cache
        data_key = vault.data_key
        plain_path = scratch / "plain" / "clinic-plain.db"
        plain_path.parent.mkdir(mode=0o700)
        t = time.perf_counter()
        export_plain(home, data_key, plain_path)
        export_s = time.perf_counter() - t
        vault.lock()

        results: dict[str, list[float]] = {}
        raw: dict[str, list[float]] = {}
        plain: dict[str, list[float]] = {}
        unlocks = 3 if args.quick else 7

        def unlock_once():
            Vault.unlock(home, ADMIN, PASSPHRASE).lock()

        results["unlock"] = timed(unlock_once, unlocks, warmup=0)
        results["open"] = timed(lambda: connect(home.db, data_key).close(), 50)
        raw["open"] = timed(lambda: _bare_open(home.db, data_key), 50)
        plain["open"] = timed(lambda: connect_plain(plain_path).close(), 50)

        sample = list(drafts(min(5_000, meta["clients"]), seed=BUILD_SEED))  # people in the vault
        saves = list(drafts(50 if args.quick else 200, seed=SAVE_SEED))
        vault = Vault.unlock(home, ADMIN, PASSPHRASE)
        pconn = connect_plain(plain_path)
        rconn = connect(home.db, data_key)
        rconn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, body TEXT)")
        try:
            inp = inputs(vault, sample, saves, quick=args.quick)
            ours, theirs = workloads(vault, inp), workloads(plain_vault(vault, pconn, plain_path), inp)
            for key, (fn, items, warmup) in ours.items():  # each operation three ways, back to back
                gc.collect()
                results[key] = timed_each(fn, items, warmup=warmup)
                gc.collect()
                if key == "save":
                    raw[key] = timed(lambda: one_fsynced_row(rconn), len(items))
                else:
                    statements = recorded_sql(vault.conn, fn, items)
                    raw[key] = timed_each(lambda sql: replay(rconn, sql), statements, warmup=warmup)
                fn, items, warmup = theirs[key]
                gc.collect()
                plain[key] = timed_each(fn, items, warmup=warmup)
        finally:
            rconn.close()
            pconn.close()
            vault.lock()

        probe = subprocess.run([sys.executable, __file__, "--memory-probe", str(home.path)],
                               capture_output=True, text=True, timeout=120)
        memory = json.loads(probe.stdout) if probe.returncode == 0 else None
        if memory is None:
            print(f"memory probe failed: {probe.stderr.strip()[-500:]}", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    print(f"Clinic Intake benchmark: {meta['clients']:,} synthetic clients and intakes, "
          f"{db_mb:.0f} MB encrypted database")
    print(f"machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
          f"sqlcipher3 with SQLite {sqlcipher3.sqlite_version} for all three columns")
    how = "built now" if built else f"reused from {cached} (built {meta['built_at']})"
    print(f"vault build: {meta['build_seconds']:.1f} s for {meta['clients']:,} clients "
          f"(record_many, batches of {BATCH:,}); {how}; plaintext export {export_s:.1f} s")
    print()
    print(table(results, raw, plain, memory, meta["clients"]))
    print("\napp/raw = the app's p95 / the same SQL replayed on a bare encrypted connection (a save: one "
          "fsynced row);\ncipher/plain = the app's p95 / the same facade on a plaintext copy, same library, "
          "pragmas and cache. Targets apply to p95.")

    if not args.core_only:
        run_companion("bench_ui.py", timeout=300)
        run_companion("bench_letters.py", timeout=600)
        run_companion("bench_batch.py", timeout=900)
        run_companion("bench_incidents.py", timeout=900)
        run_companion("bench_rotation.py", timeout=900)
        run_companion("bench_purge.py", timeout=900)
        run_companion("bench_crash.py", timeout=600)
        run_companion("bench_conflicts.py", timeout=1800)
        run_companion("bench_session.py", timeout=900)
        run_companion("bench_backup.py", timeout=1800)
    print(f"\nbench finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
