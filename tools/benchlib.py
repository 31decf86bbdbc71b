"""What every tools/bench_*.py shares: the cached synthetic vault, scratch folders, timing and tables.

The cached vault (measured, then chosen)
  `load_or_build(N)` builds (once) an encrypted vault of N synthetic clients, one intake each, recorded
  through the facade (`vault.intakes.record_many`, batches of BATCH), from
  `clinic.demo.synthetic.drafts(seed=1)`. It is cached in $CLINIC_BENCH_CACHE (default: the temp folder)
  as clinic-bench-v<schema version>-<hash of the migrations, generator version and size>, so any schema or
  generator change builds a fresh one. `.ci/with-keyring` gives every run a throw-away keyring, which loses
  the vault's device secret; so the cache keeps the device secret in bench.json (mode 0600) beside the
  vault and `restore_device_secret` puts it back into the run's keyring before unlocking. Acceptable only
  for a benchmark vault of synthetic people with a published passphrase.

Why the build was slower than linear, and what keeps it linear
  Profiled (cProfile, then per-batch seconds over the whole build): the Python work per client is
  constant (validate, seal, conflict keys, audit digest: ~0.7 ms), but every client also inserts into
  random-keyed B-trees: clients(sort_key), clients(date_of_birth), conflict_keys(key) (about ten keys a
  client), and the case queue indexes (keyed by dates). Once those indexes outgrow the page cache (the
  app's 64 MiB holds ~300k clients' worth), each insert reads and decrypts pages it just evicted: the
  cost per client grows with the vault (1M: 644 s against 244 s for 500k). So the build (a) gives its own
  connection a 1 GiB page cache, and (b) drops those random-keyed secondary indexes first and re-creates
  them, from their own stored SQL, after the last batch (one sort each). Indexes the build itself reads
  (phones, phone digits and conflict keys by client, cases and intakes by client) stay. The vault the
  bench then opens has exactly the schema the migrations made (checked: the index SQL is the same).
  Measured (2026-12-03, 2 shared cores): 10k 0.70 s, 100k 0.90 s, 1M 1.22 s per 1,000 clients over the
  whole build, the load average between 1 and 6 meanwhile; in the 1M build the middle and last tenths
  cost the same (1.64 and 1.62 s a batch of 2,000, the last at load ~1: 0.81 s per 1,000, as cheap as
  10k), and re-creating the seven indexes took 26 s. Before: 100k took 547 s, its last tenth 2x its first.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from clinic import models as m  # noqa: E402
from clinic.demo.synthetic import GENERATOR_VERSION, drafts, fold  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.keys import device  # noqa: E402
from clinic.storage import migrate as schema  # noqa: E402
from clinic.vault import Vault  # noqa: E402

CLIENTS = 100_000
BATCH = 2_000
BUILD_CACHE_KIB = 1024 * 1024  # 1 GiB page cache while building
BUILD_SEED = 1
SAVE_SEED = 2
ADMIN = "Bench Admin"
PASSPHRASE = "bench admin passphrase (synthetic data only)"
MB = 1024 * 1024
UI_SEARCH_LIMIT = 200  # ui.clients.page.SEARCH_LIMIT

# Secondary indexes whose keys arrive in random order during a build (see the module docstring).
DEFERRED_INDEXES = ("clients_sort", "clients_dob", "conflict_keys_key", "cases_status", "cases_queue",
                    "cases_queue_all", "cases_next_date")


# ----- scratch folders and fresh vaults -------------------------------------------------------------------

@contextlib.contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A private temporary folder, deleted afterwards whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def new_vault(home: Home, *, clinic_name: str = "Bench", language: str = "en"):
    """(vault, recovery key): a fresh vault with the bench admin."""
    return Vault.init(home, clinic_name=clinic_name, admin_name=ADMIN, passphrase=PASSPHRASE, language=language)


@contextlib.contextmanager
def scratch_vault(prefix: str) -> Iterator[tuple[Home, Vault]]:
    """(home, vault): a fresh vault in a private temporary folder; afterwards the vault is locked, its device
    secret deleted from the keyring and the folder removed, whatever happens."""
    with scratch(prefix) as folder:
        home = Home(folder / "home")
        vault, _recovery = new_vault(home)
        try:
            yield home, vault
        finally:
            vault_id = vault.vault_id
            vault.lock()
            device.delete(vault_id)


# ----- the cached vault -----------------------------------------------------------------------------------

def cache_root() -> Path:
    return Path(os.environ.get("CLINIC_BENCH_CACHE") or tempfile.gettempdir())


def cache_dir(clients: int) -> Path:
    digest = hashlib.sha256(("\n".join(schema.MIGRATIONS) + f"|g{GENERATOR_VERSION}|n{clients}")
                            .encode()).hexdigest()[:10]
    return cache_root() / f"clinic-bench-v{schema.LATEST}-{digest}"


@contextlib.contextmanager
def deferred_indexes(conn, names: tuple[str, ...] = DEFERRED_INDEXES) -> Iterator[None]:
    """Drop the named indexes for the block, then re-create them from their own stored SQL."""
    marks = ",".join("?" * len(names))
    query = f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})"  # noqa: S608
    stored = list(conn.execute(query, names))
    for name, _sql in stored:
        conn.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for _name, sql in stored:
            conn.execute(sql)


def build(target: Path, clients: int, *, log: Callable[[str], None] | None = None) -> dict:
    """Build the vault into a sibling folder, then rename it into place (a half-built one is never used)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=target.name + ".building-", dir=target.parent))
    try:
        home = Home(staging / "home")
        t0 = time.perf_counter()
        vault, _recovery = new_vault(home, clinic_name="Benchmark (synthetic)")
        secret = base64.b64encode(bytes(device.load(vault.vault_id))).decode()
        vault.conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        per_batch: list[float] = []
        batch: list[m.IntakeDraft] = []
        done = 0
        last = t0
        with deferred_indexes(vault.conn):
            for draft in drafts(clients, seed=BUILD_SEED):
                batch.append(draft)
                if len(batch) == BATCH or done + len(batch) == clients:
                    vault.intakes.record_many(batch, is_demo=True)
                    done += len(batch)
                    batch = []
                    now = time.perf_counter()
                    per_batch.append(now - last)
                    last = now
                    line = f"building: {done:,}/{clients:,} clients, {now - t0:.0f} s"
                    if log:
                        log(line)
                    print(f"\r  {line}", end="", file=sys.stderr, flush=True)
            t_index = time.perf_counter()
        index_seconds = time.perf_counter() - t_index
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        vault.lock()
        seconds = time.perf_counter() - t0
        print(file=sys.stderr)
        meta = {"vault_id": vault.vault_id, "device_secret": secret, "clients": clients,
                "build_seconds": round(seconds, 1), "built_at": time.strftime("%Y-%m-%d %H:%M"),
                "generator": GENERATOR_VERSION, "schema": schema.LATEST,
                "index_seconds": round(index_seconds, 1), "batch_seconds": growth(per_batch),
                "load_average": os.getloadavg()}
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


