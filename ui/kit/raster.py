"""Letters made and turned into page images in worker processes, for printers that take page images.

Measured here (PySide6 6.11): `QPdfDocument.render` and `QPainter.drawImage` hold Python's GIL for the whole
call, so on a thread they stop the GUI as surely as on the GUI thread. Worker processes do the slow, pure
part instead: reportlab makes the letter, pdfium rasterises each page at the printer's resolution (at most
printing.MAX_PRINT_DPI), composited on white and halftoned to one bit a pixel (ordered dither, as a
printer's driver would halftone grey; the text stays black), and find where the ink is (`ink_bands`). The
GUI thread only paints those bands, at most `STRIP_ROWS` tall: white paper needs no painting.

Why one bit: Qt's PDF engine (and a native engine's spool) takes a 1-bit image with a black-and-white colour
table as an image mask, copied and compressed as it is, ~1 ms a band; an 8-bit grey image is widened to
24-bit RGB and deflated, ~10x the time on the GUI thread and 8x the bytes through the pool's pipe.

The workers are spawned (a fresh interpreter: nothing of the parent's state, no fork of a threaded Qt
process), hold no vault, and get and give data only through the pool's pipes: nothing touches the disk.
This module imports no widget, so a worker loads only QtGui, QtPdf and the letter code.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

log = logging.getLogger(__name__)

STRIP_ROWS = 256  # at most this many rows of a page image are painted per event-loop turn
INK_GAP_INCHES = 0.08  # blank rows this tall (2 mm) or more split two bands of ink
WHITE = 0xFF


BLACK_WHITE = (0xFF000000, 0xFFFFFFFF)  # a 1-bit page's colour table: bit 0 ink, bit 1 paper


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page as 1-bit pixels (QImage.Format_Mono, bit 1 white), rows `bytes_per_line` apart, the bits past
    `width` white; `dpi` says how large it prints."""

    width: int
    height: int
    bytes_per_line: int
    dpi: int
    pixels: bytes
    bands: tuple[tuple[int, int, int, int], ...] = ()  # (top, bottom, left, right) in pixels: see ink_bands


def ink_bands(pixels: bytes, width: int, height: int, bytes_per_line: int, *, max_rows: int = STRIP_ROWS,
              gap: int = 24) -> tuple[tuple[int, int, int, int], ...]:
    """Rectangles (top, bottom, left, right; bottom and right exclusive) that together hold every byte of
    the page that is not 0xFF (white), each at most `max_rows` tall, top to bottom; `gap` blank rows or more
    split two bands. Everything outside them is white, so painting only them on white paper prints the same
    page. A byte is a grey pixel, or eight pixels of a 1-bit page (then left and right count bytes)."""
    white = bytes([WHITE]) * width
    extent: dict[int, tuple[int, int]] = {}  # ink rows: their first and last-but-one ink column
    for row in range(height):
        line = pixels[row * bytes_per_line: row * bytes_per_line + width]
        if line != white:
            extent[row] = (width - len(line.lstrip(b"\xff")), len(line.rstrip(b"\xff")))
    runs: list[list[int]] = []  # [top, bottom) of rows with ink, split where `gap` blank rows or more lie
    for row in extent:
        if runs and row - runs[-1][1] < gap:
            runs[-1][1] = row + 1
        else:
            runs.append([row, row + 1])
    bands = []
    for top, bottom in runs:
        for start in range(top, bottom, max_rows):
            end = min(start + max_rows, bottom)
            inked = [extent[r] for r in range(start, end) if r in extent]
            if inked:
                bands.append((start, end, min(x for x, _ in inked), max(x for _, x in inked)))
    return tuple(bands)


def _worker_start() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing worker leaves no letter in a core file
    except (ImportError, ValueError, OSError):
        pass
    import PySide6.QtPdf  # noqa: F401  (loaded once per worker, not per letter)


def warm() -> bool:
    """A no-op job that makes a new worker load the letter code (reportlab) before the first letter."""
    import clinic

    clinic.render_letter  # noqa: B018  (the face imports the module on first use)
    return True


def make_letter(request) -> bytes:
    """Compose and render one letter (reportlab). Runs in a worker."""
    from clinic import compose_letter, render_letter

    return render_letter(compose_letter(request))


