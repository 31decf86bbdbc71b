"""The funder report as a bilingual PDF (reportlab), with a chart of cases by income band; counts only."""

from __future__ import annotations

from clinic.i18n import N_, translator_for
from clinic.letters import render as lr
from clinic.reports.funder import (
    BANDS,
    METHOD_NOTE,
    SECTIONS,
    SUPPRESSED_NOTE,
    TABLES,
    UNSUPPRESSED_NOTE,
    FunderReport,
    category_label,
    section_of,
    shown,
    table_of,
)
from clinic.reports.render import (
    COUNT,
    FOOTER,
    METHOD,
    PAGE,
    PERIOD,
    _both,
    bar_height,
    mark_hidden,
    scale_axes,
)

TITLE = N_("Funder report: cases opened and closed")
CHART = N_("Cases by household income (hidden counts drawn as empty bars)")
LEGEND = N_("Dark: opened. Light: closed.")
BAND_SHORT = {"under_100": "<100%", "100_125": "100-125%", "125_200": "125-200%", "over_200": ">200%",
              "unknown": "?"}


def _chart(report: FunderReport):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import Color

    values = {(c.table, c.category): c.value for c in report.cells}
    shown = [[values.get((f"{s}_band", b), 0) for b in BANDS] for s in SECTIONS]
    data = [[bar_height(v) for v in row] for row in shown]
    drawing = Drawing(lr.TEXT_W, 160)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, lr.TEXT_W - 40, 120
    chart.data = data
    chart.categoryAxis.categoryNames = list(BAND_SHORT.values())
    scale_axes(chart, max([v for row in data for v in row] + [10]))
    chart.bars[0].fillColor = Color(0.25, 0.35, 0.55)
    chart.bars[1].fillColor = Color(0.65, 0.75, 0.9)
    mark_hidden(chart, shown)
    drawing.add(chart)
    return drawing


def render_funder_report(report: FunderReport, clinic_name: str) -> bytes:
    from reportlab.platypus import Paragraph, Spacer

    lr._font_coverage()
    st = lr._Styles()
    story = [Paragraph(lr._markup(clinic_name), st.clinic),
             Paragraph(lr._markup(_both(TITLE)), st.title),
             Paragraph(lr._markup(_both(PERIOD, start=report.date_from.isoformat(),
                                        end=report.date_to.isoformat())), st.body),
             Paragraph(lr._markup(_both(CHART)), st.section),
             _chart(report),
             Paragraph(lr._markup(_both(LEGEND)), st.small)]
    for section in SECTIONS:
        story.append(Paragraph(lr._markup(_both(SECTIONS[section])), st.section))
        for table in TABLES:
            cells = [c for c in report.cells if section_of(c) == section and table_of(c) == table]
            if not cells:
                continue
            story.append(Paragraph(lr._markup(_both(TABLES[table])), st.heading))
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
    for note in (METHOD_NOTE, SUPPRESSED_NOTE if report.suppressed else UNSUPPRESSED_NOTE):
        for lang in ("es", "en"):
            story.append(Paragraph(lr._markup(translator_for(lang).gettext(note)), st.small))
    return lr._build(story, [(_both(FOOTER), _both(PAGE, page="{page}", pages="{pages}"))], "es")
