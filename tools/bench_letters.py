"""Time referral letters: one letter (median, p95) and 500 in a row, beside reportlab alone.

    python tools/bench_letters.py            print the table; exit 1 when a target is missed
    python tools/bench_letters.py --quick    fewer rounds (a smoke test)

"reportlab alone" builds the same page (the same words, embedded fonts, US Letter page and margins,
letterhead rule, one table per field, footer) with plain platypus: no cleaning, chunking, fit-to-one-page
search or counted page total. The ratio is
what our safety and layout cost on top of reportlab itself. Nothing is written to disk.
"""

from __future__ import annotations

import dataclasses
import io
import statistics
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clinic.letters.compose import LetterContent, compose_letter  # noqa: E402
from clinic.letters.pdf import GREY, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H, PAGE_W, TEXT_W  # noqa: E402
from clinic.letters.render import SANS, SANS_BOLD, render_letter  # noqa: E402
from clinic.letters.sample import sample_request  # noqa: E402

ONE_LETTER_MS = 100
BATCH_SECONDS = 60
BATCH = 500


def reportlab_alone(content: LetterContent) -> bytes:
    """The same page with bare platypus: the same words, embedded fonts, page size, margins, letterhead
    rule, one table per field row (label beside value), spacers and a footer on every page. It skips only
    what is ours: cleaning, chunking, the fit-to-one-page search and the counted "page x of y"."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        HRFlowable,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
    )

    body = ParagraphStyle("b", fontName=SANS, fontSize=10, leading=13.5, spaceAfter=6)
    bold = ParagraphStyle("h", parent=body, fontName=SANS_BOLD)
    small = ParagraphStyle("s", parent=body, fontSize=9, leading=12, spaceAfter=0)
    label = ParagraphStyle("l", parent=small, fontName=SANS_BOLD)
    grey = ParagraphStyle("g", parent=small, textColor=GREY)

    def para(text: str, style) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    story = []
    for i, v in enumerate(content.versions):
        if i:
            story.append(PageBreak())
        story += [para(v.letterhead[0], bold), para("\n".join(v.letterhead[1:]), grey),
                  HRFlowable(width="100%", thickness=0.6, color=GREY, spaceBefore=6, spaceAfter=14),
                  para("\n".join(v.recipient), body), Spacer(1, 8), para(v.date, body), Spacer(1, 4),
                  para(v.reference, bold), Spacer(1, 4)]
        story += [para(text, body) for text in (v.salutation, *v.body)]
        story.append(para(v.fields_heading, bold))
        for section in v.sections:
            story.append(para(section.heading, bold))
            for r in section.rows:
                table = Table([[para(r.label, label), para(r.value, small)]],
                              colWidths=[TEXT_W * 0.3, TEXT_W * 0.7], hAlign="LEFT")
                table.setStyle([("FONTNAME", (0, 0), (-1, -1), SANS), ("VALIGN", (0, 0), (-1, -1), "TOP")])
                story.append(table)
        story += [Spacer(1, 10), *(para(text, body) for text in v.closing), Spacer(1, 28),
                  para("\n".join(v.signature), body)]
    footer = content.versions[0]

    def on_page(canvas, doc) -> None:
        canvas.setFont(SANS, 8)
        canvas.setFillColorRGB(*GREY)
        canvas.drawString(MARGIN_X, MARGIN_BOTTOM - 30, footer.footer)
        canvas.drawRightString(PAGE_W - MARGIN_X, MARGIN_BOTTOM - 30,
                               footer.page_label.format(page=doc.page, pages=doc.page))

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                      topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title="", author="", subject="",
                      creator="", producer="", invariant=1, initialFontName=SANS
                      ).build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def ours(request) -> bytes:
    return render_letter(compose_letter(request))


FIRST_LETTER = """
import sys, time
sys.path.insert(0, {root!r})
import clinic
if {warm}:
    clinic.warm_letters()  # what the app runs on a worker a moment after unlock (ui/kit/warmup.py)
from clinic.letters.compose import compose_letter
from clinic.letters.render import render_letter
from clinic.letters.sample import sample_request
request = sample_request("en")
start = time.perf_counter()
render_letter(compose_letter(request))
print(time.perf_counter() - start)
"""


def first_letter(*, warm: bool, runs: int) -> float:
    """Median time of a session's first letter, each in a new process: with nothing of the letter code
    loaded yet (cold), or after the warm-up the app starts once the workspace shows."""
    import subprocess

    code = FIRST_LETTER.format(root=str(Path(__file__).resolve().parent.parent), warm=warm)
    return statistics.median(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                  check=True).stdout) for _ in range(runs))


def time_each(fn, arg, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn(arg)
        times.append(time.perf_counter() - start)
    return times


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(len(times) * 0.95) - 1)]


def main() -> int:
    quick = "--quick" in sys.argv
    rounds, batch = (10, 50) if quick else (50, BATCH)
    rows = []

    ours(sample_request("es"))  # loads the fonts (which reportlab_alone then uses too)

    worst_p95 = 0.0
    for label, req in (("es", sample_request("es")), ("en", sample_request("en")),
                       ("both, side by side", sample_request("both", "side_by_side")),
                       ("both, in sequence", sample_request("both"))):
        content = compose_letter(req)
        reportlab_alone(content)
        mine = time_each(ours, req, rounds)
        bare = time_each(reportlab_alone, content, rounds)
        worst_p95 = max(worst_p95, p95(mine))
        rows.append((f"one letter, {label}: median", statistics.median(mine) * 1000,
                     statistics.median(bare) * 1000, "ms"))
        rows.append((f"one letter, {label}: p95", p95(mine) * 1000, p95(bare) * 1000, "ms"))

    requests = [dataclasses.replace(sample_request("es"), referral_ref=f"RF-{i:04d}") for i in range(batch)]
    start = time.perf_counter()
    for req in requests:
        ours(req)
    batch_ours = time.perf_counter() - start
    contents = [compose_letter(req) for req in requests]
    start = time.perf_counter()
    for content in contents:
        reportlab_alone(content)
    batch_bare = time.perf_counter() - start
    rows.append((f"{batch} letters in a row (es)", batch_ours, batch_bare, "s"))

    print(f"{'':40} {'ours':>10} {'reportlab':>10} {'ratio':>6}")
    for name, mine, bare, unit in rows:
        print(f"{name:40} {mine:8.1f}{unit:>2} {bare:8.1f}{unit:>2} {mine / bare:6.2f}")
    runs = 3 if quick else 7
    cold_session, warmed = first_letter(warm=False, runs=runs), first_letter(warm=True, runs=runs)
    print(f"{'first letter of a session, cold':40} {cold_session * 1000:8.1f}ms")
    print(f"{'first letter of a session, after warm-up':40} {warmed * 1000:8.1f}ms")
    print(f"targets: one letter and a session's first letter after warm-up <= {ONE_LETTER_MS} ms, "
          f"{BATCH} letters <= {BATCH_SECONDS} s")

    batch_target = BATCH_SECONDS * batch / BATCH
    ok = max(worst_p95, warmed) * 1000 <= ONE_LETTER_MS and batch_ours <= batch_target
    print("OK" if ok else "MISSED A TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
