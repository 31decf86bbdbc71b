"""Printing today's pending letters: one printer question, one job, progress to 100%, cancel, a live UI.

These use the real (threaded) TaskRunner: the render runs in the background while the event loop keeps
turning, and a 50 ms timer proves the event loop turns while the letters are made and printed. How long
the UI may pause is a speed figure, measured in tools/bench_batch.py (`make bench`), not here.
"""

from __future__ import annotations

import gc
import io

from pypdf import PdfReader
from PySide6.QtCore import QTimer

import ui.kit.printing
from clinic import models as m
from tests.fixtures.batch import LETTERS, _dialog
from tests.fixtures.referrals import audit_actions, make_referral


def test_batch_prints_every_pending_letter_with_the_ui_answering(qtbot, batch, ref_home,
                                                                 ref_template, tmp_path, monkeypatch):
    """20 letters: one printer question, one PDF job with every page, progress 100%, each printed and kept;
    nothing written to the temp folder."""
    ctx, asked, out = batch
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    states: list[str] = []
    frozen: list[int] = []  # the heap that existed before the batch is kept out of the collector's walks
    dialog = _dialog(qtbot, ctx)
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: (states.append(dialog.state), frozen.append(gc.get_freeze_count())))
    timer.start()
    assert dialog.start()
    assert dialog.state != "done"  # start() returns at once: the work happens in later turns
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=120_000)
    timer.stop()
    assert len(asked) == 1
    assert dialog.printed == LETTERS and dialog.failed == 0
    assert dialog.progress.value() == dialog.progress.maximum() == LETTERS
    assert dialog.summary.text() == f"Printed {LETTERS} of {LETTERS}."
    pages = len(PdfReader(out).pages)
    letters = [ctx.v.referrals.letter_pdf(r.id) for r in ctx.v.referrals.list()]
    assert len(letters) == LETTERS
    assert pages == sum(len(PdfReader(io.BytesIO(pdf)).pages) for pdf in letters)
    # The event loop turned while the letters were being printed: the work is never one blocking call.
    assert "printing" in states, states
    assert max(frozen) > 0 and gc.get_freeze_count() == 0  # and given back when the batch ends
    assert list(scratch.iterdir()) == [] and list(out.parent.iterdir()) == [out]
    ctx.vault.lock()
    assert audit_actions(ref_home, ref_template).count("letter.print") == LETTERS


def test_cancel_stops_at_the_next_letter(qtbot, batch, ref_home, ref_template):
    """Cancel while printing: the letter in hand is finished, nothing after it; the summary says so."""
    ctx, _asked, out = batch
    dialog = _dialog(qtbot, ctx)
    progress = []

    def watch(value):
        progress.append(value)
        if dialog.state == "printing" and dialog.printed >= 3:
            dialog.cancel()

    dialog.progress.valueChanged.connect(watch)
    assert dialog.start()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=120_000)
    assert 3 <= dialog.printed < LETTERS
    assert dialog.summary.text() == f"Printed {dialog.printed} of {LETTERS}; cancelled."
    assert gc.get_freeze_count() == 0
    printed = dialog.printed
    stored = [r for r in ctx.v.referrals.list() if r.letters]
    assert len(stored) == printed  # letters are kept as sent: the unsent ones were not stored
    assert out.exists() and len(PdfReader(out).pages) >= printed
    ctx.vault.lock()
    assert audit_actions(ref_home, ref_template).count("letter.print") == printed


def test_cancel_while_rendering_prints_nothing(qtbot, batch, ref_home, ref_template):
    """Cancel during the background render: it stops early; nothing is printed, kept or recorded."""
    ctx, _asked, out = batch
    dialog = _dialog(qtbot, ctx)
    seen = []

    def watch(value):
        if dialog.state == "rendering" and value >= 1 and not dialog.cancelled:
            seen.append(value)
            dialog.cancel()

    dialog.progress.valueChanged.connect(watch)
    assert dialog.start()
    qtbot.waitUntil(lambda: dialog.state == "done", timeout=60_000)
    assert seen and dialog.printed == 0 and not out.exists()
    assert dialog.summary.text() == f"Printed 0 of {LETTERS}; cancelled."
    assert gc.get_freeze_count() == 0
    assert all(r.letters == 0 for r in ctx.v.referrals.list())
    ctx.vault.lock()
    assert "letter.print" not in audit_actions(ref_home, ref_template)


def test_sealed_letters_wait_for_an_attorney_and_cancelled_printer_starts_nothing(
        qtbot, open_ctx, ref_template, runner, monkeypatch):
    """A coordinator's batch skips an attorney's sealed letter (said in the summary); no printer, no batch."""
    attorney = open_ctx("attorney")
    make_referral(attorney, ref_template.clients[0][0], ref_template.legal_id, {"identity", "sealed"},
                  need=m.Need.IMMIGRATION)
    attorney.vault.lock()
    ctx = open_ctx("coordinator", runner=runner)
    monkeypatch.setattr(ui.kit.printing, "ask_printer", lambda parent: None)
    dialog = _dialog(qtbot, ctx)
    assert not dialog.start()
    assert "sealed details and needs an attorney" in dialog.summary.text()
    make_referral(ctx, ref_template.clients[1][0], ref_template.food_id, {"identity"})
    dialog = _dialog(qtbot, ctx)
    assert not dialog.start()  # the printer question was cancelled
    assert dialog.state == "idle" and not dialog.isVisible() and gc.get_freeze_count() == 0


def test_lock_mid_batch_stops_and_forgets(qtbot, batch):
    """Locking during the batch stops it at once and closes the dialog; nothing more reaches the vault."""
    ctx, _asked, _out = batch
    dialog = _dialog(qtbot, ctx)
    assert dialog.start()
    qtbot.waitUntil(lambda: dialog.state == "printing" and dialog.printed >= 1, timeout=60_000)
    vault, ctx.vault = ctx.vault, None
    ctx.signals.locked.emit()
    vault.lock()
    assert dialog.state == "done" and not dialog.isVisible()
    assert dialog._letters == [] and dialog.summary.text() == "" and gc.get_freeze_count() == 0
