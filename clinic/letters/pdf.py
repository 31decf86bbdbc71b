"""The PDF machinery letters, plans and reports share: fonts, styles, escaped paragraphs, tables, pages.

Nothing here writes a file: PDFs are built in an io.BytesIO and returned. reportlab is imported only
when something is rendered, so starting the app does not pay for it. Every piece of text, ours or the
user's, goes through `_markup`, which escapes it: reportlab reads Paragraph text as markup, where
`<img src>` would embed a local file and `<a href>` would make a live link.
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from functools import cache

from clinic.resources import path as resource_path

FONT_DIR = resource_path("fonts")
SANS, SANS_BOLD, MONO = "ClinicSans", "ClinicSans-Bold", "ClinicMono"
_FONT_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}

# US Letter, the paper US clinics and partners print on; points (1/72 inch).
PAGE_W, PAGE_H = 612.0, 792.0
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 60.0, 54.0, 64.0
FRAME_PAD = 6.0  # reportlab's frames pad their content by this much on every side
TEXT_W = PAGE_W - 2 * MARGIN_X - 2 * FRAME_PAD
TEXT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - 2 * FRAME_PAD
GREY = (0.35, 0.35, 0.35)

# Line breaks a person may type in any of their forms.
_NEWLINES = str.maketrans({"\r": "\n", "\u0085": "\n", "\u2028": "\n", "\u2029": "\n", "\t": " "})


@cache
def _font_coverage() -> frozenset[int]:
    """Register the embedded fonts once; return the code points both text faces can draw."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = {name: TTFont(name, str(FONT_DIR / filename)) for name, filename in _FONT_FILES.items()}
    for font in fonts.values():
        pdfmetrics.registerFont(font)
    # <b> only ever comes from our own markup; map it so it never falls back to Helvetica.
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    return frozenset(fonts[SANS].face.charToGlyph) & frozenset(fonts[SANS_BOLD].face.charToGlyph)


@cache
def _printable() -> frozenset[str]:
    """The characters clean_text keeps as they are: a newline and what both faces draw and is printable."""
    return frozenset(ch for ch in map(chr, _font_coverage()) if ch.isprintable()) | {"\n"}


def clean_text(text: str) -> str:
    """Text as it will be printed: NFC, one kind of newline, no control or format characters
    (NUL, right-to-left overrides, zero-width joiners), and U+FFFD for what the font cannot draw
    (emoji), so nothing prints as an invisible or misleading glyph."""
    covered = _font_coverage()
    text = unicodedata.normalize("NFC", str(text).replace("\r\n", "\n")).translate(_NEWLINES)
    if _printable().issuperset(text):  # the usual case, checked in C: nothing to drop or replace
        return text
    out = []
    for ch in text:
        if ch == "\n" or ord(ch) in covered and ch.isprintable():
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            continue
        elif unicodedata.category(ch) == "Zs":
            out.append(" ")
        else:
            out.append("\ufffd")
    return "".join(out)


def _markup(text: str) -> str:
    """Paragraph markup that prints `text` literally. Long words are split by reportlab itself
    (ParagraphStyle.splitLongWords), so a 10,000-character word wraps instead of failing."""
    from xml.sax.saxutils import escape  # here, not at the top: it imports urllib (~25 ms)

    return escape(clean_text(text)).replace("\n", "<br/>")


