"""The Hotline screen: a report typed by keyboard, every problem at once, verification, the sealed caller."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clinic.i18n import set_language
from clinic.incidents import model as im
from tests.fixtures.cases import close_error_dialogs, error_dialogs, widget_texts
from ui.incidents import public
from ui.incidents.page import IncidentsPage
from ui.incidents.verify import VerifyDialog

NOTES_CANARY = "NOTE-CANARY-5521 <b>bold</b>"
CALLER = "Caller Canary Ruiz"


@pytest.fixture
def page(qtbot, make_ctx, english):
    def open_page(role: str = "volunteer") -> IncidentsPage:
        ctx = make_ctx(role)
        if role in ("coordinator", "admin"):
            ctx.vault.incidents.set_neighbourhoods(["Centro", "Eastside"])
        widget = IncidentsPage(ctx)
        qtbot.addWidget(widget)
        widget.resize(1166, 728)
        widget.show()
        widget.on_unlocked()
        return widget

    yield open_page
    close_error_dialogs()


def record(ctx, notes: str = "seen", reporter: str = "", day: dt.date | None = None) -> str:
    return ctx.v.incidents.record(im.IncidentDraft(date=day or dt.date.today(), notes=notes,
                                                   reporter_name=reporter)).ref


def test_tab_walks_the_form_in_the_order_of_the_fields(page, qtbot):
    """From the date, Tab reaches every field in form order (the date's precision, the times, the address…)."""
    p = page()
    p.form.add_person()
    QApplication.processEvents()  # a row added to a shown form is shown by the next event loop pass
    order = p.form.inputs()
    seen, widget = [p.form.date], p.form.date
    while len(seen) < len(order):
        widget = widget.nextInFocusChain()
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(p) and widget.isEnabled():
            seen.append(widget)
    assert seen == order


def test_a_report_typed_by_keyboard_is_saved_with_ctrl_enter_and_the_caller_is_sealed(page, qtbot, type_text):
    """Typed, ticked with Space, answered by a first letter, saved by Ctrl+Enter: the core has it, sealed."""
    p = page()
    f = p.form
    type_text(f.start_time, "14:05")
    type_text(f.address, "Calle Núñez & 5th")
    f.activities.boxes[im.Activity.DETAINING].setFocus()
    qtbot.keyClick(f.activities.boxes[im.Activity.DETAINING], Qt.Key.Key_Space)
    type_text(f.agents, "4")
    f.faces_covered.setFocus()
    qtbot.keyClick(f.faces_covered, Qt.Key.Key_Y)
    type_text(f.reporter_name, CALLER)
    type_text(f.notes, NOTES_CANARY)
    qtbot.keyClick(f.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    rows = p.ctx.v.incidents.list()
    assert len(rows) == 1 and rows[0].status is im.Status.UNVERIFIED
    assert rows[0].ref in p.banner.text() and p.banner.isVisible()
    saved = p.ctx.v.incidents.get(rows[0].ref)
    d = saved.draft
    assert (d.start_time, d.address, d.activities, d.agents, d.faces_covered, d.notes) == (
        "14:05", "Calle Núñez & 5th", (im.Activity.DETAINING,), 4, im.Answer.YES, NOTES_CANARY)
    assert saved.has_reporter and d.reporter_name == ""
    assert f.notes.toPlainText() == "" and f.reporter_name.text() == ""  # a fresh form for the next call
    assert CALLER not in "\n".join(widget_texts(p))  # the volunteer never sees the caller back


def test_every_problem_is_marked_at_once_and_nothing_typed_is_lost(page, type_text):
    """A bad date, a bad time and a control character in the notes are all marked; the form keeps them."""
    p = page()
    f = p.form
    f.date.setText("31/31/2026")
    type_text(f.start_time, "25:00")
    f.notes.setPlainText("line\x07bell")
    type_text(f.reporter_phone, "555 0100")
    p.save()
    marked = set(p.errors.marked)
    assert {f.date, f.start_time, f.notes} <= marked
    assert "HH:MM" in p.errors.message(f.start_time)
    assert "control character" in p.errors.message(f.notes)
    assert (f.date.text(), f.start_time.text(), f.notes.toPlainText(), f.reporter_phone.text()) == (
        "31/31/2026", "25:00", "line\x07bell", "555 0100")
    assert p.ctx.v.incidents.list() == []
    assert not p.banner.isVisible()


def test_a_vehicle_field_is_marked_in_its_own_row(page, type_text):
    """A problem in the second vehicle is marked on that vehicle's field, not the first's."""
    p = page()
    second = p.form.add_vehicle()
    type_text(p.form.vehicle_rows[0].make, "Ford")
    second.colour.setText("gr\x00ey")
    p.save()
    assert p.errors.is_marked(second.colour) and not p.errors.is_marked(p.form.vehicle_rows[0].colour)


def test_people_are_numbered_and_saved_without_names(page, qtbot):
    """Added people are 'Person 1', 'Person 2'; detained and children-alone marks reach the core."""
    p = page()
    one, two = p.form.add_person(), p.form.add_person()
    assert (one.heading.text(), two.heading.text()) == ("Person 1", "Person 2")
    two.detained.setChecked(True)
    p.save()
    (row,) = p.ctx.v.incidents.list()
    assert [x.detained for x in p.ctx.v.incidents.get(row.ref).draft.people] == [False, True]


def test_a_coordinator_verifies_and_dismisses_and_the_reason_is_required(page, qtbot, type_text):
    """Verify needs a reason (marked, the dialog stays); with one, the status and history change."""
    p = page("coordinator")
    ref = record(p.ctx, notes=NOTES_CANARY)
    p.reports.refresh()
    p.tabs.setCurrentIndex(1)
    p.reports.table.selectRow(0)
    assert NOTES_CANARY in p.reports.detail.toPlainText()  # literal, in a plain-text box
    p.reports.verify_button.click()
    dialog = p.reports.findChild(VerifyDialog)
    dialog.submit()
    assert dialog.errors.is_marked(dialog.reason) and dialog.isVisible()
    type_text(dialog.reason, "Observer on site confirmed")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert p.ctx.v.incidents.get(ref).status is im.Status.VERIFIED
    assert "Observer on site confirmed" in p.reports.detail.toPlainText()
    p.reports.dismiss_button.click()
    dialog = [d for d in p.reports.findChildren(VerifyDialog) if d.isVisible()][0]
    assert dialog.status.currentData() == im.Status.FALSE_ALARM.value
    type_text(dialog.reason, "Caller withdrew")
    dialog.submit()
    assert p.ctx.v.incidents.get(ref).status is im.Status.FALSE_ALARM


def test_corroboration_names_a_real_report(page, type_text):
    """Linking to a reference that does not exist is marked at the links field; nothing changes."""
    p = page("coordinator")
    ref = record(p.ctx)
    dialog = VerifyDialog(p.ctx, ref, im.Status.CORROBORATED, parent=p)
    type_text(dialog.reason, "two callers")
    type_text(dialog.links, "I-NOPE-NOPE")
    dialog.submit()
    assert dialog.errors.is_marked(dialog.links)
    assert p.ctx.v.incidents.get(ref).status is im.Status.UNVERIFIED


def test_who_sees_what(page, make_ctx):
    """Volunteers get no verification or report buttons; only attorneys and admins may show the caller."""
    ctx = make_ctx("coordinator")
    record(ctx, reporter=CALLER)
    volunteer = page("volunteer")
    r = volunteer.reports
    assert not r.verify_button.isVisibleTo(r) and not r.report_button.isVisibleTo(r)
    assert r.model.rowCount() == 0  # another person's report
    coordinator = page("coordinator")
    assert coordinator.reports.report_button.isVisibleTo(coordinator.reports)
    assert not coordinator.reports.reporter_button.isVisibleTo(coordinator.reports)
    attorney = page("attorney")
    attorney.reports.table.selectRow(0)
    attorney.reports.reporter_button.click()
    assert CALLER in attorney.reports.detail.toPlainText()
    attorney.reports.clear()
    assert CALLER not in "\n".join(widget_texts(attorney))


def test_the_public_report_previews_and_saves_csv_where_chosen(page, tmp_path, monkeypatch):
    """The preview lists the cells with small counts hidden; saving publishes and writes only that file."""
    p = page("coordinator")
    for i in range(12):
        ref = record(p.ctx, notes=NOTES_CANARY, day=dt.date(2026, 11, 3 + i))
        p.ctx.v.incidents.verify(ref, status=im.Status.VERIFIED, reason="ok")
    dialog = public.PublicReportDialog(p.ctx, parent=p, today=dt.date(2026, 12, 5))
    assert (dialog.date_from.date(), dialog.date_to.date()) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert not dialog.csv_button.isEnabled()
    dialog.make_preview()
    cells = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 2).text()) for r in range(dialog.table.rowCount())}
    assert ("Verified incidents", "12") in cells and ("By week (starting)", "<11") in cells
    target = tmp_path / "out.csv"
    monkeypatch.setattr(public.filedialogs, "ask_save", lambda *a: str(target))
    assert dialog.save("csv")
    text = target.read_text(encoding="utf-8")
    assert NOTES_CANARY not in text and "I-" not in text
    assert next(csv.reader(text.splitlines())) == ["table", "category_es", "category_en", "from", "to", "count"]


