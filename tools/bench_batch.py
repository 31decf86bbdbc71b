"""Referral letters against the issue's speed targets: one letter, and today's 500-letter print batch.

    QT_QPA_PLATFORM=offscreen .ci/with-keyring .venv/bin/python tools/bench_batch.py [--letters 500]

What it does
  1. Builds a throw-away encrypted vault in a temp folder (deleted at the end): a coordinator, 200
     synthetic clients (`clinic.demo.synthetic.drafts`), a food bank and a legal partner, and N referrals made
     today through the facade, still pending (letters in each client's language, some in both).
  2. One letter: gathers `letter_request` for 60 referrals, then times `compose_letter + render_letter`
     (what the app runs in the background) per letter: p50/p95 against the 100 ms target. Beside it,
     reportlab alone rendering the same composed text, and the ratio between the two (the letters
     benchmark's `reportlab_alone` from tools/bench_letters.py when present, else a bare canvas).
  3. The batch: BatchPrintDialog, offscreen, with the real threaded TaskRunner and its worker processes,
     printing every pending letter into one PDF-format QPrinter (US Letter, 1200 dpi device), against the
     60 s target. The path measured is the page-image path, the one a native printer without a PDF queue
     (Windows) takes: pages rasterised at 300 dpi to 1-bit in the workers and painted band by band. A
     PDF-format QPrinter takes it too (Qt cannot paint a PDF page as vectors, and the app's print dialog
     never offers one: it stands in here for such a printer). A 20 ms QTimer runs throughout; the longest
     gap between its ticks is how long the UI could not answer input (target 50 ms). A shared machine
     stretches the gaps (the GUI thread waits for a core), so beside it is the GUI thread's own CPU between
     two ticks, what the gap would be on an idle machine. Beside the wall time: the CPU of the app's own
     process and of the workers, pages printed, peak RSS and the size of the printed PDF.
Figures are wall-clock (time.perf_counter); the first render is a warm-up and not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from clinic import models as m  # noqa: E402
from clinic.demo.synthetic import drafts  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.letters.disclosure import Group  # noqa: E402
from clinic.vault import Vault  # noqa: E402

RENDER_TARGET = 0.100
BATCH_TARGET = 60.0
GAP_TARGET = 0.050  # the UI's longest pause while printing (was a 0.5 s assertion in tests/ui/test_batch_print.py)
CLIENTS = 200


def build(home: Home, letters: int) -> Vault:
    """A vault with `letters` pending referrals made today by a coordinator."""
    admin, _key = Vault.init(home, clinic_name="Clínica Comunitaria del Valle", admin_name="Bench Admin",
                             passphrase="bench admin passphrase", clinic_address="200 Main St\nSpringfield")
    admin.staff.add("Bench Coordinator", m.Role.COORDINATOR, "bench coordinator passphrase")
    receipts = admin.intakes.record_many(list(drafts(CLIENTS, seed=11)))
    admin.settings.update(m.ClinicSettings(name="Clínica Comunitaria del Valle", address="200 Main St",
                                           phone="(555) 010-4000"))
    admin.lock()
    coord = Vault.unlock(home, "Bench Coordinator", "bench coordinator passphrase")
    food = coord.partners.add(m.PartnerDraft(name="Banco de Comida del Valle", services=("food_relief",),
                                             address="9 Harvest Rd\nSpringfield", phone="(555) 010-5000",
                                             disclosure=("identity", "contact", "household", "needs")))
    legal = coord.partners.add(m.PartnerDraft(
        name="Oficina Legal Popular", services=("legal_representation",), legal_representation=True,
        address="1 Court St\nSpringfield", disclosure=tuple(g.value for g in Group)))
    for i in range(letters):
        receipt = receipts[i % len(receipts)]
        client = coord.clients.get(receipt.client_id).client
        lang = client.language if client.language in ("es", "en") else "es"
        to_food = i % 2 == 0
        coord.referrals.create(m.ReferralDraft(
            client_id=receipt.client_id, partner_id=food.id if to_food else legal.id,
            need=m.Need.FOOD if to_food else m.Need.IMMIGRATION,
            groups=frozenset({"identity", "contact", "household"} if to_food
                             else {"identity", "contact", "needs", "case_summary"}),
            consent_date=dt.date.today(), consent_language=lang, consent_method="in_person",
            letter_language="both" if i % 10 == 0 else lang))
    return coord


def baseline():
    """(reportlab-alone renderer, its name): tools/bench_letters.py's when present, else a bare canvas."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from bench_letters import reportlab_alone as platypus_alone
    except ImportError:
        return canvas_alone, "bare canvas"
    return platypus_alone, "bench_letters.reportlab_alone"


