"""The Preparedness screen: a plan opened by reference, saved, printed through the letter preview; renewals."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from clinic.i18n import set_language
from clinic.preparedness import model as pm
from tests.fixtures.cases import SEALED_CANARY, close_error_dialogs, error_dialogs, widget_texts
from ui.kit import preview as preview_module
from ui.kit.document_preview import DocumentPreview
from ui.preparedness.page import PlansPage

CHILD = "Lucía Núñez <i>x</i>"


@pytest.fixture
def page(qtbot, make_ctx, english):
    opened = []

    def open_page(role: str = "attorney") -> PlansPage:
        widget = PlansPage(make_ctx(role))
        qtbot.addWidget(widget)
        widget.resize(1166, 728)
        widget.show()
        widget.on_unlocked()
        opened.append(widget)
        return widget

    yield open_page
    for widget in opened:
        widget.clear()
    close_error_dialogs()


def ref_of(p: PlansPage, template, family: str = "Núñez") -> str:
    return p.ctx.v.clients.get(template.clients[family]).client.ref


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def fill_plan(p: PlansPage, type_text) -> None:
    child = p.form.children.add()
    type_text(child["name"], CHILD)
    type_text(child["date_of_birth"], "2016-04-02")
    type_text(p.form.primary.widgets["name"], "Rosa Pérez")
    type_text(p.form.primary.widgets["phone"], "555-0101")
    type_text(p.form.primary.widgets["relationship"], "Aunt")
    p.form.primary.widgets["qualified_relative"].setChecked(True)


def test_a_plan_is_opened_by_reference_saved_and_read_back(page, template, qtbot, type_text):
    """Typing the reference and Enter opens the (empty) plan; Ctrl+S saves it; opening again shows it."""
    p = page()
    assert not p.form.isEnabled()
    ref = ref_of(p, template)
    type_text(p.ref_edit, ref.lower())
    qtbot.keyClick(p.ref_edit, Qt.Key.Key_Return)
    assert p.form.isEnabled() and ref in p.heading.text()
    fill_plan(p, type_text)
    qtbot.keyClick(p.form.primary.widgets["phone"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "saved" in p.status.text()
    plan = p.ctx.v.plans.get(ref)
    assert plan.children[0].name == CHILD and plan.children[0].date_of_birth == dt.date(2016, 4, 2)
    assert plan.primary_caregiver.qualified_relative and plan.primary_caregiver.relationship == "Aunt"
    p.clear()
    assert p.open_ref(ref)
    assert p.form.children.rows[0]["name"].text() == CHILD


def test_problems_are_marked_at_their_fields_and_nothing_is_lost(page, template, type_text):
    """An unreadable date is marked before saving; a child without a name is the core's refusal, marked there."""
    p = page()
    p.open_ref(ref_of(p, template))
    child = p.form.children.add()
    type_text(child["date_of_birth"], "31/31/2016")
    type_text(p.form.primary.widgets["date_of_birth"], "2/30/1980")
    assert not p.save()
    assert p.errors.is_marked(child["date_of_birth"]) and p.errors.is_marked(p.form.primary.widgets["date_of_birth"])
    assert child["date_of_birth"].text() == "31/31/2016"
    child["date_of_birth"].setText("2016-04-02")
    p.form.primary.widgets["date_of_birth"].clear()
    type_text(child["school"], "Lincoln")
    assert not p.save()
    assert p.errors.is_marked(child["name"]) and "name" in p.errors.message(child["name"])
    assert child["school"].text() == "Lincoln"


def test_the_affidavit_is_previewed_from_memory_and_saved_only_where_chosen(page, template, type_text, tmp_path,
                                                                           monkeypatch):
    """Preview… saves, renders and shows the affidavit; it names the child and no sealed value; Save writes it."""
    p = page()
    ref = ref_of(p, template)
    p.open_ref(ref)
    fill_plan(p, type_text)
    p.what.setCurrentIndex(p.what.findData("affidavit"))
    p.lang.setCurrentIndex(p.lang.findData("en"))
    preview = p.print_document()
    assert isinstance(preview, DocumentPreview) and preview.isVisible()
    assert ref in preview.windowTitle() and "Núñez" not in preview.windowTitle()
    text = pdf_text(preview._pdf)
    assert "Lucía Núñez <i>x</i>" in text.replace("\n", " ") and SEALED_CANARY not in text
    target = tmp_path / "chosen.pdf"
    before = set(tmp_path.iterdir())
    monkeypatch.setattr(preview_module, "confirm_unencrypted", lambda parent, name: True)
    monkeypatch.setattr(preview_module.filedialogs, "ask_save", lambda *a: str(target))
    assert preview.save_as_pdf()
    assert target.read_bytes() == p.ctx.v.plans.latest(ref, "affidavit")
    assert set(tmp_path.iterdir()) - before == {target}  # no other file anywhere near


def test_wallet_cards_print_to_the_chosen_printer(page, template, type_text, tmp_path, monkeypatch):
    """Print… paints the cards onto the printer the person chose."""
    p = page("coordinator")
    p.open_ref(ref_of(p, template, "García"))
    fill_plan(p, type_text)
    p.what.setCurrentIndex(p.what.findData("cards"))
    preview = p.print_document()
    printed = tmp_path / "printed.pdf"

    def accept(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    assert preview.print_letter()
    assert len(PdfReader(printed).pages) == preview.document.pageCount() >= 1


def test_renewals_due_are_listed_and_open_their_plan(page, template, qtbot):
    """A plan whose affidavit is a year old is listed; Enter on it opens that plan."""
    p = page()
    ref = ref_of(p, template, "Okafor")
    year_ago = dt.date.today() - dt.timedelta(days=366)
    p.ctx.v.plans.set(ref, pm.Plan(children=(pm.Child(name="Ada", date_of_birth=dt.date(2018, 1, 1)),),
                                   affidavit_signed=True, affidavit_date=year_ago))
    p.on_unlocked()
    assert [r.client_ref for r in p.renewals.rows] == [ref]
    p.tabs.setCurrentIndex(1)
    p.renewal_table.setCurrentIndex(p.renewals.index(0, 0))
    p.renewal_table.activated.emit(p.renewals.index(0, 0))
    assert p.ref == ref and p.tabs.currentIndex() == 0
    assert p.form.affidavit_signed.isChecked() and p.form.affidavit_date.date() == year_ago


def test_a_volunteer_cannot_open_someone_elses_client(page, template):
    """The core refuses; the form stays closed; there is no renewals list."""
    p = page("volunteer")
    assert not p.tabs.isTabVisible(1)
    assert not p.open_ref(ref_of(page("attorney"), template))
    assert error_dialogs() and not p.form.isEnabled()


def test_clear_and_spanish(page, template, type_text):
    """clear() leaves nothing of the plan in the widgets; the screen follows the language."""
    p = page()
    p.open_ref(ref_of(p, template))
    fill_plan(p, type_text)
    p.clear()
    assert CHILD not in "\n".join(widget_texts(p)) and "Rosa Pérez" not in "\n".join(widget_texts(p))
    set_language("es")
    p.retranslate()
    assert p.title() == "Preparación"
    assert p.tabs.tabText(1) == "Renovaciones pendientes"
