"""Render the packet, the affidavit and the wallet cards to PDF bytes, in memory, with the letter renderer.

Every string goes through the letter renderer's escaping (`_paras`, `clean_text`): text a person typed
prints literally and can never become markup, a link or an embedded file.
"""

from __future__ import annotations

import io

from clinic.letters import render as lr
from clinic.letters.compose import FieldRow
from clinic.preparedness import compose as _form
from clinic.preparedness.compose import Affidavit, CardText, PacketVersion

# Wallet cards: 3.5 x 2.25 inches, two across and four down on US Letter.
CARD_W, CARD_H = 252.0, 162.0
CARD_COLS, CARD_ROWS = 2, 4
CARD_PAD = 9.0
CUT_MARK = 12.0


def render_packet(versions: tuple[PacketVersion, ...]) -> bytes:
    """The caregiver packet, one language after the other, each numbered on its own."""
    from reportlab.platypus import HRFlowable, KeepTogether, PageBreak

    lr._font_coverage()
    st = lr._Styles()
    story, footers = [], []
    for i, v in enumerate(versions):
        if i:
            story.append(PageBreak())
        story.append(lr._section_mark(i))
        if v.clinic:
            story += lr._paras(v.clinic, st.clinic)
        story += lr._paras(v.title, st.title)
        story.append(HRFlowable(width="100%", thickness=0.6, color=lr.GREY, spaceBefore=2, spaceAfter=8))
        for text in v.intro:
            story += lr._paras(text, st.body)
        for section in v.sections:
            # A section's heading never ends a page alone, and a short section (a caregiver, a child) is
            # not split: a page-2 row without its heading reads as someone else's.
            head = lr._paras(section.heading, st.heading)
            rows = [lr._field_table(row, st) for row in section.rows]
            keep = len(rows) if len(rows) <= 8 else 2
            story += [KeepTogether(head + rows[:keep]), *rows[keep:]]
        if v.grown_note:
            story += lr._paras(v.grown_note, st.grey)
        footers.append((v.footer, v.page_label))
    return lr._build(story, footers, versions[0].lang)


def render_affidavit(affidavits: tuple[Affidavit, ...]) -> bytes:
    """One Caregiver's Authorization Affidavit per child, prefilled, each starting on a new page."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import CondPageBreak, PageBreak, Spacer

    lr._font_coverage()
    st = lr._Styles()
    fine = ParagraphStyle("fine", parent=st.small, fontSize=8, leading=10, spaceAfter=3)
    fill = ParagraphStyle("fill", parent=st.body, fontName=lr.SANS_BOLD)
    story, footers = [], []
    for n, a in enumerate(affidavits):
        if n:
            story.append(PageBreak())
        story.append(lr._section_mark(n))
        notice = []
        for heading, text in zip(a.notice_heading, a.notice, strict=True):
            notice += lr._paras(heading, st.bold) + lr._paras(text, st.small)
        story.append(lr._table([[notice]], [lr.TEXT_W], (
            ("BOX", (0, 0), (-1, -1), 1.2, (0, 0, 0)),
            ("BACKGROUND", (0, 0), (-1, -1), (0.94, 0.94, 0.94)),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        )))
        story.append(Spacer(1, 10))
        story += lr._paras(_form.FORM_TITLE, st.title)
        story += lr._paras(_form.FORM_AUTHORITY, st.small)
        story += lr._paras(_form.FORM_INSTRUCTIONS, st.small)
        story.append(Spacer(1, 6))
        story += lr._paras(_form.FORM_LEAD, st.body)
        for item in a.items:
            story.append(_item_row(item, a, st, fill))
        story.append(Spacer(1, 8))
        story += lr._paras(_form.FORM_WARNING, st.bold)
        story += lr._paras(_form.FORM_DECLARATION, st.body)
        story.append(Spacer(1, 10))
        sig = [[lr._paras(_form.FORM_SIGNATURE[0], st.body), "", lr._paras(_form.FORM_SIGNATURE[1], st.body), ""]]
        story.append(lr._table(sig, [lr.TEXT_W * 0.12, lr.TEXT_W * 0.3, lr.TEXT_W * 0.13, lr.TEXT_W * 0.45], (
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (1, 0), (1, 0), 0.6, (0, 0, 0)), ("LINEBELOW", (3, 0), (3, 0), 0.6, (0, 0, 0)),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 14),
        )))
        story.append(Spacer(1, 10))
        story += lr._paras(_form.FORM_NOTICES[0], st.label)
        for text in _form.FORM_NOTICES[1:]:
            story += lr._paras(text, fine)
        story.append(CondPageBreak(120))
        story += lr._paras("Additional Information:", st.label)
        for heading, texts in _form.FORM_ADDITIONAL:
            story += lr._paras(heading, st.label)
            for text in texts:
                story += lr._paras(text, fine)
        story += lr._paras(a.citation, st.grey)
        footers.append((a.footer + " · " + a.citation, "{page}/{pages}"))
    if not affidavits:
        story += lr._paras(_form.FORM_TITLE, st.title)
        footers.append(("", ""))
    return lr._build(story, footers, "en")



def _item_row(item, a: Affidavit, st, fill):
    """`n. the statute's words` with the plan's value on a line, or its check box(es)."""
    box = {True: "☒", False: "☐"}
    number = lr._paras(f"{item.number}.", st.body)
    if item.box is not None:
        cell = lr._paras(f"{box[item.box]}  {item.text}", st.body)
    elif item.number == 6:
        cell = lr._paras(item.text, st.body) + [
            p for text, ticked in a.item_6_boxes for p in lr._paras(f"{box[ticked]}  {text}", st.body)]
    else:
        # The statute's words beside the plan's value, written on a line as on the paper form.
        return lr._table([[number, lr._paras(item.text, st.body), lr._paras(item.value or " ", fill)]],
                         [lr.TEXT_W * 0.06, lr.TEXT_W * 0.40, lr.TEXT_W * 0.54], (
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("VALIGN", (2, 0), (2, 0), "BOTTOM"),
            ("LINEBELOW", (2, 0), (2, 0), 0.5, (0, 0, 0)),
        ))
    return lr._table([[number, cell]], [lr.TEXT_W * 0.06, lr.TEXT_W * 0.94], (
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ))


