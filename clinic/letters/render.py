"""Render composed letters and the recovery kit to PDF bytes with reportlab, in memory only.

The shared machinery (fonts, escaping, tables, pages) is in clinic/letters/pdf.py; its names are
re-exported here for the preparedness and report renderers, which use them as `lr.X`.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from functools import cache
from itertools import zip_longest

from clinic.letters.compose import (
    LetterContent,
    LetterVersion,
    RecoveryKitText,
    compose_recovery_kit,
)
from clinic.letters.pdf import (  # noqa: F401 - re-exported: plans and reports render through `lr.`
    FONT_DIR,
    GREY,
    MONO,
    PAGE_H,
    PAGE_W,
    SANS,
    SANS_BOLD,
    TEXT_H,
    TEXT_W,
    _build,
    _chunks,
    _font_coverage,
    _markup,
    _paras,
    _section_mark,
    _Styles,
    _table,
    _table_style,
    _without_signature,
    clean_text,
    table_class,
)
from clinic.models import LetterLayout

# ----------------------------------------------------------------------------------------------------
# Referral letters


def render_letter(content: LetterContent) -> bytes:
    """The letter as PDF bytes. Never writes anything to disk."""
    from reportlab.platypus import PageBreak

    _font_coverage()
    st = styles()
    if content.layout == LetterLayout.SIDE_BY_SIDE:
        story = _side_by_side(content.versions, st)
        footers = [(" · ".join(v.footer for v in content.versions),
                    " · ".join(v.page_label for v in content.versions))]
    else:
        story, footers = [], []
        compact, dense = styles(compact=True), styles(dense=True)
        for i, version in enumerate(content.versions):
            if i:
                story.append(PageBreak())
            story.append(_section_mark(i))
            story.extend(_one_page_if_possible(version, st, compact, dense))
            footers.append((version.footer, version.page_label))
    return _build(story, footers, content.versions[0].lang)


def warm_letters() -> bool:
    """Load reportlab, register the fonts and lay out one synthetic letter (no real person), discarding it:
    the first real letter of a session then costs what every later one does (~80 ms, not ~500 ms).
    For a background thread after unlock; writes nothing anywhere."""
    from clinic.letters.compose import compose_letter
    from clinic.letters.sample import sample_request

    render_letter(compose_letter(sample_request("es")))
    return True


# How much the tighter settings shorten a letter, at best: a lower bound, so no letter that a setting would
# fit is ruled out. Measured over the sample letters (both languages, every set of groups, notes of 0-900
# characters: 634 over a page): compact 0.76-0.81, dense 0.59-0.84 of the normal height. A letter whose
# normal height rules a setting out is not built in it at all. (This was 0.85 for compact, which sent 138
# of those 634 letters to the two-column setting although the tighter type alone fitted them.)
_COMPACT_AT_BEST, _DENSE_AT_BEST = 0.74, 0.58


def _one_page_if_possible(version: LetterVersion, st, compact, dense) -> list:
    """A letter just over a page (its closing pushed onto page 2, as with four or more disclosure groups)
    is set tighter, then with its shared fields in two columns, when that keeps it on one page; a letter
    too long for either keeps the normal type and runs on (issue 14)."""
    story = _single(version, st)
    height = _height(story, TEXT_H / _DENSE_AT_BEST)
    if height <= TEXT_H:
        return story
    if height * _COMPACT_AT_BEST <= TEXT_H and _fits_a_page(tighter := _single(version, compact)):
        return tighter
    if height * _DENSE_AT_BEST <= TEXT_H and _fits_a_page(tighter := _single(version, dense, columns=2)):
        return tighter
    return story


def _fits_a_page(story: list) -> bool:
    return _height(story, TEXT_H) <= TEXT_H


def _height(story: list, limit: float) -> float:
    """The height of `story` in one page's frame, measured, not drawn (a PDF build costs more); the
    measuring stops once past `limit`."""
    from reportlab.platypus import KeepTogether

    canvas, height = _measuring_canvas(), 0.0
    # A KeepTogether reports an impossible height on its own: measure what it holds.
    for flowable in (f for item in story for f in (item._content if isinstance(item, KeepTogether) else [item])):
        height += (flowable.wrapOn(canvas, TEXT_W, TEXT_H)[1] + flowable.getSpaceBefore()
                   + flowable.getSpaceAfter())
        if height > limit:
            break
    return height


_THREAD = threading.local()


def _measuring_canvas():
    """A canvas to measure on, one per thread (letters render on workers), never drawn on or saved."""
    from reportlab.pdfgen.canvas import Canvas

    if getattr(_THREAD, "canvas", None) is None:
        _THREAD.canvas = Canvas(io.BytesIO(), initialFontName=SANS)
    return _THREAD.canvas


@cache
def styles(compact: bool = False, dense: bool = False):
    """The paragraph styles, built once per setting and shared by every letter (they are never changed)."""
    return _Styles(compact=compact, dense=dense)


def _letterhead(v: LetterVersion, st, beside: list | None = None) -> list:
    """The clinic, a rule, the partner's address; `beside` (the date and reference) to its right."""
    from reportlab.platypus import HRFlowable, Spacer

    recipient = _paras("\n".join(v.recipient), st.body)
    if beside is not None:
        recipient = [_table([[recipient, beside]], [TEXT_W * 0.6, TEXT_W * 0.4], (
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)))]
    return [
        *_paras(v.letterhead[0] if v.letterhead else "", st.clinic),
        *_paras("\n".join(v.letterhead[1:]), st.grey),
        HRFlowable(width="100%", thickness=0.6, color=GREY, spaceBefore=6 * st.gap, spaceAfter=14 * st.gap),
        *recipient,
        Spacer(1, 8 * st.gap),
    ]