class _Styles:
    """The paragraph styles of a letter; built after reportlab is imported."""

    def __init__(self, *, compact: bool = False, dense: bool = False):
        from reportlab.lib.enums import TA_CENTER
        from reportlab.lib.styles import ParagraphStyle

        # Compact: a letter a little over one page is set tighter, so it stays on one (render_letter).
        # Dense (with compact): the last step before a second page, with the fields in two columns.
        self.compact = compact = compact or dense
        self.pad, self.gap = (1, 0.6) if compact else (2, 1.0)  # table cell padding; scale of spacers
        base = ParagraphStyle("body", fontName=SANS, fontSize=(9 if dense else 9.5) if compact else 10,
                              leading=(11.5 if dense else 12) if compact else 13.5,
                              spaceAfter=(2.5 if dense else 3.5) if compact else 6, splitLongWords=1)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=(8 if dense else 8.5) if compact else 9,
                                    leading=(10 if dense else 10.5) if compact else 12, spaceAfter=0)
        self.grey = ParagraphStyle("grey", parent=self.small, textColor=GREY)
        self.bold = ParagraphStyle("bold", parent=base, fontName=SANS_BOLD)
        self.label = ParagraphStyle("label", parent=self.small, fontName=SANS_BOLD)
        # Headings keep with what follows, so none is left alone at the foot of a page.
        self.heading = ParagraphStyle("heading", parent=base, fontName=SANS_BOLD, fontSize=11,
                                      leading=14, spaceBefore=5 if compact else 8, spaceAfter=3 if compact else 4,
                                      keepWithNext=1)
        self.section = ParagraphStyle("section", parent=base, fontName=SANS_BOLD, fontSize=9.5,
                                      leading=12, spaceBefore=3 if compact else 6, spaceAfter=1 if compact else 2,
                                      textColor=GREY, keepWithNext=1)
        self.clinic = ParagraphStyle("clinic", parent=base, fontName=SANS_BOLD, fontSize=14,
                                     leading=17, spaceAfter=2)
        self.title = ParagraphStyle("title", parent=base, fontName=SANS_BOLD, fontSize=20,
                                    leading=24, spaceAfter=6)
        self.key = ParagraphStyle("key", parent=base, fontName=MONO, fontSize=16, leading=22,
                                  alignment=TA_CENTER, spaceAfter=0)


def _paras(text: str, style) -> list:
    """`text` as paragraphs, long text cut into several (see `_chunks`)."""
    paragraph = _paragraph_class()
    return [paragraph(_markup(chunk), style) for chunk in _chunks(text)]


@cache
def _paragraph_class():
    """reportlab's Paragraph, remembering its line breaks for the width it was last wrapped to: a letter
    measured to choose its setting (render_letter) is then built without breaking every line again."""
    from reportlab.platypus import Paragraph

    class WrapOnce(Paragraph):
        def wrap(self, availWidth, availHeight):
            if getattr(self, "_wrapped_at", None) == availWidth:
                return self.width, self.height
            size = super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
            return size

        def split(self, availWidth, availHeight):
            self._wrapped_at = None  # splitting re-breaks (and may use up) the lines: never reuse them
            try:
                return super().split(availWidth, availHeight)
            finally:
                self._wrapped_at = None

        def drawOn(self, canvas, x, y, _sW=0):
            self._wrapped_at = None  # drawn once; a later wrap (a table split again) breaks its lines anew
            return super().drawOn(canvas, x, y, _sW)

    return WrapOnce


@cache
def table_class():
    """reportlab's Table, remembering its layout for the width it was last wrapped to, as WrapOnce does for
    paragraphs: a table measured to choose a letter's setting is not laid out again when it is drawn. Our
    tables have no spans, so their layout does not depend on the height offered; one allowed to split
    inside a row (taller than a page) is laid out every time."""
    from reportlab.platypus import Table

    class WrapOnceTable(Table):
        def wrap(self, availWidth, availHeight):
            if not self.splitInRow and getattr(self, "_wrapped_at", None) == availWidth:
                return self._width, self._height
            size = super().wrap(availWidth, availHeight)
            self._wrapped_at = availWidth
            return size

        def split(self, availWidth, availHeight):
            self._wrapped_at = None
            return super().split(availWidth, availHeight)

        def drawOn(self, canvas, x, y, _sW=0):
            self._wrapped_at = None
            return super().drawOn(canvas, x, y, _sW)

    return WrapOnceTable


def _chunks(text: str, limit: int = 1200, max_lines: int = 40) -> list[str]:
    """Long text cut into pieces well under a page: at most `max_lines` lines and `limit`
    characters, cut at a line end, else a sentence end, else a space, else anywhere.

    reportlab measures a whole paragraph or table row again at every page break it crosses, so a
    20,000-character cell cost seconds and a cell of 3,000 short lines minutes; pieces this small
    keep page breaks cheap.
    """
    pieces = []
    while True:
        window = text[:limit]
        lines = window.split("\n")
        if len(lines) > max_lines:
            cut = sum(len(line) + 1 for line in lines[:max_lines])
        elif len(text) <= limit:
            return pieces + [text]
        else:
            for mark in ("\n", ". ", " "):
                cut = window.rfind(mark) + len(mark)
                if cut > limit // 4:
                    break
            else:
                cut = limit
        pieces.append(text[:cut])
        text = text[cut:]