def growth(per_batch: list[float]) -> dict[str, float]:
    """Seconds per batch of BATCH clients in the first, middle and last tenth of the build: equal when the
    build is linear."""
    tenth = max(1, len(per_batch) // 10)
    mid = len(per_batch) // 2
    return {"first": round(statistics.mean(per_batch[:tenth]), 3),
            "middle": round(statistics.mean(per_batch[mid:mid + tenth]), 3),
            "last": round(statistics.mean(per_batch[-tenth:]), 3)}


def load_or_build(clients: int, rebuild: bool = False) -> tuple[Path, dict, bool]:
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


@contextlib.contextmanager
def cached_copy(clients: int, prefix: str, *, rebuild: bool = False) -> Iterator[tuple[Home, dict, bool]]:
    """(home, meta, built now?): a scratch copy of the cached vault (the run must not grow the cache), its
    device secret in this run's keyring; deleted afterwards."""
    cached, meta, built = load_or_build(clients, rebuild)
    restore_device_secret(meta)
    with scratch(prefix) as folder:
        home = Home(folder / "home")
        shutil.copytree(cached / "home", home.path)
        meta = {**meta, "cached": str(cached)}
        yield home, meta, built


def unlock(home: Home) -> Vault:
    return Vault.unlock(home, ADMIN, PASSPHRASE)


# ----- what a person types -------------------------------------------------------------------------------

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


# ----- timing and tables ----------------------------------------------------------------------------------

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


def render(head: tuple | list, rows: list) -> str:
    """A plain-text table, columns padded to their widest cell."""
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