def _single(v: LetterVersion, st, columns: int = 1) -> list:
    """One language, top to bottom; with `columns=2` the shared fields' sections sit in two columns."""
    from reportlab.platypus import KeepTogether, Spacer

    if columns == 2:  # the densest setting: the date and reference beside the partner's address
        story = _letterhead(v, st, beside=[*_paras(v.date, st.body), *_paras(v.reference, st.bold)])
    else:
        story = _letterhead(v, st)
        story += [*_paras(v.date, st.body), Spacer(1, 4 * st.gap), *_paras(v.reference, st.bold),
                  Spacer(1, 4 * st.gap)]
    for text in (v.salutation, *v.body):
        story += _paras(text, st.body)
    story += _paras(v.fields_heading, st.heading)
    if not v.sections:
        story += _paras(v.no_fields, st.body)
    if columns == 2 and len(v.sections) > 1:
        story.append(_section_columns(v.sections, st))
    else:
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


def _field_table(row, st, width: float = TEXT_W, label_share: float = 0.3):
    """A label beside its value; a long value runs on over several rows."""
    values = _paras(row.value, st.small)
    data = [[_paras(row.label, st.label) if i == 0 else "", value] for i, value in enumerate(values)]
    return _table(data, [width * label_share, width * (1 - label_share)], (
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), st.pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), st.pad),
        ("LINEBELOW", (0, -1), (-1, -1), 0.25, (0.8, 0.8, 0.8)),
    ))


def _section_columns(sections, st):
    """The sections in two columns, in reading order (left, then right), split where the columns come out
    most even. One table row: used only when the whole letter then fits a page."""
    gutter = 14
    width = (TEXT_W - gutter) / 2
    blocks = [_paras(sec.heading, st.section) + [_field_table(row, st, width, 0.4) for row in sec.rows]
              for sec in sections]
    canvas = _measuring_canvas()
    heights = [sum(f.wrapOn(canvas, width, TEXT_H)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in b)
               for b in blocks]
    split = min(range(1, len(blocks)), key=lambda k: max(sum(heights[:k]), sum(heights[k:])))
    left = [f for b in blocks[:split] for f in b]
    right = [f for b in blocks[split:] for f in b]
    table = table_class()([[left, right]], colWidths=[width + gutter / 2] * 2, hAlign="LEFT")
    table.setStyle(_table_style(
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), gutter / 2),
        ("LEFTPADDING", (1, 0), (1, -1), gutter / 2), ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ))
    return table


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
