"""Printing to a system queue: the letter's PDF goes to `lp` through a pipe, exactly as stored.

CUPS cannot run a PDF queue on this machine (Debian has no cups-pdf here), so a small script named `lp`
stands in for the spooler: it keeps each job it is given and the arguments it was called with.
"""

from __future__ import annotations

import os
import stat
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrinter

import ui.kit.printing
from tests.fixtures.batch import LETTERS, _dialog
from tests.fixtures.referrals import audit_actions


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):
    """An `lp` on PATH that keeps each job (stdin) in a folder and logs its arguments."""
    bin_dir, jobs = tmp_path / "bin", tmp_path / "jobs"
    bin_dir.mkdir()
    jobs.mkdir()
    script = bin_dir / "lp"
    script.write_text('#!/bin/sh\nn=$(ls "$JOBS" | wc -l)\ncat > "$JOBS/job-$n.pdf"\n'
                      'echo "$@" >> "$JOBS/../lp-args"\necho "request id is desk-$n (1 file(s))"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("JOBS", str(jobs))
    return jobs, tmp_path / "lp-args"


class _SystemQueue:
    """What spooler_command reads of a QPrinter bound to a CUPS queue (no CUPS queue exists here)."""

    def __init__(self, name="Front-desk", copies=1, duplex=QPrinter.DuplexMode.DuplexNone,
                 fmt=QPrinter.OutputFormat.NativeFormat):
        self._name, self._copies, self._duplex, self._fmt = name, copies, duplex, fmt

    def outputFormat(self):
        return self._fmt

    def printerName(self):
        return self._name

    def copyCount(self):
        return self._copies

    def duplex(self):
        return self._duplex


def test_spooler_command_names_the_queue_copies_and_sides(fake_lp):
    """A system queue gets `lp -d QUEUE -n COPIES [-o sides=…]` and no job title."""
    command = ui.kit.printing.spooler_command(_SystemQueue(copies=2, duplex=QPrinter.DuplexMode.DuplexLongSide))
    assert command[1:] == ["-d", "Front-desk", "-n", "2", "-o", "sides=two-sided-long-edge"]
    assert os.path.basename(command[0]) == "lp" and "-t" not in command


def test_pdf_printers_and_machines_without_lp_paint_pages(fake_lp, monkeypatch):
    """A PDF-format printer, a nameless printer, or no `lp` at all: None (pages are painted instead)."""
    assert ui.kit.printing.spooler_command(_SystemQueue(fmt=QPrinter.OutputFormat.PdfFormat)) is None
    assert ui.kit.printing.spooler_command(_SystemQueue(name="")) is None
    monkeypatch.setenv("PATH", "/nonexistent")
    assert ui.kit.printing.spooler_command(_SystemQueue()) is None


def test_a_refused_job_is_a_sentence(tmp_path):
    """When the queue refuses the job, the person reads a sentence, not a traceback."""
    with pytest.raises(ui.kit.printing.UserError):
        ui.kit.printing.send_to_spooler(b"%PDF-1.4", ["/bin/false"])


def test_batch_hands_each_stored_letter_to_the_queue(qtbot, batch, fake_lp, monkeypatch, ref_home,
                                                     ref_template):
    """20 letters reach the queue byte for byte as kept in the vault, each audited, with the UI answering."""
    ctx, asked, out = batch
    jobs, args = fake_lp
    monkeypatch.setattr(ui.kit.printing, "spooler_command", lambda printer: ["lp", "-d", "Front-desk", "-n", "1"])
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    dialog = _dialog(qtbot, ctx)
    started = time.monotonic()
    assert dialog.start()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=120_000)
    timer.stop()
    assert dialog.printed == LETTERS and dialog.failed == 0
    sent = sorted(p.read_bytes() for p in jobs.iterdir())
    kept = sorted(ctx.v.referrals.letter_pdf(r.id) for r in ctx.v.referrals.list())
    assert sent == kept and len(sent) == LETTERS
    assert not out.exists()  # nothing was painted into the PDF printer's file
    assert args.read_text().splitlines() == ["-d Front-desk -n 1"] * LETTERS
    gaps = [b - a for a, b in zip([started, *ticks], ticks, strict=False)]
    assert max(gaps) < 0.5, max(gaps)
    ctx.vault.lock()
    assert audit_actions(ref_home, ref_template).count("letter.print") == LETTERS