def canvas_alone(content) -> bytes:
    """The same composed text on a bare reportlab canvas, same embedded font: no layout, no escaping."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from clinic.letters.render import SANS, _font_coverage

    _font_coverage()  # registers the fonts, as the real renderer does
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(612, 792), invariant=1)
    for version in content.versions:
        lines = [*version.letterhead, version.date, version.reference, *version.recipient, version.salutation,
                 *version.body, version.fields_heading,
                 *(f"{row.label}: {row.value}" for s in version.sections for row in s.rows),
                 *version.closing, *version.signature, version.footer]
        y = 740
        canvas.setFont(SANS, 10)
        for line in lines:
            for start in range(0, len(line), 95):
                if y < 60:
                    canvas.showPage()
                    canvas.setFont(SANS, 10)
                    y = 740
                canvas.drawString(60, y, line[start:start + 95])
                y -= 13.5
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_render(vault: Vault, samples: int = 60) -> dict:
    from clinic.letters.compose import compose_letter
    from ui.kit.preview import render_request

    reportlab_alone, name = baseline()
    ids = [r.id for r in vault.referrals.pending_today()][:samples]
    requests = [vault.referrals.letter_request(i) for i in ids]
    render_request(requests[0])  # warm-up: imports reportlab, registers the fonts
    reportlab_alone(compose_letter(requests[0]))
    ours, alone = [], []
    for req in requests:
        t = time.perf_counter()
        render_request(req)
        ours.append(time.perf_counter() - t)
        content = compose_letter(req)
        t = time.perf_counter()
        reportlab_alone(content)
        alone.append(time.perf_counter() - t)
    return {"p50": pct(ours, 0.5), "p95": pct(ours, 0.95), "alone_p50": pct(alone, 0.5),
            "alone_p95": pct(alone, 0.95), "n": len(ours), "baseline": name}


def bench_batch(vault: Vault, home: Home, out: Path, *, spooler: list[str] | None = None) -> dict:
    """Print every pending letter; with `spooler`, each PDF goes to that command as to a system queue."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    import ui.kit.printing
    import ui.kit.raster
    from ui.context import AppContext
    from ui.kit.tasks import TaskRunner
    from ui.referrals.batch import BatchPrintDialog

    app = QApplication.instance() or QApplication([])

    def printer_for(_parent):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        printer.setOutputFileName(str(out))
        return printer

    ui.kit.printing.ask_printer = printer_for  # the bench's "print dialog": a PDF printer, chosen once
    ui.kit.printing.spooler_command = (lambda _printer: spooler) if spooler else _paint_pages
    runner = TaskRunner()
    ctx = AppContext(home=home, runner=runner)
    ctx.vault = vault
    dialog = BatchPrintDialog(ctx)
    ticks: list[float] = []
    busy: list[float] = []  # the GUI thread's CPU between two ticks
    phases: dict[str, float] = {}
    worker_cpu: list[float] = []
    pool_close = ui.kit.raster.LetterPool.close

    def close_pool(pool) -> None:  # the workers' CPU, read before they are let go
        worker_cpu.append(_workers_cpu(pool))
        pool_close(pool)

    ui.kit.raster.LetterPool.close = close_pool
    ticker = QTimer()
    ticker.setInterval(20)

    states: list[str] = []  # the dialog's state at each tick: where the longest gap ended

    def tick() -> None:
        now = time.perf_counter()
        ticks.append(now)
        busy.append(time.thread_time())
        states.append(dialog.state)
        phases.setdefault(dialog.state, now)

    ticker.timeout.connect(tick)
    loop = QEventLoop()
    dialog.finished_batch.connect(lambda _summary: loop.quit())
    ticker.start()
    busy.append(time.thread_time())
    cpu0 = time.process_time()
    start = time.perf_counter()
    phases["gathering"] = start
    if dialog.start():
        loop.exec()
    end = time.perf_counter()
    cpu = time.process_time() - cpu0
    ticker.stop()
    runner.wait_idle()
    ui.kit.raster.LetterPool.close = pool_close
    gaps = [b - a for a, b in zip([start, *ticks], [*ticks, end], strict=True)]
    busy_gaps = [b - a for a, b in zip(busy, busy[1:], strict=False)] or [0.0]
    def ended(i: int) -> str:  # where gap i ended: the dialog's state then, seconds into the batch
        return f"{states[i] if i < len(states) else 'done'} +{[*ticks, end][i] - start:.2f} s"

    by_length = sorted(range(len(gaps)), key=gaps.__getitem__)
    worst_at = ended(by_length[-1])
    if os.environ.get("BENCH_GAPS"):
        for i in by_length[-8:]:
            print(f"gap {gaps[i] * 1000:.0f} ms ending in {ended(i)}", file=sys.stderr)
    marks = [phases.get(s, end) for s in ("gathering", "rendering", "printing")] + [end]
    result = {"total": end - start, "printed": dialog.printed, "of": dialog.total, "summary": dialog.summary.text(),
              "max_gap": max(gaps), "worst_at": worst_at, "p99_gap": pct(gaps, 0.99), "ticks": len(ticks),
              "gather": marks[1] - marks[0], "render": marks[2] - marks[1], "print": marks[3] - marks[2],
              "size": out.stat().st_size if out.exists() else 0, "cpu": cpu,
              "rss_peak": _peak_rss(), "busy_max": max(busy_gaps), "busy_p99": pct(busy_gaps, 0.99),
              "workers_cpu": sum(worker_cpu), "pages": _pages(out)}
    dialog.deleteLater()
    app.processEvents()
    return result


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _workers_cpu(pool) -> float:
    """CPU seconds (user + system) of the pool's live worker processes, from /proc; 0 where there is none."""
    total = 0.0
    for pid in list(getattr(pool._pool, "_processes", {}) or {}):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _pages(out: Path) -> int:
    if not out.exists():
        return 0
    from pypdf import PdfReader  # a test dependency, there wherever the bench runs

    return len(PdfReader(out).pages)