def _table(data: list[list], col_widths: list[float], commands):
    """A table that splits between rows, and inside a row only when it is taller than a page.

    Splitting inside rows is reportlab's only way to print a row taller than a page, but when
    allowed it also cuts rows that would fit on the next page, leaving a heading alone at a page foot.
    """
    table = table_class()(data, colWidths=col_widths, hAlign="LEFT")
    table.setStyle(_table_style(("VALIGN", (0, 0), (-1, -1), "TOP"), *commands))
    # Measuring costs a second layout, so only measure tables with enough text to need it.
    if sum(_text_size(cell) for row in data for cell in row) > 400 \
            and table.wrap(sum(col_widths), TEXT_H)[1] > TEXT_H:
        table.splitInRow = 1
    return table


def _text_size(cell) -> int:
    """Characters of paragraph markup in a table cell, a line break counted as a line's worth."""
    flowables = cell if isinstance(cell, list) else [cell]
    texts = [f.text for f in flowables if isinstance(getattr(f, "text", None), str)]
    return sum(len(text) + 60 * text.count("<br/>") for text in texts)


def _table_style(*commands):
    """A TableStyle in our font: a table's default, Helvetica, would be referenced but never embedded."""
    from reportlab.platypus import TableStyle

    return TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), *commands])


def _footer_canvas(footers: list[tuple[str, str]]):
    """A canvas class that draws each page's footer once its section's pages are counted.

    `footers[i]` is (left text, page label with {page} and {pages}) for section i; a section mark
    flowable tells the canvas which section a page belongs to, so each language of a 'sequence'
    letter is numbered on its own.
    """
    from reportlab.pdfgen.canvas import Canvas

    class FooterCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.section = 0
            self._page_states = []

        def showPage(self):
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            totals = Counter(state["section"] for state in self._page_states)
            seen = Counter()
            for state in self._page_states:
                self.__dict__.update(state)
                seen[self.section] += 1
                left, label = footers[self.section]
                self.setFont(SANS, 8)
                self.setFillColorRGB(*GREY)
                self.drawString(MARGIN_X, MARGIN_BOTTOM - 30, clean_text(left))
                if label:
                    page = label.format(page=seen[self.section], pages=totals[self.section])
                    self.drawRightString(PAGE_W - MARGIN_X, MARGIN_BOTTOM - 30, clean_text(page))
                super().showPage()
            super().save()

    return FooterCanvas


def _section_mark(index: int):
    from reportlab.platypus import Flowable

    class SectionMark(Flowable):
        """Zero-size flowable: marks the page it lands on as part of section `index`."""

        def wrap(self, *_args):
            return 0, 0

        def draw(self):
            self.canv.section = index

    return SectionMark()


def _build(story: list, footers: list[tuple[str, str]], lang: str) -> bytes:
    """Build a PDF in memory with blank metadata and reproducible bytes."""
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=(PAGE_W, PAGE_H),
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        # Blank metadata: unset fields say "(anonymous)" and name ReportLab.
        title="", author="", subject="", creator="", producer="", keywords="",
        # Fixed dates and document id: the same letter gives the same bytes, and no print time leaks.
        invariant=1,
        # Otherwise the canvas references Helvetica, an unembedded font, on every page.
        initialFontName=SANS,
        lang=lang,
    )
    doc.build(story, canvasmaker=_footer_canvas(footers))
    return _without_signature(buf.getvalue())


# reportlab writes these comments whatever the metadata says; blank them to the same length so the
# cross-reference offsets stay right and the file does not name the software that made it.
_SIGNATURES = (b" ReportLab Generated PDF document (opensource)\n",
               b"% ReportLab generated PDF document -- digest (opensource)\n")


def _without_signature(pdf: bytes) -> bytes:
    for signature in _SIGNATURES:
        pdf = pdf.replace(signature, b" " * (len(signature) - 1) + b"\n", 1)
    return pdf
