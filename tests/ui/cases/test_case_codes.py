"""LSC codes in the case view: attorneys change the problem code; rejecting and closing ask for codes."""

from __future__ import annotations

from clinic import models as m
from clinic.i18n import set_language


def test_an_attorney_sets_any_problem_code_from_the_full_list(view, template, make_ctx):
    """The list holds every LSC code (not only the need's default); Set code saves it through the core."""
    w = view("attorney", template.cases["García"])
    box = w.codes
    assert box.problem.isVisible() and box.problem.count() >= 70
    assert box.problem.currentData() == w.ctx.v.cases.get(template.cases["García"]).problem_code
    box.problem.setCurrentIndex(box.problem.findData(86))
    box.save_button.click()
    assert make_ctx("coordinator").v.cases.get(template.cases["García"]).problem_code == 86
    assert box.problem.currentText().startswith("86 · Human Trafficking")


def test_a_coordinator_reads_the_problem_code_but_cannot_change_it(view, template):
    """Without REVIEW_CASES the code is shown as text; there is no list and no button."""
    w = view("coordinator", template.cases["García"])
    assert not w.codes.problem.isVisible() and not w.codes.save_button.isVisible()
    assert w.codes.problem_value.isVisible() and "LSC problem code: " in w.codes.problem_value.text()


def test_rejecting_asks_for_a_listed_reason_and_other_for_a_note(view, template):
    """No reason chosen: marked at the list, nothing saved; "other" shows the note, needed; then saved."""
    w = view("attorney", template.cases["Núñez"])
    dialog = w.change_status()
    dialog.choose(m.CaseStatus.REJECTED)
    assert dialog.rejection.isVisible() and not dialog.closure.isVisible()
    dialog.reason.setPlainText("No podemos tomarlo")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.rejection)
    dialog.rejection.setCurrentIndex(dialog.rejection.findData("other"))
    assert dialog.rejection_note.isVisible()
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.rejection_note)
    dialog.rejection_note.setText("Ya tiene abogado")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert w.ctx.v.cases.codes(template.cases["Núñez"]) == (None, "other", "Ya tiene abogado")
    assert "Other (explain): Ya tiene abogado" in w.codes.closing.text()


def test_closing_asks_for_an_lsc_closure_category(view, template):
    """Closing without a category is refused at the list; with IB it is saved and shown in the box."""
    w = view("attorney", template.cases["Okafor"])
    dialog = w.change_status()
    dialog.choose(m.CaseStatus.CLOSED)
    assert dialog.closure.isVisible() and not dialog.rejection.isVisible()
    assert dialog.closure.count() == 11  # a "choose" line and the ten categories
    dialog.reason.setPlainText("Hearing won")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.closure)
    dialog.closure.setCurrentIndex(dialog.closure.findData("IB"))
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible() and "Closed" in w.facts.text()
    assert "IB · Contested Court Decision" in w.codes.closing.text()


def test_codes_read_in_spanish(view, template):
    """After a language change the box, the lists and the dialog read in Spanish."""
    w = view("attorney", template.cases["García"])
    set_language("es")
    w.retranslate()
    assert w.codes.title() == "Códigos LSC"
    assert "Arrendador privado/inquilino" in w.codes.problem.itemText(w.codes.problem.findData(63))
    dialog = w.change_status()
    dialog.choose(m.CaseStatus.CLOSED)
    assert dialog.closure.itemText(dialog.closure.findData("A")) == "A · Consejo y asesoría"
