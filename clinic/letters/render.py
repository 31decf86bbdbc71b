"""Render composed letters and the recovery kit to PDF bytes with reportlab, in memory only.

Nothing here writes a file: PDFs are built in an io.BytesIO and returned. reportlab is imported only
when something is rendered, so starting the app does not pay for it. Every piece of text, ours or the
user's, goes through `_markup`, which escapes it: reportlab reads Paragraph text as markup, where
`<img src>` would embed a local file and `<a href>` would make a live link.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections import Counter
from functools import cache
from itertools import zip_longest

from clinic.letters.compose import (
    LetterContent,
    LetterVersion,
    RecoveryKitText,
    compose_recovery_kit,
)
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


def clean_text(text: str) -> str:
    """Text as it will be printed: NFC, one kind of newline, no control or format characters
    (NUL, right-to-left overrides, zero-width joiners), and U+FFFD for what the font cannot draw
    (emoji), so nothing prints as an invisible or misleading glyph."""
    covered = _font_coverage()
    text = unicodedata.normalize("NFC", str(text).replace("\r\n", "\n")).translate(_NEWLINES)
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

    def __init__(self, *, compact: bool = False):
        from reportlab.lib.enums import TA_CENTER
        from reportlab.lib.styles import ParagraphStyle

        # Compact: a letter a little over one page is set tighter, so it stays on one (render_letter).
        self.compact = compact
        self.pad, self.gap = (1, 0.6) if compact else (2, 1.0)  # table cell padding; scale of spacers
        base = ParagraphStyle("body", fontName=SANS, fontSize=9.5 if compact else 10,
                              leading=12 if compact else 13.5, spaceAfter=3.5 if compact else 6,
                              splitLongWords=1)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8.5 if compact else 9,
                                    leading=10.5 if compact else 12, spaceAfter=0)
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
    from reportlab.platypus import Paragraph

    return [Paragraph(_markup(chunk), style) for chunk in _chunks(text)]


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
    from reportlab.platypus import Table

    table = Table(data, colWidths=col_widths, hAlign="LEFT")
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


# ----------------------------------------------------------------------------------------------------
# Referral letters


def render_letter(content: LetterContent) -> bytes:
    """The letter as PDF bytes. Never writes anything to disk."""
    from reportlab.platypus import PageBreak

    _font_coverage()
    st = _Styles()
    if content.layout == "side_by_side":
        story = _side_by_side(content.versions, st)
        footers = [(" · ".join(v.footer for v in content.versions),
                    " · ".join(v.page_label for v in content.versions))]
    else:
        story, footers = [], []
        compact = _Styles(compact=True)
        for i, version in enumerate(content.versions):
            if i:
                story.append(PageBreak())
            story.append(_section_mark(i))
            # A letter just over a page (its closing pushed onto page 2) is set tighter when that keeps it
            # on one page; a longer one keeps the normal type.
            tight = not _fits_a_page(_single(version, st)) and _fits_a_page(_single(version, compact))
            story.extend(_single(version, compact if tight else st))
            footers.append((version.footer, version.page_label))
    return _build(story, footers, content.versions[0].lang)


def _fits_a_page(story: list) -> bool:
    """Whether `story` fits one page's frame: its flowables measured, not drawn (a PDF build costs more)."""
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import KeepTogether

    canvas, height = Canvas(io.BytesIO(), initialFontName=SANS), 0.0
    # A KeepTogether reports an impossible height on its own: measure what it holds.
    for flowable in (f for item in story for f in (item._content if isinstance(item, KeepTogether) else [item])):
        height += (flowable.wrapOn(canvas, TEXT_W, TEXT_H)[1] + flowable.getSpaceBefore()
                   + flowable.getSpaceAfter())
        if height > TEXT_H:
            return False
    return True


def _letterhead(v: LetterVersion, st) -> list:
    from reportlab.platypus import HRFlowable, Spacer

    return [
        *_paras(v.letterhead[0] if v.letterhead else "", st.clinic),
        *_paras("\n".join(v.letterhead[1:]), st.grey),
        HRFlowable(width="100%", thickness=0.6, color=GREY, spaceBefore=6 * st.gap, spaceAfter=14 * st.gap),
        *_paras("\n".join(v.recipient), st.body),
        Spacer(1, 8 * st.gap),
    ]


def _single(v: LetterVersion, st) -> list:
    """One language, top to bottom."""
    from reportlab.platypus import KeepTogether, Spacer

    story = _letterhead(v, st)
    story += [*_paras(v.date, st.body), Spacer(1, 4 * st.gap), *_paras(v.reference, st.bold), Spacer(1, 4 * st.gap)]
    for text in (v.salutation, *v.body):
        story += _paras(text, st.body)
    story += _paras(v.fields_heading, st.heading)
    if not v.sections:
        story += _paras(v.no_fields, st.body)
    for section in v.sections:
        story += _paras(section.heading, st.section)
        story += [_field_table(row, st) for row in section.rows]
    # The closing and signature never stand alone on a page: they keep with the last row above them.
    ending = [story.pop()] if v.sections else []
    ending.append(Spacer(1, 10 * st.gap))
    for text in v.closing:
        ending += _paras(text, st.body)
    ending += [Spacer(1, 28 * st.gap), *_paras("\n".join(v.signature), st.body)]
    return [*story, KeepTogether(ending)]