def render_cards(cards: tuple[CardText, ...]) -> bytes:
    """One page of eight wallet cards with cut marks. One language: eight alike. Both: each row is the
    Spanish side beside the English side, with a dashed fold line between them."""
    from reportlab.pdfgen.canvas import Canvas

    lr._font_coverage()
    st = lr._Styles()
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(lr.PAGE_W, lr.PAGE_H), invariant=1, initialFontName=lr.SANS,
                  lang=cards[0].lang)
    for setter in (canv.setTitle, canv.setAuthor, canv.setSubject, canv.setCreator, canv.setProducer,
                   canv.setKeywords):
        setter("")
    x0 = (lr.PAGE_W - CARD_COLS * CARD_W) / 2
    y0 = (lr.PAGE_H - CARD_ROWS * CARD_H) / 2
    for row in range(CARD_ROWS):
        for col in range(CARD_COLS):
            card = cards[col % len(cards)]
            _draw_card(canv, card, x0 + col * CARD_W, y0 + row * CARD_H, st)
    _cut_marks(canv, x0, y0, fold=len(cards) > 1)
    canv.showPage()
    canv.save()
    return lr._without_signature(buf.getvalue())


def _draw_card(canv, card: CardText, x: float, y: float, st) -> None:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Frame, KeepInFrame

    title = ParagraphStyle("card_title", parent=st.bold, fontSize=9, leading=11, spaceAfter=3)
    body = ParagraphStyle("card_body", parent=st.small, fontSize=7.6, leading=9.2, spaceAfter=2,
                          leftIndent=7, bulletIndent=0)
    nums = ParagraphStyle("card_nums", parent=st.small, fontSize=8.5, leading=10.5, fontName=lr.SANS_BOLD, spaceBefore=2)
    content = lr._paras(card.title, title)
    for text in card.rights:
        content += lr._paras("•\u00a0" + text, body)
    for name, number in card.numbers:
        content += lr._paras(f"{name}: {number}", nums)
    frame = Frame(x + CARD_PAD, y + CARD_PAD, CARD_W - 2 * CARD_PAD, CARD_H - 2 * CARD_PAD,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
    frame.addFromList([KeepInFrame(CARD_W - 2 * CARD_PAD, CARD_H - 2 * CARD_PAD, content, mode="shrink")], canv)


def _cut_marks(canv, x0: float, y0: float, *, fold: bool) -> None:
    """Corner marks outside the sheet of cards and thin guides along every cut; dashed fold lines."""
    w, h = CARD_COLS * CARD_W, CARD_ROWS * CARD_H
    canv.setStrokeColorRGB(0, 0, 0)
    canv.setLineWidth(0.5)
    for col in range(CARD_COLS + 1):
        x = x0 + col * CARD_W
        canv.line(x, y0 - 4 - CUT_MARK, x, y0 - 4)
        canv.line(x, y0 + h + 4, x, y0 + h + 4 + CUT_MARK)
    for row in range(CARD_ROWS + 1):
        y = y0 + row * CARD_H
        canv.line(x0 - 4 - CUT_MARK, y, x0 - 4, y)
        canv.line(x0 + w + 4, y, x0 + w + 4 + CUT_MARK, y)
    canv.setStrokeColorRGB(0.75, 0.75, 0.75)
    canv.setLineWidth(0.25)
    canv.rect(x0, y0, w, h)
    for row in range(1, CARD_ROWS):
        canv.line(x0, y0 + row * CARD_H, x0 + w, y0 + row * CARD_H)
    if fold:
        canv.setDash(3, 3)
    for col in range(1, CARD_COLS):
        canv.line(x0 + col * CARD_W, y0, x0 + col * CARD_W, y0 + h)
    canv.setDash()


__all__ = ["FieldRow", "render_affidavit", "render_cards", "render_packet"]
