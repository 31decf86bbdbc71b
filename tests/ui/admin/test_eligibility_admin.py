"""The Administration page's Eligibility box, as an admin uses it: funding sources added, refused with the
field marked and the typing kept, deactivated; a new year's guideline table read from a CSV file, shown,
then loaded; both dialogs in Spanish without an Alt-letter twice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fixtures.mnemonics import problems
from ui.admin.funding import EligibilityBox

HEADER = "year,effective,region,base,per_additional,source\n"
GOOD = (HEADER + "2027,2027-01-14,contiguous,16300,5800,92 FR 1 (example)\n"
        "2027,2027-01-14,alaska,20400,7250,92 FR 1 (example)\n"
        "2027,2027-01-14,hawaii,18750,6670,92 FR 1 (example)\n")


@pytest.fixture
def box(qtbot, make_ctx, lang):
    widget = EligibilityBox(make_ctx("admin"))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _active(qtbot, window):
    """Shown and the active window, as a dialog the person just opened (focus moves only there)."""
    qtbot.waitUntil(window.isVisible)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _names(dialog) -> list[str]:
    return [s.name for s in dialog.model.rows]


def test_an_admin_adds_a_source_and_a_refusal_keeps_what_was_typed(box, qtbot):
    sources = box.open_sources()
    assert _names(sources) == ["LSC", "County", "Unrestricted"]
    form = _active(qtbot, sources.add())
    form.name.setFocus()
    qtbot.keyClicks(form.name, "City raid fund")
    qtbot.keyClick(form.name, Qt.Key.Key_Tab)
    assert form.ceiling.hasFocus()  # the keyboard goes field to field in the order shown
    qtbot.keyClicks(form.ceiling, "250")
    qtbot.keyClick(form.ceiling, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.exception, "200")  # under the income ceiling: the core refuses it
    qtbot.keyClick(form.exception, Qt.Key.Key_Return)
    assert form.isVisible() and form.errors.is_marked(form.exception)
    assert "exception ceiling must be above" in form.errors.message(form.exception)
    assert (form.name.text(), form.ceiling.text(), form.exception.text()) == ("City raid fund", "250", "200")
    assert _names(sources) == ["LSC", "County", "Unrestricted"]  # nothing saved
    form.exception.clear()
    qtbot.keyClick(form.exception, Qt.Key.Key_Return)
    assert not form.isVisible()
    stored = box.ctx.v.funding.all()
    assert [(s.name, s.income_ceiling_pct, s.lsc_funded, s.active) for s in stored][-1] == (
        "City raid fund", 250, False, True)
    assert "City raid fund" in _names(sources) and sources.selected().name == "City raid fund"


def test_deactivating_a_source_keeps_it_listed_and_out_of_new_cases(box):
    sources = box.open_sources()
    sources.table.selectRow(_names(sources).index("County"))
    assert sources.active_button.text() == "&Deactivate"
    sources.active_button.click()
    assert [s.name for s in box.ctx.v.eligibility.sources()] == ["LSC", "Unrestricted"]
    assert sources.selected().name == "County" and not sources.selected().active
    row = _names(sources).index("County")
    assert sources.model.index(row, 5).data() == "No, deactivated"
    assert sources.active_button.text() == "Rea&ctivate"
    sources.active_button.click()
    assert [s.name for s in box.ctx.v.eligibility.sources()] == ["LSC", "County", "Unrestricted"]


def test_a_guideline_file_is_shown_before_it_is_loaded(box, tmp_path):
    chosen = tmp_path / "guidelines-2027.csv"
    chosen.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())  # as a spreadsheet saves "CSV UTF-8", with a BOM
    dialog = box.open_table()
    assert not dialog.load_button.isEnabled()
    dialog.preview_file(str(chosen))
    assert dialog.model.rowCount() == 3 and not dialog.problem.isVisible()
    assert [dialog.model.index(r, 3).data() for r in range(3)] == ["$16,300", "$20,400", "$18,750"]
    assert "The 2027 table" in dialog.summary.text()
    assert 2027 not in box.ctx.v.eligibility.tables()  # a preview saves nothing
    dialog.load_button.click()
    assert box.ctx.v.eligibility.tables()[2027].year == 2027
    assert "Loaded the 2027" in dialog.summary.text() and not dialog.load_button.isEnabled()


def test_a_bad_guideline_file_is_refused_naming_its_line(box, tmp_path):
    chosen = tmp_path / "bad.csv"
    chosen.write_text(GOOD.replace("alaska,20400", "alaska,twenty"), encoding="utf-8")
    dialog = box.open_table()
    dialog.preview_file(str(chosen))
    assert dialog.problem.isVisible() and "Line 3" in dialog.problem.text()
    assert dialog.model.rowCount() == 0 and not dialog.load_button.isEnabled()
    (tmp_path / "latin1.csv").write_bytes(GOOD.replace("example", "año").encode("latin-1"))
    dialog.preview_file(str(tmp_path / "latin1.csv"))
    assert "UTF-8" in dialog.problem.text() and not dialog.load_button.isEnabled()
    assert 2027 not in box.ctx.v.eligibility.tables()


@pytest.mark.parametrize("lang", ["es"], indirect=True)
def test_in_spanish(box, qtbot, tmp_path):
    assert box.sources_button.text() == "F&uentes de financiamiento…"
    sources = box.open_sources()
    qtbot.waitUntil(sources.isVisible)
    assert sources.model.index(0, 1).data() == "125\u00a0% de la pauta"  # Babel's es percent: a no-break space
    assert problems(sources, "funding sources") == []
    form = sources.add()
    qtbot.waitUntil(form.isVisible)
    assert problems(form, "funding source form") == []
    form.reject()
    (tmp_path / "bad.csv").write_text(HEADER + "2027,2027-01-14,contiguous,16300,5800,x\n", encoding="utf-8")
    dialog = box.open_table()
    qtbot.waitUntil(dialog.isVisible)
    assert problems(dialog, "guideline table") == []
    dialog.preview_file(str(tmp_path / "bad.csv"))
    assert dialog.problem.text().startswith("La tabla no tiene ninguna fila para")


@pytest.mark.parametrize("lang", ["en"], indirect=True)
def test_the_dialogs_have_no_alt_letter_twice_in_english(box, qtbot):
    for dialog in (box.open_sources(), box.open_table()):
        qtbot.waitUntil(dialog.isVisible)
        assert problems(dialog, dialog.objectName()) == []
        dialog.reject()
    form = box.open_sources().add()
    qtbot.waitUntil(form.isVisible)
    assert problems(form, "funding source form") == []
