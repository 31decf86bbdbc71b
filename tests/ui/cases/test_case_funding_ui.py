"""A case's funding source in the case view: an attorney chooses one and sets it; others only read it."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_an_attorney_sets_the_funding_source_from_the_case_view(view, template, qtbot, make_ctx):
    w = view("attorney", template.cases["García"])
    f = w.funding
    assert f.combo.isVisibleTo(w) and f.button.isVisibleTo(w) and not f.value.isVisibleTo(w)
    assert [f.combo.itemData(i) for i in range(f.combo.count())] == ["", "LSC", "County", "Unrestricted"]
    assert f.combo.currentData() == "" and f.note.text() == ""
    f.combo.setFocus()
    qtbot.keyClick(f.combo, Qt.Key.Key_Down)  # keyboard: the next source, LSC
    assert f.combo.currentData() == "LSC" and "LSC-funded" in f.note.text()
    assert "Never ask the person's status" in f.note.text()
    f.button.setFocus()
    qtbot.keyClick(f.button, Qt.Key.Key_Space)
    assert make_ctx("attorney").v.cases.funding_source(template.cases["García"]) == "LSC"
    assert w.funding.combo.currentData() == "LSC"  # the view reloaded with the stored value


def test_a_coordinator_reads_it_without_a_button(view, template, make_ctx):
    make_ctx("attorney").v.cases.set_funding_source(template.cases["García"], "County")
    w = view("coordinator", template.cases["García"])
    f = w.funding
    assert f.value.isVisibleTo(w) and f.value.text() == "County"
    assert not f.combo.isVisibleTo(w) and not f.button.isVisibleTo(w)


def _case_at(ctx, percent: int) -> int:
    """A case from an intake of four whose yearly income is `percent` % of today's guideline."""
    from clinic import clock
    from clinic import models as m
    from clinic.eligibility import income

    guideline = ctx.v.eligibility.assess([], household_size=4, on=clock.today()).guideline
    return ctx.v.intakes.record(m.IntakeDraft(
        given_names="Rosa", family_name_1="Ramírez", needs=(m.Need.HOUSING,), consent_to_store=True,
        household_size=4, income=(income.line("wages", guideline * percent // 100, "year"),))).case_id


def test_an_exception_asks_for_its_reason_and_a_refusal_keeps_the_choice(view, make_ctx, qtbot):
    """150% of the guideline: LSC (125%, exception to 200%) only with a reason; County (200%) plainly."""
    from clinic import models as m

    case_id = _case_at(make_ctx("attorney"), 150)
    w = view("attorney", case_id)
    f = w.funding
    labels = {f.combo.itemData(i): f.combo.itemText(i) for i in range(f.combo.count())}
    assert labels["LSC"] == "LSC (only as an exception, with a reason)"
    assert labels["County"] == "County (the household qualifies)"
    assert not f.reason_box.isVisibleTo(w)
    f.combo.setCurrentIndex(f.combo.findData("LSC"))
    assert f.reason_box.isVisibleTo(w) and "exception ceiling (200%)" in f.note.text()
    f.button.click()  # no reason: refused at the reason field, the choice kept
    assert f.errors.is_marked(f.reason) and "1611.5" in f.errors.message(f.reason)
    assert f.combo.currentData() == "LSC"
    assert make_ctx("attorney").v.cases.funding(case_id) == m.CaseFunding("", "")
    f.reason.setFocus()
    qtbot.keyClicks(f.reason, "Medical bills; board policy 2024-3")
    qtbot.keyClick(f.reason, Qt.Key.Key_Return)  # Enter in the reason sets the source
    assert make_ctx("attorney").v.cases.funding(case_id) == m.CaseFunding("LSC", "Medical bills; board policy 2024-3")
    assert not f.errors.is_marked(f.reason)
    assert f.shown_reason.isVisibleTo(w) and "Medical bills" in f.shown_reason.text()


def test_over_the_exception_ceiling_the_source_is_refused(view, make_ctx):
    from clinic import models as m

    case_id = _case_at(make_ctx("attorney"), 250)
    w = view("attorney", case_id)
    f = w.funding
    f.combo.setCurrentIndex(f.combo.findData("LSC"))
    assert "over what LSC allows" in f.note.text() and not f.reason_box.isVisibleTo(w)
    f.button.click()
    assert f.errors.is_marked(f.combo) and "250%" in f.errors.message(f.combo)
    assert make_ctx("attorney").v.cases.funding(case_id) == m.CaseFunding("", "")
