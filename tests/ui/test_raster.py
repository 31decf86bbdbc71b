"""Page images for printers that take them: only the bands with ink are painted, and they hold every inked pixel."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from clinic import compose_letter, render_letter
from clinic.letters.sample import sample_request
from ui.kit import raster
from ui.kit.pagepaint import PagePainter


def _page(width: int, height: int, dots: list[tuple[int, int]]) -> bytes:
    pixels = bytearray([raster.WHITE]) * (width * height)
    for x, y in dots:
        pixels[y * width + x] = 0
    return bytes(pixels)


def _rows(pixels: bytes, width: int, height: int, bytes_per_line: int) -> list[bytes]:
    return [pixels[r * bytes_per_line: r * bytes_per_line + width] for r in range(height)]


def _rebuilt(page: raster.PageImage) -> list[bytes]:
    """The rows of white paper (grey pixels) with only the bands painted on it."""
    original = _original(page)
    out = [bytearray([raster.WHITE]) * page.width for _ in range(page.height)]
    for top, bottom, left, right in page.bands:
        for row in range(top, bottom):
            out[row][left:right] = original[row][left:right]
    return [bytes(row) for row in out]


def _original(page: raster.PageImage) -> list[bytes]:
    """The page's rows as grey pixels, as Qt reads the 1-bit image (its colour table included)."""
    if page.bytes_per_line >= page.width:  # a grey page made by hand
        return _rows(page.pixels, page.width, page.height, page.bytes_per_line)
    grey = raster.to_qimage(page).convertToFormat(QImage.Format.Format_Grayscale8)
    return _rows(bytes(grey.constBits()), grey.width(), grey.height(), grey.bytesPerLine())


def _as_grey(image: QImage) -> bytes:
    """An ARGB render composited on white, as grey rows end to end."""
    grey = QImage(image.size(), QImage.Format.Format_Grayscale8)
    grey.fill(raster.WHITE)
    with_white = QPainter(grey)
    with_white.drawImage(0, 0, image)
    with_white.end()
    return b"".join(_rows(bytes(grey.constBits()), grey.width(), grey.height(), grey.bytesPerLine()))


def _pdf_document(pdf: bytes) -> tuple[QPdfDocument, QBuffer]:
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    return document, buffer


def test_white_paper_has_no_bands_and_one_dot_is_one_pixel():
    assert raster.ink_bands(_page(40, 30, []), 40, 30, 40) == ()
    assert raster.ink_bands(_page(40, 30, [(39, 29)]), 40, 30, 40) == ((29, 30, 39, 40),)
    assert raster.ink_bands(_page(40, 30, [(0, 0)]), 40, 30, 40) == ((0, 1, 0, 1),)


def test_blank_rows_split_bands_only_from_the_gap_on():
    near = raster.ink_bands(_page(50, 100, [(5, 10), (20, 10 + 24)]), 50, 100, 50)
    assert near == ((10, 11 + 24, 5, 21),)
    far = raster.ink_bands(_page(50, 100, [(5, 10), (20, 11 + 24)]), 50, 100, 50)
    assert far == ((10, 11, 5, 6), (11 + 24, 12 + 24, 20, 21))


@pytest.mark.parametrize("seed", range(20))
def test_bands_hold_every_inked_pixel_and_stay_short(seed):
    rng = random.Random(seed)
    width, height = rng.randint(1, 120), rng.randint(1, 700)
    dots = [(rng.randrange(width), rng.randrange(height)) for _ in range(rng.randint(0, 60))]
    pixels = _page(width, height, dots)
    bands = raster.ink_bands(pixels, width, height, width, max_rows=50)
    page = raster.PageImage(width, height, width, 72, pixels, bands)
    assert _rebuilt(page) == _original(page)
    assert all(0 < bottom - top <= 50 and left < right for top, bottom, left, right in bands)
    assert all(a[1] <= b[0] for a, b in zip(bands, bands[1:], strict=False))  # top to bottom, no overlap


def test_a_real_letter_is_rebuilt_exactly_from_less_than_half_its_bytes():
    pdf = render_letter(compose_letter(sample_request("es")))
    pages = raster.rasterise(pdf, 300)  # as printed
    assert pages
    for page in pages:
        assert page.bytes_per_line * 8 >= page.width and len(page.pixels) == page.bytes_per_line * page.height
        assert _rebuilt(page) == _original(page)
        inked = sum((bottom - top) * (right - left) for top, bottom, left, right in page.bands)
        assert 0 < inked < page.width * page.height / 2
        assert all(left % 8 == 0 and right <= page.width for _top, _bottom, left, right in page.bands)


def _printed_near(got: bytes, width: int, i: int) -> bool:
    """Pixel i, or one next to it, is dark in `got` (resampling may move an edge or a hairline by a pixel)."""
    return any(0 <= j < len(got) and got[j] <= 200
               for j in (i, i - 1, i + 1, i - width, i + width, i - width - 1, i - width + 1,
                         i + width - 1, i + width + 1))


def test_the_printed_pages_look_like_the_letter(qapp, tmp_path):
    """Painted band by band onto a PDF-format printer, each page reads back as the letter's page."""
    pdf = render_letter(compose_letter(sample_request("en")))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    printer.setFullPage(True)  # the page image covers the paper, so it reads back in place
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))  # the letter's own paper
    painter = PagePainter(printer, None)
    assert painter.begin()
    ready, pages = painter.next_pages([pdf])
    assert ready and pages
    painter.start(pages)
    while not painter.letter_painted:
        painter.paint_strip()
    painter.end()
    printed, buffer = _pdf_document((tmp_path / "printed.pdf").read_bytes())
    letter, letter_buffer = _pdf_document(pdf)
    assert printed.pageCount() == len(pages)
    for index, page in enumerate(pages):
        got = _as_grey(printed.render(index, QSize(page.width, page.height)))
        want = _as_grey(letter.render(index, QSize(page.width, page.height)))  # the letter itself, not our image
        dark = [i for i, value in enumerate(want) if value < 128]
        assert dark, "the page has text"
        width = page.width
        missing = [i for i in dark if not _printed_near(got, width, i)]
        assert len(missing) < len(dark) * 0.02
        zones: dict[int, list[int]] = {}  # every 20-row zone of the page with ink has its ink printed
        for i in dark:
            zones.setdefault(i // width // 20, []).append(i)
        lost = set(missing)
        for zone in zones.values():
            assert sum(1 for i in zone if i in lost) < max(5, len(zone) * 0.1)
        # And no ink where the letter has none: the paper stays white (an inverted page would be black).
        inked = [i for i, value in enumerate(got) if value < 128]
        assert inked
        stray = [i for i in inked if not any(0 <= j < len(want) and want[j] < 250
                                             for j in (i, i - 1, i + 1, i - width, i + width))]
        assert len(stray) < len(inked) * 0.01
    printed.close()
    letter.close()
    buffer.close()
    letter_buffer.close()
