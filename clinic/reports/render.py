"""The public report as a bilingual PDF (reportlab), with a weekly chart; the letters' fonts and helpers."""

from __future__ import annotations

from clinic.i18n import N_, translator_for
from clinic.letters import render as lr
from clinic.reports.public import METHOD_NOTE, TABLE_TITLES, PublicReport, category_label, shown
from clinic.reports.suppression import SMALL

TITLE = N_("Public report: immigration enforcement activity reported to the clinic")
PERIOD = N_("From {start} to {end}")
METHOD = N_("Method")
COUNT = N_("Count")
CHART = N_("Verified incidents by week (hidden counts drawn as empty bars)")
FOOTER = N_("Aggregate counts only")
PAGE = N_("Page {page} of {pages}")


def _both(message: str, **kw) -> str:
    es = translator_for("es").gettext(message).format(**kw)
    en = translator_for("en").gettext(message).format(**kw)
    return es if es == en else f"{es} / {en}"


def _chart(report: PublicReport):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import Color

    weeks = [c for c in report.cells if c.table == "week"]
    drawing = Drawing(lr.TEXT_W, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, lr.TEXT_W - 40, 110
    chart.data = [[bar_height(c.value) for c in weeks] or [0]]
    chart.categoryAxis.categoryNames = [c.start.strftime("%m-%d") for c in weeks] or [""]
    scale_axes(chart, max([bar_height(c.value) for c in weeks] + [SMALL]))
    chart.bars[0].fillColor = Color(0.3, 0.4, 0.6)
    mark_hidden(chart, [[c.value for c in weeks]])
    drawing.add(chart)
    return drawing


def bar_height(value: int | None) -> int:
    """A suppressed count (None) is drawn as high as the largest hidden value could be, as an empty bar."""
    return SMALL if value is None else value


def mark_hidden(chart, values: list[list[int | None]]) -> None:
    """Draw each suppressed bar (value None in `values[series][index]`) unfilled with a dashed outline."""
    from reportlab.lib.colors import white

    for series, row in enumerate(values):
        for index, value in enumerate(row):
            if value is None:
                chart.bars[(series, index)].fillColor = white
                chart.bars[(series, index)].strokeDashArray = (2, 2)


def scale_axes(chart, top: int) -> None:
    """A report chart's axes: small sans labels, counts from 0 to `top` in about five steps."""
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = lr.SANS
        axis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = max(1, -(-top // 5))


def render_public_report(report: PublicReport, clinic_name: str) -> bytes:
    from reportlab.platypus import Paragraph, Spacer

    lr._font_coverage()
    st = lr._Styles()
    story = [Paragraph(lr._markup(clinic_name), st.clinic),
             Paragraph(lr._markup(_both(TITLE)), st.title),
             Paragraph(lr._markup(_both(PERIOD, start=report.date_from.isoformat(),
                                        end=report.date_to.isoformat())), st.body)]
    story.append(Paragraph(lr._markup(_both(CHART)), st.section))
    story.append(_chart(report))
    for table in TABLE_TITLES:
        cells = [c for c in report.cells if c.table == table]
        story.append(Paragraph(lr._markup(_both(TABLE_TITLES[table])), st.heading))
        rows = [[Paragraph(lr._markup("Español"), st.label), Paragraph(lr._markup("English"), st.label),
                 Paragraph(lr._markup(_both(COUNT)), st.label)]]
        for c in cells:
            rows.append([Paragraph(lr._markup(category_label(c, "es")), st.small),
                         Paragraph(lr._markup(category_label(c, "en")), st.small),
                         Paragraph(lr._markup(shown(c)), st.small)])
        story.append(lr._table(rows, [lr.TEXT_W * 0.42, lr.TEXT_W * 0.42, lr.TEXT_W * 0.16],
                               [("LINEBELOW", (0, 0), (-1, 0), 0.5, (0.5, 0.5, 0.5))]))
    story.append(Spacer(1, 8))
    story.append(Paragraph(lr._markup(_both(METHOD)), st.heading))
    for lang in ("es", "en"):
        story.append(Paragraph(lr._markup(translator_for(lang).gettext(METHOD_NOTE)), st.small))
    return lr._build(story, [(_both(FOOTER), _both(PAGE, page="{page}", pages="{pages}"))], "es")
