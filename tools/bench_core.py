"""The core table of `make bench`: the vault's speed targets on synthetic clients (tools/bench.py runs it).

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

Cold figures: after the warm rows, the reads again with the database files dropped from the page cache
before each call (`drop_cache`: /proc/sys/vm/drop_caches when writable, else posix_fadvise(DONTNEED) on
clinic.db, -wal and -shm, which drops this file's pages only) and the connection reopened, so SQLite's own
cache is empty too. The header says which method ran.
"""

from __future__ import annotations

import gc
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import benchlib as lib
import sqlcipher3

from clinic import models as m
from clinic.crypto.primitives import SecretBytes
from clinic.home import Home
from clinic.storage import migrate as schema
from clinic.storage.db import PRAGMAS, connect
from clinic.vault import Vault

ADMIN, PASSPHRASE, MB, UI_SEARCH_LIMIT = lib.ADMIN, lib.PASSPHRASE, lib.MB, lib.UI_SEARCH_LIMIT
timed, timed_each, pct, fmt_time = lib.timed, lib.timed_each, lib.pct, lib.fmt_time

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


# ----- workloads ---------------------------------------------------------------------------------------

def inputs(vault: Vault, sample: list[m.IntakeDraft], saves: list[m.IntakeDraft], *, quick: bool) -> dict:
    """What each workload is fed; the same for the vault and its plaintext copy."""
    rng = random.Random(3)
    scale = 4 if quick else 1
    return {
        "saves": saves,
        "queries": lib.queries(sample, 200 // scale, rng),
        "prefixes": lib.prefixes(sample, 200 // scale, rng),
        "phones": lib.phone_texts(sample, 200 // scale, rng),
        "typed": lib.typing(sample, 24 // scale, rng),
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


# ----- the table ---------------------------------------------------------------------------------------

def _bare_open(path: Path, key) -> None:
    """The floor of opening: key, check the cipher, read the schema; no pragmas."""
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def table(results: dict, raw: dict, plain: dict, memory: dict | None, clients: int,
          cold: dict | None = None, raw_cold: dict | None = None) -> str:
    cold, raw_cold = cold or {}, raw_cold or {}
    head = ("operation", "p50", "p95", "target", "raw p95", "app/raw", "plain p95", "cipher/plain", "ok?",
            "cold p95", "raw cold p95", "cold app/raw")
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
                     ratio(p95, raw95), fmt_time(plain95), ratio(p95, plain95), verdict,
                     *_cold_cells(cold.get(key), raw_cold.get(key))))
    if memory:
        rss = memory["VmRSS"] / MB
        rows.append((f"memory: the app (main window), {clients:,} clients open", f"{rss:.0f} MB",
                     f"peak {memory['VmHWM'] / MB:.0f} MB", "< 300 MB", "—", "—", "—", "—",
                     "ok" if rss < 300 else "MISSED", "—", "—", "—"))
    return lib.render(head, rows)


def _cold_cells(cold: list[float] | None, raw_cold: list[float] | None) -> tuple[str, str, str]:
    if not cold:
        return "—", "—", "—"
    c95, r95 = pct(cold, 95), pct(raw_cold, 95) if raw_cold else None
    return fmt_time(c95), fmt_time(r95), f"{c95 / r95:.2f}x" if r95 else "—"


def figures(results: dict, raw: dict, plain: dict, cold: dict, raw_cold: dict, memory: dict | None) -> dict:
    """The table as numbers, for bench/latest.json and tools/bench_compare.py."""
    out: dict = {}
    for key, _label, _target in ROWS:
        if not results.get(key):
            continue
        row = {"p50": pct(results[key], 50), "p95": pct(results[key], 95), "n": len(results[key])}
        for name, source in (("raw", raw), ("plain", plain), ("cold", cold), ("raw_cold", raw_cold)):
            if source.get(key):
                row[name + "_p95"] = pct(source[key], 95)
                row[name + "_p50"] = pct(source[key], 50)
        out[key] = row
    if memory:
        out["memory"] = {"rss_mb": memory["VmRSS"] / MB, "peak_mb": memory["VmHWM"] / MB}
    return out


# ----- cold cache ---------------------------------------------------------------------------------------

COLD_KEYS = ("search_prefix", "search", "search_phone", "page", "page_next", "lookup", "duplicates",
             "client_file")
COLD_CALLS = 12


def drop_cache(db: Path) -> str:
    """Evict the database's pages from the OS page cache; returns the method used.

    posix_fadvise(DONTNEED) on clinic.db, -wal and -shm (after fsync: dirty pages are not dropped). It
    touches only these files, so the other processes on a shared machine keep their cache; checked with
    `fincore` that the pages do go (see docs in the module docstring). /proc/sys/vm/drop_caches would drop
    every process's cache at every call."""
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(db) + suffix)
        if not path.exists():
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return "posix_fadvise(DONTNEED) on clinic.db, -wal, -shm"


def measure_cold(vault: Vault, home: Home, inp: dict) -> tuple[dict, dict]:
    """The first COLD_CALLS inputs of each read again, each on a fresh connection (SQLite's cache empty)
    with the files dropped from the page cache first: the app's call, then the same SQL replayed raw."""
    cold: dict[str, list[float]] = {}
    raw_cold: dict[str, list[float]] = {}
    for key in COLD_KEYS:
        _fn, items, _warmup = workloads(vault, inp)[key]
        items = items[:COLD_CALLS]
        statements = recorded_sql(vault.conn, _fn, items)
        fn_of = lambda v, k=key: workloads(v, inp)[k][0]  # noqa: E731
        cold[key], raw_cold[key] = [], []
        for item, sql in zip(items, statements, strict=True):
            conn = connect(home.db, vault.data_key)
            try:
                facade = plain_vault(vault, conn, home.db)
                drop_cache(home.db)
                t = time.perf_counter()
                fn_of(facade)(item)
                cold[key].append(time.perf_counter() - t)
            finally:
                conn.close()
            conn = connect(home.db, vault.data_key)
            try:
                drop_cache(home.db)
                t = time.perf_counter()
                replay(conn, sql)
                raw_cold[key].append(time.perf_counter() - t)
            finally:
                conn.close()
    return cold, raw_cold


# ----- the run ------------------------------------------------------------------------------------------

def run(clients: int, *, rebuild: bool = False, quick: bool = False, cold_cache: bool = True) -> tuple[str, dict]:
    """(the table with its header, the figures as numbers)."""
    import platform

    with lib.cached_copy(clients, "clinic-bench-run-", rebuild=rebuild) as (home, meta, built):
        db_mb = home.db.stat().st_size / MB
        vault = lib.unlock(home)  # warm-up: imports, page cache
        data_key = SecretBytes(bytes(vault.data_key))  # a copy: lock wipes the vault's own (synthetic vault)
        plain_path = home.path.parent / "plain" / "clinic-plain.db"
        plain_path.parent.mkdir(mode=0o700)
        t = time.perf_counter()
        export_plain(home, data_key, plain_path)
        export_s = time.perf_counter() - t
        vault.lock()

        results: dict[str, list[float]] = {}
        raw: dict[str, list[float]] = {}
        plain: dict[str, list[float]] = {}
        cold: dict[str, list[float]] = {}
        raw_cold: dict[str, list[float]] = {}
        cold_how = "not measured"
        results["unlock"] = timed(lambda: lib.unlock(home).lock(), 3 if quick else 7, warmup=0)
        results["open"] = timed(lambda: connect(home.db, data_key).close(), 50)
        raw["open"] = timed(lambda: _bare_open(home.db, data_key), 50)
        plain["open"] = timed(lambda: connect_plain(plain_path).close(), 50)

        sample = list(lib.drafts(min(5_000, meta["clients"]), seed=lib.BUILD_SEED))  # people in the vault
        saves = list(lib.drafts(50 if quick else 200, seed=lib.SAVE_SEED))
        vault = lib.unlock(home)
        pconn = connect_plain(plain_path)
        rconn = connect(home.db, data_key)
        rconn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, body TEXT)")
        try:
            inp = inputs(vault, sample, saves, quick=quick)
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
            if cold_cache:
                cold, raw_cold = measure_cold(vault, home, inp)
                cold_how = drop_cache(home.db)
        finally:
            rconn.close()
            pconn.close()
            vault.lock()

        probe = subprocess.run([sys.executable, str(lib.ROOT / "tools" / "bench_memory.py"), str(home.path)],
                               capture_output=True, text=True, timeout=120)
        memory = json.loads(probe.stdout) if probe.returncode == 0 else None
        if memory is None:
            print(f"memory probe failed: {probe.stderr.strip()[-500:]}", file=sys.stderr)

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    how = "built now" if built else f"reused from {meta['cached']} (built {meta['built_at']})"
    lines = [f"Clinic Intake benchmark: {meta['clients']:,} synthetic clients and intakes, "
             f"{db_mb:.0f} MB encrypted database",
             f"machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
             f"sqlcipher3 with SQLite {sqlcipher3.sqlite_version} for all three columns; {lib.load_line()}",
             f"vault build: {meta['build_seconds']:.1f} s for {meta['clients']:,} clients "
             f"(record_many, batches of {lib.BATCH:,}); {how}; plaintext export {export_s:.1f} s",
             f"cold columns: {cold_how}, fresh connection per call",
             "",
             table(results, raw, plain, memory, meta["clients"], cold, raw_cold),
             "\napp/raw = the app's p95 / the same SQL replayed on a bare encrypted connection (a save: one "
             "fsynced row);\ncipher/plain = the app's p95 / the same facade on a plaintext copy, same library, "
             "pragmas and cache. Targets apply to p95."]
    numbers = {"clients": meta["clients"], "load_average": os.getloadavg(), "schema": schema.LATEST,
               "rows": figures(results, raw, plain, cold, raw_cold, memory)}
    return "\n".join(lines), numbers
