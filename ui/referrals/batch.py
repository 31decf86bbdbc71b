"""Print today's pending referral letters in one go, with progress and cancel, the UI answering throughout.

Three phases, none of which blocks the event loop: gather each letter's data on the GUI thread (the vault's
connection lives there) in slices of ~20 ms; make every letter in worker processes (ui.kit.raster: reportlab
holds the GIL, so a thread would still stall the GUI); then keep each letter in the vault and print it. A
system queue gets each letter's PDF; any other printer gets page images, rasterised in the workers a few
letters ahead and painted here a strip per event-loop turn (ui.kit.pagepaint). The batch is one print job;
nothing is written anywhere but the printer.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic.access import Can
from clinic.errors import UserError
from clinic.i18n import _
from ui.context import AppContext
from ui.kit import printing, raster
from ui.kit.errors import show_error
from ui.kit.ops import VaultOp
from ui.kit.pagepaint import AHEAD, PagePainter
from ui.referrals.letters import batch_summary

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.02  # GUI-thread work per event-loop turn while gathering
PAINT_SECONDS = 0.01  # GUI-thread painting per event-loop turn (a strip takes ~1 ms)
WAIT_MS = 5  # how often to look again while the next letter's images are not ready
IDLE, GATHERING, RENDERING, PRINTING, DONE = "idle", "gathering", "rendering", "printing", "done"


class BatchPrintDialog(QDialog):
    """`BatchPrintDialog(ctx, parent).start()`: asks for a printer once, then prints every pending letter of
    today as one job. Non-modal. `finished_batch` fires with the summary shown; `printed`/`total` count.
    """

    finished_batch = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("batchPrintDialog")
        self.state = IDLE
        self.printer: QPrinter | None = None
        self.total = self.printed = self.failed = self.needs_attorney = 0
        self.cancelled = False
        self._queue: list = []  # referrals to gather
        self._requests: list = []
        self._letters: list[tuple[int, bytes | None]] = []
        self._handle = None
        self._spooler: list[str] | None = None
        self._pool: raster.LetterPool | None = None  # makes the letters, then their page images
        self._painter: PagePainter | None = None  # printers that take page images
        self._froze_gc = False  # what existed before the batch is out of the collector's way (start)
        # One step per event-loop turn through a timer, not a posted event (QTimer.singleShot(0) posts one):
        # posted events are served before timers, so a chain of them would starve the app's own timers.
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._step = None
        self._turn.timeout.connect(lambda: self._step())
        self.phase = QLabel()
        self.phase.setObjectName("batchPhase")
        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.summary = QLabel()
        self.summary.setObjectName("batchSummary")
        self.summary.setWordWrap(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("batchCancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.accept)
        self.close_button.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.phase)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        ctx.signals.locked.connect(self._locked)
        self.resize(520, 180)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Print today's pending letters"))
        self.cancel_button.setText(_("Cancel"))
        self.close_button.setText(_("Close"))
        self._show_phase()

    @property
    def running(self) -> bool:
        return self.state in (GATHERING, RENDERING, PRINTING)

    # ----- start ------------------------------------------------------------------------------------

    def start(self) -> bool:
        """Find today's pending letters, ask for a printer once, and begin. False when nothing starts."""
        op = VaultOp(self.ctx, self.parentWidget() or self, lambda v: v.referrals.pending_today())
        pending = op.run()
        if not op.ok:
            return False
        may_open_sealed = self.ctx.can(Can.VIEW_SEALED)
        self._queue = [r for r in pending if may_open_sealed or "sealed" not in r.groups]
        self.total = len(pending)
        self.needs_attorney = self.total - len(self._queue)
        if not self._queue:
            self._finish(_("There are no pending letters to print today.") if not pending else None)
            self.show()
            return False
        printer = printing.ask_printer(self.parentWidget() or self)
        if printer is None or self.ctx.vault is None:
            self.done(QDialog.DialogCode.Rejected)
            return False
        printer.setDocName(_("Referral letters"))  # what a print queue shows: never a name
        self.printer = printer
        # A batch allocates a great deal (letters, page images), so Python runs full collections during it,
        # each walking the whole heap (the workspace's widgets and modules: 40-60 ms on the GUI thread).
        # What exists before the batch is set aside for its length and given back at the end (_finish).
        gc.freeze()
        self._froze_gc = True
        try:
            self._pool = raster.LetterPool()  # the workers start while the letters are gathered
        except OSError:
            log.error("no worker processes for the batch; letters are made on a thread")
            self._pool = None
        self.state = GATHERING
        self._set_progress(0, len(self._queue))
        self.show()
        self._next_turn(self._gather_slice)
        return True

    def _next_turn(self, step, delay_ms: int = 0) -> None:
        self._step = step
        self._turn.start(delay_ms)

    # ----- phase 1: gather on the GUI thread, a slice per turn ----------------------------------------

    def _gather_slice(self) -> None:
        if self.state != GATHERING:
            return
        if self.cancelled:
            self._finish()
            return
        deadline = time.monotonic() + SLICE_SECONDS
        while self._queue and time.monotonic() < deadline:
            referral = self._queue.pop(0)
            try:
                self._requests.append((referral.id, self.ctx.v.referrals.letter_request(referral.id)))
            except UserError:
                if self.ctx.vault is None:
                    return self._abort()
                self.failed += 1
        gathered = len(self._requests) + self.failed
        self._set_progress(gathered, self.total - self.needs_attorney)
        if self._queue:
            self._next_turn(self._gather_slice)
        elif not self._requests:
            self._finish()
        else:
            self.state = RENDERING
            self._set_progress(0, len(self._requests))
            requests, self._requests = self._requests, []
            self._handle = self.ctx.runner.run(raster.render_letters, requests, self._pool, owner=self,
                                               on_done=self._rendered,
                                               on_error=self._render_failed, on_progress=self._set_progress)

    # ----- phase 2: render in the background ----------------------------------------------------------

    def _render_failed(self, exc: BaseException) -> None:
        self._finish()
        show_error(self, exc)

    def _rendered(self, letters: list[tuple[int, bytes | None]]) -> None:
        self._handle = None
        if self.state != RENDERING:
            return
        if self.cancelled:
            self._finish()
            return
        self._letters = letters
        self._spooler = printing.spooler_command(self.printer)
        if self._spooler is not None:  # a system queue takes each letter's PDF as it is
            self.state = PRINTING
            self._set_progress(0, len(letters))
            self._next_turn(self._print_step)
            return
        self._painter, self._pool = PagePainter(self.printer, self._pool), None
        if not self._painter.begin():
            self._finish()
            show_error(self, UserError(_("The printer could not be opened. Check that it is connected and "
                                         "try again.")))
            return
        self.state = PRINTING
        self._set_progress(0, len(letters))
        self._next_turn(self._print_step)

    # ----- phase 3: store and print, a strip of a page per turn --------------------------------------

    def _print_step(self) -> None:
        """One short step per turn: hand a letter to the queue, or keep a letter and load its images, or
        paint one strip of a page, or record the print."""
        if self.state != PRINTING:
            return
        wait = False
        if self._spooler is not None:
            if self.cancelled or not self._letters:
                self._finish()
                return
            self._spool_next()
        elif not self._painter.painting:  # between letters: the only place a cancel takes effect
            if self.cancelled or not self._letters:
                self._finish()
                return
            wait = not self._open_next()
        elif not self._painter.letter_painted:
            self._painter.paint_for(PAINT_SECONDS)
        else:
            self._letter_done()
        if self.state == PRINTING:
            self._next_turn(self._print_step, WAIT_MS if wait else 0)

    def _open_next(self) -> bool:
        """Keep the next letter in the vault once its page images are ready; False while they are not."""
        ready, pages = self._painter.next_pages([pdf for _id, pdf in self._letters[:AHEAD]])
        if not ready:
            return False
        referral_id, pdf = self._letters[0]
        if pages is None:
            self._skip()
            return True
        try:
            self.ctx.v.referrals.store_letter(referral_id, pdf)
        except UserError:
            if self.ctx.vault is None:
                self._abort()
                return True
            self._skip()
            return True
        self._painter.start(pages)
        return True

    def _skip(self) -> None:
        self._letters.pop(0)
        self.failed += 1
        self._advance()

    def _spool_next(self) -> None:
        """Keep the next letter in the vault and hand its PDF to the print queue (one letter per turn)."""
        referral_id, pdf = self._letters[0]
        if pdf is None:
            self._letters.pop(0)
            self.failed += 1
            self._advance()
            return
        try:
            self.ctx.v.referrals.store_letter(referral_id, pdf)
            printing.send_to_spooler(pdf, self._spooler)
        except UserError:
            if self.ctx.vault is None:
                self._abort()
                return
            self._letters.pop(0)
            self.failed += 1
            self._advance()
            return
        self._letters.pop(0)
        try:
            self.ctx.v.referrals.record_output(referral_id, "print")
        except UserError:
            log.error("print of referral %s sent but not recorded", referral_id)
        self.printed += 1
        self._advance()

    def _letter_done(self) -> None:
        referral_id, _pdf = self._letters.pop(0)
        self._painter.letter_done()
        try:
            self.ctx.v.referrals.record_output(referral_id, "print")
        except UserError:
            log.error("print of referral %s painted but not recorded", referral_id)
        self.printed += 1
        self._advance()

    def _advance(self) -> None:
        if self.state == PRINTING:
            self._set_progress(self.progress.maximum() - len(self._letters), self.progress.maximum())

    def _drop_work(self) -> None:
        if self._painter is not None:
            self._painter.drop()
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    # ----- cancel, finish, lock -----------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop at the next letter: the letter being painted is finished, nothing after it starts."""
        if not self.running:
            return
        self.cancelled = True
        self.cancel_button.setEnabled(False)
        if self._handle is not None:
            self._handle.cancel()
        self._show_phase()

    def _finish(self, message: str | None = None) -> None:
        if self._painter is not None:
            self._painter.end()  # sends the job with the letters painted so far
        self._drop_work()
        if self._froze_gc:
            gc.unfreeze()
            self._froze_gc = False
        self._painter = None
        was_running = self.state != IDLE
        self.state = DONE
        self._letters, self._requests, self._queue = [], [], []
        self.summary.setText(message or self.summary_text())
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self._show_phase()
        if was_running and self.ctx.vault is not None:
            self.ctx.signals.changed.emit("referrals")
        self.finished_batch.emit(self.summary.text())

    def summary_text(self) -> str:
        return batch_summary(printed=self.printed, total=self.total, cancelled=self.cancelled,
                             needs_attorney=self.needs_attorney, failed=self.failed)

    def _abort(self) -> None:
        """The vault locked: stop now, keep nothing, close."""
        self.cancelled = True
        if self._handle is not None:
            self._handle.cancel()
        if self.state != DONE:
            self._finish()
        self.summary.clear()
        if self.isVisible():
            super().reject()

    def _locked(self) -> None:
        self._abort()

    def reject(self) -> None:
        """Esc or the window's close button: cancel first (stop at the next letter), close once done."""
        if self.running and self.ctx.vault is not None:
            self.cancel()
            return
        if self.running:
            self._abort()
            return
        super().reject()

    def done(self, result: int) -> None:
        super().done(result)
        if self.parentWidget() is not None:
            self.deleteLater()

    # ----- progress ---------------------------------------------------------------------------------

    def _set_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done if total else 1)
        self._show_phase()

    def _show_phase(self) -> None:
        done, total = self.progress.value(), self.progress.maximum()
        texts = {
            IDLE: "",
            GATHERING: _("Preparing the letters: {done} of {total}"),
            RENDERING: _("Making the letters: {done} of {total}"),
            PRINTING: _("Printing: {done} of {total} letters"),
            DONE: _("Finished."),
        }
        text = texts[self.state].format(done=max(done, 0), total=total)
        if self.cancelled and self.running:
            text += " " + _("Cancelling after the current letter…")
        self.phase.setText(text)