def _paint_pages(_printer) -> None:
    return None


def stand_in_lp(folder: Path) -> list[str]:
    """A command that reads a job from its stdin and drops it, standing in for CUPS's `lp` (no PDF queue
    can run here): what is timed is our side, render + keep in the vault + hand the PDF over a pipe."""
    script = folder / "lp"
    script.write_text("#!/bin/sh\ncat > /dev/null\n")
    script.chmod(0o755)
    return [str(script), "-d", "bench-queue", "-n", "1"]


def table(render: dict, batch: dict, letters: int, queued: dict | None = None) -> str:
    ms = lambda s: f"{s * 1000:.0f} ms"  # noqa: E731
    ratio = render["p50"] / render["alone_p50"] if render["alone_p50"] else float("nan")
    rows = [
        ("operation", "p50", "p95", "target", "reportlab alone p50", "ratio", "ok?"),
        (f"render one letter (compose + render, n={render['n']})", ms(render["p50"]), ms(render["p95"]),
         "<= 100 ms", ms(render["alone_p50"]), f"{ratio:.1f}x",
         "ok" if render["p95"] <= RENDER_TARGET else "MISSED"),
        (f"batch: {batch['printed']} of {batch['of']} letters printed", f"{batch['total']:.1f} s", "—",
         "<= 60 s", "—", "—", "ok" if batch["total"] <= BATCH_TARGET else "MISSED"),
        ("  gather on GUI thread (slices)", f"{batch['gather']:.2f} s", "—", "—", "—", "—", ""),
        ("  make the letters (worker processes)", f"{batch['render']:.2f} s", "—", "—", "—", "—", ""),
        ("  rasterise to 1 bit (workers) + store + paint bands", f"{batch['print']:.1f} s", "—", "—", "—",
         "—", f"{batch['pages']} pages"),
        ("UI: longest gap between 20 ms ticks", f"{batch['max_gap'] * 1000:.0f} ms",
         f"p99 {batch['p99_gap'] * 1000:.0f} ms", "<= 50 ms", "—", "—",
         ("ok" if batch["max_gap"] <= GAP_TARGET else "MISSED") + f" ({batch['ticks']} ticks; longest in {batch['worst_at']})"),
        ("  GUI thread's own CPU between two ticks", f"{batch['busy_max'] * 1000:.0f} ms",
         f"p99 {batch['busy_p99'] * 1000:.0f} ms", "<= 50 ms", "—", "—",
         "ok" if batch["busy_max"] <= GAP_TARGET else "MISSED"),
        ("  CPU of the app's process (workers apart)", f"{batch['cpu']:.1f} s", "—", "—", "—", "—", ""),
        ("  CPU of the worker processes", f"{batch['workers_cpu']:.1f} s", "—", "—", "—", "—",
         f"{raster_workers()} workers"),
        ("  app process peak RSS", f"{batch['rss_peak'] / 1e6:.0f} MB", "—", "flat", "—", "—", ""),
    ]
    if queued is not None:
        rows[2:2] = [
            (f"batch to a system queue (lp): {queued['printed']} of {queued['of']}", f"{queued['total']:.1f} s",
             "—", "<= 60 s", "—", "—", "ok" if queued["total"] <= BATCH_TARGET else "MISSED"),
            ("  UI: longest gap between 20 ms ticks", f"{queued['max_gap'] * 1000:.0f} ms",
             f"p99 {queued['p99_gap'] * 1000:.0f} ms", "<= 50 ms", "—", "—",
             ("ok" if queued["max_gap"] <= GAP_TARGET else "MISSED") + f" ({queued['ticks']} ticks)"),
        ]
        rows[4] = (f"batch to a PDF-format printer (pages painted): {batch['printed']} of {batch['of']}",
                   *rows[4][1:])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows[1:]]
    lines.append(f"reportlab alone: {render['baseline']}; printed PDF: {batch['size'] / 1e6:.0f} MB for "
                 f"{letters} letters; summary: {batch['summary']}; {_load_line()}")
    return "\n".join(lines)


def raster_workers() -> int:
    from ui.kit.raster import workers

    return workers()


def _load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--painted-only", action="store_true", help="skip the system-queue (lp) batch")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="clinic-bench-batch-"))
    try:
        home = Home(scratch / "home")
        t = time.perf_counter()
        vault = build(home, args.letters)
        print(f"vault with {args.letters} pending referrals built in {time.perf_counter() - t:.1f} s", flush=True)
        render = bench_render(vault)
        queued = None
        if not args.painted_only:
            queued = bench_batch(vault, home, scratch / "unused.pdf", spooler=stand_in_lp(scratch))
            vault.lock()
            home = Home(scratch / "home2")  # a letter printed once is no longer pending: a fresh set
            vault = build(home, args.letters)
        batch = bench_batch(vault, home, scratch / "printed.pdf")
        vault.lock()
        print(table(render, batch, args.letters, queued))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