def rasterise(pdf: bytes, dpi: int) -> list[PageImage]:
    """Every page of `pdf` as 1-bit pixels at `dpi`, on white. Runs in a worker; raises ValueError when the
    PDF cannot be read."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    halftone = Qt.ImageConversionFlag.MonoOnly | Qt.ImageConversionFlag.OrderedDither
    try:
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise ValueError("unreadable PDF")
        pages = []
        for index in range(document.pageCount()):
            points = document.pagePointSize(index)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            rendered = document.render(index, size)  # ARGB with a transparent background
            grey = QImage(QSize(-(-size.width() // 8) * 8, size.height()), QImage.Format.Format_Grayscale8)
            grey.fill(Qt.GlobalColor.white)  # whole bytes of white past the page's right edge
            painter = QPainter(grey)
            painter.drawImage(0, 0, rendered)
            painter.end()
            del rendered
            mono = grey.convertToFormat(QImage.Format.Format_Mono, halftone)  # colour table: white, black
            mono.invertPixels()  # bit 1 white, then the table that says so (what Qt's engines take as a mask)
            mono.setColorTable(list(BLACK_WHITE))
            pixels = bytes(mono.constBits())
            bands = ink_bands(pixels, mono.width() // 8, mono.height(), mono.bytesPerLine(),
                              gap=max(2, round(dpi * INK_GAP_INCHES)))
            pages.append(PageImage(size.width(), size.height(), mono.bytesPerLine(), dpi, pixels, tuple(
                (top, bottom, left * 8, min(right * 8, size.width())) for top, bottom, left, right in bands)))
        return pages
    finally:
        document.close()
        buffer.close()


def workers() -> int:
    """One worker per core, at most four: the GUI process only paints 1-bit bands (~1 ms each) meanwhile."""
    return max(1, min(4, os.cpu_count() or 1))


class LetterPool:
    """The worker processes of one print batch. GUI thread only; `close()` when the batch ends."""

    def __init__(self, processes: int | None = None):
        self._pool = ProcessPoolExecutor(max_workers=processes or workers(),
                                         mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_worker_start)
        self._warm = [self._pool.submit(warm) for _ in range(processes or workers())]

    def letter(self, request) -> Future:
        return self._pool.submit(make_letter, request)

    def pages(self, pdf: bytes, dpi: int) -> Future:
        return self._pool.submit(rasterise, pdf, dpi)

    def close(self) -> None:
        """Drop every job not started; workers exit once their current job is done."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def to_qimage(page: PageImage):
    """A QImage over the page's pixels (keep `page` alive while the image is used)."""
    from PySide6.QtGui import QImage

    image = QImage(page.pixels, page.width, page.height, page.bytes_per_line, QImage.Format.Format_Mono)
    image.setColorTable(list(BLACK_WHITE))
    return image


def render_letters(requests: list, pool: LetterPool | None = None, *, task) -> list[tuple[int, bytes | None]]:
    """Render every (referral_id, LetterRequest), in `pool`'s worker processes when given; for the TaskRunner.
    Stops early when cancelled.

    A letter that fails to render is (id, None), logged without its content; the others go on. When the
    workers die (BrokenProcessPool), the rest are rendered here.
    """
    out: list[tuple[int, bytes | None]] = []
    total = len(requests)
    try:
        futures: list[Future] = [pool.letter(request) for _id, request in requests] if pool else []
    except (BrokenProcessPool, RuntimeError):  # the workers died, or the batch ended meanwhile
        futures = []
    try:
        for done, (referral_id, request) in enumerate(requests, start=1):
            if task.cancelled:
                break
            pdf = _one_letter(referral_id, request, futures[done - 1] if futures else None, task)
            if task.cancelled:
                break
            out.append((referral_id, pdf))
            task.progress(done, total)
    finally:
        for future in futures:
            future.cancel()
    return out


def _one_letter(referral_id: int, request, future: Future | None, task) -> bytes | None:
    try:
        if future is not None:
            while True:
                try:
                    return future.result(timeout=0.1)
                except TimeoutError:
                    if task.cancelled:
                        return None
                except BrokenProcessPool:
                    break
        return make_letter(request)
    except Exception as exc:  # one bad letter must not sink the batch
        from ui.kit.errors import format_exception_safely  # widgets: never imported by a worker

        log.error("letter render failed, referral %s\n%s", referral_id, format_exception_safely(exc))
        return None
