"""The funder report dialog: saves PDF or CSV only where the person chose, as a job with progress and
Cancel; the file's totals are the vault's; no client name in it; both languages."""

from __future__ import annotations

import csv
import datetime as dt
import io

from pypdf import PdfReader

from clinic import models as m
from clinic.errors import Cancelled
from clinic.i18n import set_language
from tests.fixtures.cases import SEALED_CANARY, close_error_dialogs
from tests.fixtures.pdf import pdf_text
from ui.kit.tasks import TaskHandle
from ui.reports import funder as funder_ui

TODAY = dt.date.today()
NAMES = ("García", "Núñez", "Okafor", "Ramírez")


def _dialog(p, monkeypatch, target):
    monkeypatch.setattr(funder_ui.filedialogs, "ask_save", lambda *a: str(target))
    d = p.open_funder_report()
    d.date_from.set_date(TODAY - dt.timedelta(days=30))
    d.date_to.set_date(TODAY)
    return d


def test_csv_is_saved_where_chosen_with_the_vaults_totals(page, monkeypatch, tmp_path):
    """Save CSV: the file appears at the chosen path; its totals equal the vault's own counts; no names."""
    p = page("coordinator")
    target = tmp_path / "out" / "funder.csv"
    target.parent.mkdir()
    d = _dialog(p, monkeypatch, target)
    d.suppress.setChecked(False)
    assert d.save("csv")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    totals = {r["section"]: int(r["count"]) for r in rows if r["table"] == "total"}
    assert (totals["opened"], totals["closed"]) == p.ctx.v.funder_report.counts(TODAY - dt.timedelta(days=30),
                                                                                 TODAY)
    assert totals["opened"] >= 4 and str(target) in d.status.text()
    text = target.read_text(encoding="utf-8")
    assert not [n for n in NAMES if n in text] and SEALED_CANARY not in text
    assert sorted(x.name for x in target.parent.iterdir()) == ["funder.csv"]  # no stray temp file left


def test_pdf_reads_back_with_progress_shown_and_no_names(page, monkeypatch, tmp_path):
    """Save PDF: bilingual, suppressed by default; the progress bar reached 100 and hid again."""
    p = page("attorney")
    target = tmp_path / "funder.pdf"
    d = _dialog(p, monkeypatch, target)
    seen = []
    monkeypatch.setattr(d, "_progressed", lambda done, total: seen.append((done, total)))
    assert d.save("pdf")
    data = target.read_bytes()
    text = pdf_text(data)
    assert "Informe para financiadores" in text and "Funder report" in text and "<11" in text
    everything = text + "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(data)).pages)
    assert not [n for n in NAMES if n in everything]
    assert seen and seen[-1][0] == seen[-1][1] and not d.progress.isVisible() and d.pdf_button.isEnabled()


def test_nothing_is_written_when_the_person_does_not_choose_a_file(page, monkeypatch, tmp_path):
    """Cancelling the file dialog writes nothing and starts no job."""
    p = page("coordinator")
    monkeypatch.setattr(funder_ui.filedialogs, "ask_save", lambda *a: "")
    d = p.open_funder_report()
    assert not d.save("pdf") and d.handle is None
    assert not list(tmp_path.glob("*.pdf"))


def test_cancel_during_the_job_saves_nothing(page, monkeypatch, tmp_path):
    """Cancel pressed while the report is counted: no file, a sentence saying so, the buttons back."""
    p = page("coordinator")
    target = tmp_path / "funder.pdf"
    d = _dialog(p, monkeypatch, target)

    def slow(vault, start, end, suppress, kind, task=None):
        TaskHandle(task).cancel()  # the person presses Cancel while the job runs (d.handle, on a real pool)
        task.raise_if_cancelled()
        raise AssertionError("not cancelled")

    monkeypatch.setattr(funder_ui, "make_file", slow)
    d.save("pdf")
    assert not target.exists() and d.status.text() == "Cancelled: nothing was saved."
    assert d.pdf_button.isEnabled() and not d.cancel_button.isVisible()


def test_a_backwards_period_is_marked_at_its_field(page, monkeypatch, tmp_path):
    """From after To: the core's sentence at the To field; no file."""
    p = page("coordinator")
    target = tmp_path / "funder.csv"
    d = _dialog(p, monkeypatch, target)
    d.date_from.set_date(TODAY)
    d.date_to.set_date(TODAY - dt.timedelta(days=3))
    d.save("csv")
    assert d.errors.is_marked(d.date_to) and not target.exists()
    close_error_dialogs()


def test_the_core_stops_when_the_task_is_cancelled(make_ctx):
    """FunderReports.build checks the task: a cancelled task raises Cancelled before counting."""
    class Task:
        cancelled = True

        def progress(self, done, total):
            pass

    ctx = make_ctx("coordinator")
    try:
        ctx.v.funder_report.build(TODAY - dt.timedelta(days=3), TODAY, task=Task())
    except Cancelled:
        pass
    else:
        raise AssertionError("not cancelled")


def test_spanish(page):
    """The page and the dialog read in Spanish after a language change."""
    p = page("coordinator")
    set_language("es")
    p.ctx.signals.language_changed.emit("es")
    p.retranslate()
    d = p.open_funder_report()
    assert p.title() == "Reportes" and d.windowTitle() == "Informe para financiadores"
    assert d.pdf_button.text() == "Guardar &PDF…" and "ningún nombre" in d.intro.text()


def test_volunteers_have_no_reports_page():
    """The sidebar offers Reports only to roles that may publish reports."""
    from ui.pages import PAGES

    rule = next(r for key, _mod, _cls, r in PAGES if key == "reports")

    class Ctx:
        def __init__(self, role):
            self.role = role

        def can(self, what):
            from clinic.access import allowed

            return allowed(self.role, what)

    assert not rule(Ctx(m.Role.VOLUNTEER)) and rule(Ctx(m.Role.COORDINATOR))
