"""Paint letters' page images onto a printer a few strips per event-loop turn, the images made letters ahead.

For printers that take page images (a PDF-format QPrinter, most Windows printers). The 1-bit images are made
in ui.kit.raster's worker processes while earlier letters are painted, with the bands of the page that carry
ink; `paint_strip` paints one band (at most raster.STRIP_ROWS tall, ~1 ms), `paint_for` as many as fit in a
slice of a turn, so the event loop turns between slices and the white paper is never sent. Nothing is
written anywhere but the printer.

    painter = PagePainter(printer, pool)
    if painter.begin():
        ready, pages = painter.next_pages(upcoming_pdfs)   # None pages: the letter cannot be printed
        painter.start(pages); while not painter.letter_painted: painter.paint_for(0.01)
        painter.end()
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter

from ui.kit import printing, raster

AHEAD = 6  # letters rasterised ahead of the one being painted (each ~1 MB a page at 300 dpi, one bit a pixel)


class PagePainter:
    """One print job of page images. `pool` (a raster.LetterPool) may be None: then a letter is rasterised
    here, one at a time, when it is needed."""

    def __init__(self, printer: QPrinter, pool: raster.LetterPool | None):
        self.printer, self.pool = printer, pool
        self.dpi = min(printer.resolution(), printing.MAX_PRINT_DPI)
        self._painter: QPainter | None = None
        self._ahead: deque[Future] = deque()  # page images being made for the upcoming letters, in order
        self._pages: list[raster.PageImage] | None = None  # the letter being painted
        self._image = None
        self._page = 0
        self._band = -1  # -1: the current page is not started yet
        self.pages_in_job = 0

    def begin(self) -> bool:
        """Open the printer; False when it cannot be opened."""
        painter = QPainter()
        if not painter.begin(self.printer):
            return False
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)  # no JPEG of the text
        self._painter = painter
        return True

    @property
    def painting(self) -> bool:
        """A letter's pages are loaded (see `letter_painted` for whether they are all on paper)."""
        return self._pages is not None

    @property
    def letter_painted(self) -> bool:
        return self._pages is not None and self._page >= len(self._pages)

    def next_pages(self, upcoming: Sequence[bytes | None]) -> tuple[bool, list[raster.PageImage] | None]:
        """Start rasterising the next few of `upcoming` (the PDFs still to print, the next one first) and
        take the first one's page images: (False, None) while they are not ready; (True, None) when that
        letter cannot be printed (no PDF, or unreadable); (True, pages) when they are ready."""
        while len(self._ahead) < min(AHEAD, len(upcoming)):
            self._ahead.append(self._page_images(upcoming[len(self._ahead)]))
        if not self._ahead[0].done():
            return False, None
        future = self._ahead.popleft()
        try:
            pages = future.result()
        except BrokenProcessPool:
            self.pool = None
            self._ahead.appendleft(self._page_images(upcoming[0]))
            return False, None
        except Exception:  # an unreadable letter is skipped, never shown
            pages = None
        return True, (pages or None) if upcoming[0] is not None else None

    def start(self, pages: list[raster.PageImage]) -> None:
        self._pages, self._page, self._band = pages, 0, -1

    def paint_strip(self) -> None:
        """Start the current page (a new page of the job), or paint its next band of ink."""
        page = self._pages[self._page]
        if self._band < 0:
            if self.pages_in_job:
                self.printer.newPage()
            self.pages_in_job += 1
            self._image = raster.to_qimage(page)
        else:
            top, bottom, left, right = page.bands[self._band]
            area = QRectF(self._painter.viewport())
            scale = min(area.width() / page.width, area.height() / page.height)
            # A copy of just the band: the engine is handed (and compresses) these bytes, not the page's.
            band = self._image.copy(left, top, right - left, bottom - top)
            self._painter.drawImage(QRectF(left * scale, top * scale, (right - left) * scale,
                                           (bottom - top) * scale), band)
        self._band += 1
        if self._band >= len(page.bands):
            self._page, self._band, self._image = self._page + 1, -1, None

    def paint_for(self, seconds: float) -> None:
        """Paint strips of the current letter until it is all painted or `seconds` have passed (at least one)."""
        deadline = time.perf_counter() + seconds
        self.paint_strip()
        while not self.letter_painted and time.perf_counter() < deadline:
            self.paint_strip()

    def letter_done(self) -> None:
        self._pages = self._image = None

    def drop(self) -> None:
        """Forget the images being made and stop the workers (cancel, lock, finish)."""
        for future in self._ahead:
            future.cancel()
        self._ahead.clear()
        self._pages = self._image = None
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def end(self) -> None:
        """Send the job with the pages painted so far."""
        if self._painter is not None:
            self._painter.end()
            self._painter = None

    def _page_images(self, pdf: bytes | None) -> Future:
        future: Future = Future()
        if pdf is None:
            future.set_result(None)
            return future
        if self.pool is not None:
            try:
                return self.pool.pages(pdf, self.dpi)
            except (BrokenProcessPool, RuntimeError):
                self.pool = None
        try:
            future.set_result(raster.rasterise(pdf, self.dpi))  # no workers: here, a letter at a time
        except ValueError as exc:
            future.set_exception(exc)
        return future