def test_clear_on_lock_empties_the_form_and_the_list(page, type_text):
    """clear() leaves nothing typed or listed in any widget."""
    p = page("coordinator")
    record(p.ctx, notes=NOTES_CANARY)
    p.reports.refresh()
    p.reports.table.selectRow(0)
    type_text(p.form.address, "ADDRESS-CANARY")
    p.clear()
    texts = "\n".join(widget_texts(p))
    assert NOTES_CANARY not in texts and "ADDRESS-CANARY" not in texts
    assert p.reports.model.rowCount() == 0


def test_the_screen_switches_to_spanish(page):
    """Titles, tabs, labels and choices follow the language."""
    p = page()
    set_language("es")
    p.retranslate()
    assert p.title() == "Línea de ayuda"
    assert p.tabs.tabText(0) == "Nuevo reporte"
    assert p.form.faces_covered.currentText() == "Se desconoce"
    assert not error_dialogs()


def test_the_public_report_pdf_is_bilingual_and_a_new_period_needs_a_new_preview(page, tmp_path, monkeypatch,
                                                                                  type_text):
    """Saving the PDF writes a report read back in both languages with no incident text; editing the period
    drops the preview, so what is saved is always what was shown."""
    p = page("coordinator")
    for i in range(12):
        ref = record(p.ctx, notes=NOTES_CANARY, day=dt.date(2026, 10, 5 + i))
        p.ctx.v.incidents.verify(ref, status=im.Status.VERIFIED, reason="ok")
    dialog = public.PublicReportDialog(p.ctx, parent=p, today=dt.date(2026, 11, 20))
    dialog.make_preview()
    assert dialog.pdf_button.isEnabled()
    type_text(dialog.date_to, "0")
    assert not dialog.pdf_button.isEnabled() and dialog.table.rowCount() == 0
    dialog.date_to.set_date(dt.date(2026, 10, 31))
    dialog.make_preview()
    target = tmp_path / "report.pdf"
    monkeypatch.setattr(public.filedialogs, "ask_save", lambda *a: str(target))
    assert dialog.save("pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Verified incidents" in text and "Hechos verificados" in text
    assert "NOTE-CANARY" not in text


def test_enter_alone_never_saves_but_ctrl_enter_from_a_field_does(page, qtbot, type_text):
    """A plain Enter in a field saves nothing (a call is still going on); Ctrl+Enter from the same field saves."""
    p = page()
    type_text(p.form.address, "Main St & 3rd")
    qtbot.keyClick(p.form.address, Qt.Key.Key_Return)
    assert p.ctx.v.incidents.list() == []
    qtbot.keyClick(p.form.address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(p.ctx.v.incidents.list()) == 1