def _field_table(row, st):
    """A label beside its value; a long value runs on over several rows."""
    values = _paras(row.value, st.small)
    data = [[_paras(row.label, st.label) if i == 0 else "", value] for i, value in enumerate(values)]
    return _table(data, [TEXT_W * 0.3, TEXT_W * 0.7], (
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), st.pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), st.pad),
        ("LINEBELOW", (0, -1), (-1, -1), 0.25, (0.8, 0.8, 0.8)),
    ))


def _side_by_side(versions: tuple[LetterVersion, ...], st) -> list:
    """Two languages in parallel columns, aligned block by block (one table per block)."""
    from reportlab.platypus import Paragraph, Spacer

    def rows(text: str, style) -> list[list]:
        return [[para] for para in _paras(text, style)]

    def field_rows(row) -> list[list]:
        first, *rest = _chunks(row.value)
        head = Paragraph(f"<b>{_markup(row.label)}</b>: {_markup(first)}", st.small)
        return [[head]] + [[Paragraph(_markup(chunk), st.small)] for chunk in rest]

    def blocks(v: LetterVersion) -> list[list[list]]:
        """The blocks of one language; each block is rows, each row a cell's flowables."""
        out = [rows(v.date, st.body), rows(v.reference, st.bold)]
        out += [rows(text, st.body) for text in (v.salutation, *v.body)]
        out.append(rows(v.fields_heading, st.heading))
        if not v.sections:
            out.append(rows(v.no_fields, st.body))
        for section in v.sections:
            for i, row in enumerate(section.rows):
                block = field_rows(row)
                if i == 0:  # the heading shares a row with the first field: never alone at a page foot
                    block[0] = _paras(section.heading, st.section) + block[0]
                out.append(block)
        out.append([[Spacer(1, 6)]] + rows("\n".join(v.closing), st.body))
        out.append([[Spacer(1, 24)]] + rows("\n".join(v.signature), st.body))
        return out

    gutter = 16
    widths = [(TEXT_W - gutter) / 2 + gutter / 2] * 2
    tables = []
    for pair in zip_longest(*(blocks(v) for v in versions), fillvalue=[]):
        data = [list(cells) for cells in zip_longest(*pair, fillvalue="")]
        tables.append(_table(data, widths, (
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), gutter / 2),
            ("LEFTPADDING", (1, 0), (1, -1), gutter / 2),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("LINEBEFORE", (1, 0), (1, -1), 0.25, (0.8, 0.8, 0.8)),
        )))
    return _letterhead(versions[0], st) + tables


# ----------------------------------------------------------------------------------------------------
# The recovery kit


def render_recovery_kit(*, clinic_name: str, vault_id: str, recovery_key: str,
                        created: dt.date, lang: str) -> bytes:
    """A one-page printable recovery kit in 'es', 'en' or 'both'. Never writes anything to disk."""
    from reportlab.platypus import Spacer, Table

    texts = compose_recovery_kit(clinic_name=clinic_name, vault_id=vault_id, created=created, lang=lang)
    _font_coverage()
    st = _Styles()

    def record_table(t: RecoveryKitText, width: float):
        """Labelled blank lines to fill in by hand."""
        rows = [[_paras(label, st.body), ""] for label in t.record_labels]
        table = Table(rows, colWidths=[width * 0.5, width * 0.5], rowHeights=26, hAlign="LEFT")
        table.setStyle(_table_style(
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (1, 0), (1, -1), 0.5, (0, 0, 0)),
        ))
        return table

    def blocks(t: RecoveryKitText, width: float) -> list[list]:
        """The kit's explanation in one language, block by block."""
        out = [[*_paras(t.vault_line, st.grey), Spacer(1, 6)]]
        out += [_paras(text, st.body) for text in t.purpose]
        # Table cells drop a paragraph's space before it: give headings their own spacer.
        out.append([Spacer(1, 8), *_paras(t.keep_heading, st.heading)])
        out += [_paras("•  " + text, st.body) for text in t.keep]
        out.append([Spacer(1, 8), *_paras(t.record_heading, st.heading), record_table(t, width)])
        return out

    key_box = _table([[_paras(recovery_key, st.key)]], [TEXT_W], (
        ("BOX", (0, 0), (-1, -1), 1.2, (0, 0, 0)),
        ("TOPPADDING", (0, 0), (-1, -1), 12),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
    ))
    story = [
        *_paras(" · ".join(t.title for t in texts), st.title),
        *_paras(" · ".join(t.key_label for t in texts), st.bold),
        key_box,
        Spacer(1, 14),
    ]
    if len(texts) == 1:
        for block in blocks(texts[0], TEXT_W * 0.8):
            story += block
    else:
        # Side by side, one table per pair of blocks and one row per paragraph: the languages line
        # up, and a long clinic name cannot make one giant cell.
        gutter = 16
        col_w = (TEXT_W - gutter) / 2
        for pair in zip(*(blocks(t, col_w) for t in texts), strict=True):
            rows = [list(row) for row in zip_longest(*pair, fillvalue="")]
            story.append(_table(rows, [col_w + gutter / 2] * 2, (
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), gutter / 2),
                ("LEFTPADDING", (1, 0), (1, -1), gutter / 2),
                ("RIGHTPADDING", (1, 0), (1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            )))
    footers = [(" · ".join(t.footer for t in texts), "")]
    return _build(story, footers, texts[0].lang)
