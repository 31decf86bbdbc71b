"""The walk-in intake screen on a real encrypted vault: keyboard only, returning clients, clearing, language.

Refused saves (every problem at its field) are in test_intake_errors.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from clinic import models as m
from tests.fixtures.intake import CANARY, draft, fill_person, focused, shows
from ui.intake.page import DUPLICATE_DELAY_MS, IntakePage


def test_keyboard_only_intake_with_accented_names(qtbot, page, type_text):
    """Type, Tab in form order to the consent box, Space, Enter: saved, reference shown, fresh form."""
    type_text(focused(), "José María")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(focused(), "Núñez")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(focused(), "Peña")
    visited = [page.form.given_names, page.form.family_name_1, page.form.family_name_2]
    for _ in range(100):
        if focused() is page.form.consent:
            break
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
        visited.append(focused())
    assert focused() is page.form.consent
    order = page.form.inputs()
    positions = [order.index(w) for w in visited]
    assert positions == sorted(positions), "Tab order follows the form top to bottom"
    every_text_field = [w for w in order if isinstance(w, (QLineEdit, QPlainTextEdit))]
    assert all(w in visited for w in every_text_field)

    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    assert page.form.consent.isChecked()
    # The save says exactly what it changed (its receipt), so views update one row, not reload everything.
    with qtbot.waitSignal(page.ctx.signals.intake_recorded, timeout=1000) as changed:
        qtbot.keyClick(focused(), Qt.Key.Key_Return)

    assert page.banner.isVisible()
    ref = page.banner_label.text().rsplit(" ", 1)[-1]
    assert changed.args[0].client_ref == ref and changed.args[0].new_client
    assert page.banner_label.text() == f"Saved. Client reference: {ref}"
    assert page.banner_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    client = page.ctx.v.clients.get(ref).client
    assert (client.given_names, client.family_name_1, client.family_name_2) == ("José María", "Núñez", "Peña")
    assert page.form.given_names.text() == "" and not page.form.consent.isChecked()
    assert focused() is page.form.given_names


def test_enter_in_notes_is_a_newline_and_ctrl_enter_saves(qtbot, page, type_text):
    """In the notes box Enter adds a line; Ctrl+Enter saves like Enter elsewhere."""
    fill_person(page, type_text, "Ana", "Ruiz")
    page.form.consent.setChecked(True)
    page.form.notes.setFocus()
    type_text(page.form.notes, "first")
    qtbot.keyClick(page.form.notes, Qt.Key.Key_Return)
    type_text(page.form.notes, "second")
    assert page.form.notes.toPlainText() == "first\nsecond"
    assert not page.banner.isVisible()
    qtbot.keyClick(page.form.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.banner.isVisible()
    ref = page.banner_label.text().rsplit(" ", 1)[-1]
    assert page.ctx.v.clients.get(ref).intakes[0].notes == "first\nsecond"


def test_escape_clears_nothing(qtbot, page, type_text):
    """Esc keeps everything typed."""
    fill_person(page, type_text, "Ana", "Ruiz")
    qtbot.keyClick(page.form.family_name_1, Qt.Key.Key_Escape)
    assert page.form.given_names.text() == "Ana" and page.form.family_name_1.text() == "Ruiz"


def test_tabbing_to_a_field_below_the_fold_scrolls_to_it(qtbot, page):
    page.resize(1000, 500)
    page.form.site.setFocus(Qt.FocusReason.TabFocusReason)
    viewport = page.scroll.viewport()
    y = page.form.site.mapTo(viewport, page.form.site.rect().topLeft()).y()
    assert page.scroll.verticalScrollBar().value() > 0 and 0 <= y < viewport.height()


def test_the_saved_banner_goes_when_the_next_intake_is_typed(qtbot, page, type_text):
    fill_person(page, type_text, "Ana", "Ruiz")
    page.form.consent.setChecked(True)
    page.save()
    assert page.banner.isVisible()
    type_text(page.form.given_names, "L")
    assert not page.banner.isVisible()


def test_leave_a_message_is_off_by_default(page):
    """A message can expose the person: the box starts unticked, calls and texts ticked."""
    for phone in page.form.phones:
        assert not phone.message.isChecked()
        assert phone.call.isChecked() and phone.text_ok.isChecked()


def test_duplicate_hint_is_accent_insensitive_and_same_person_adds_an_intake(qtbot, page, type_text):
    """'Jose Nunez' with the same birth date finds 'José Núñez'; Same person records for that client."""
    born = dt.date(1987, 3, 14)
    first = page.ctx.v.intakes.record(draft("José", "Núñez", born))
    fill_person(page, type_text, "Jose", "Nunez", "1987-03-14")
    qtbot.wait(DUPLICATE_DELAY_MS // 2)
    assert page.duplicates_list.count() == 0, "debounced: nothing yet"
    qtbot.waitUntil(lambda: page.duplicates_list.count() == 1, timeout=2000)
    text = page.duplicates_list.item(0).text()
    assert "José Núñez" in text and "Mar 14, 1987" in text and first.client_ref not in text

    page.duplicates_list.setFocus()
    qtbot.keyClick(page.duplicates_list, Qt.Key.Key_Return)  # Enter on the list: the same person
    assert page.existing_client is not None and page.existing_client.id == first.client_id
    assert page.chip.isVisible() and first.client_ref in page.chip_label.text()
    assert not page.same_button.isEnabled()

    page.form.consent.setChecked(True)
    page.save()
    assert page.banner_label.text().endswith(first.client_ref)
    assert len(page.ctx.v.clients.get(first.client_id).intakes) == 2
    assert not page.chip.isVisible()


def test_undo_same_person_records_a_new_client(qtbot, page, type_text):
    """Undo on the returning-client chip goes back to a new client."""
    first = page.ctx.v.intakes.record(draft("José", "Núñez", dt.date(1987, 3, 14)))
    fill_person(page, type_text, "Jose", "Nunez")
    qtbot.waitUntil(lambda: page.duplicates_list.count() == 1, timeout=2000)
    qtbot.mouseClick(page.same_button, Qt.MouseButton.LeftButton)
    assert page.existing_client is not None
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert page.existing_client is None and not page.chip.isVisible()
    assert page.duplicates_list.count() == 1
    page.form.consent.setChecked(True)
    page.save()
    assert not page.banner_label.text().endswith(first.client_ref)


def test_clear_form_asks_first_and_keeps_everything_on_no(qtbot, page, type_text):
    """Clear form asks when something was typed; 'Keep typing' keeps it, 'Clear the form' empties it."""
    fill_person(page, type_text, "Ana", "Ruiz")
    page.clear_button.click()
    box = page.findChild(QMessageBox, "confirmClearIntake")
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.No).click()
    assert page.form.given_names.text() == "Ana"
    page.clear_button.click()
    box = page.findChild(QMessageBox, "confirmClearIntake")
    box.button(QMessageBox.StandardButton.Yes).click()
    assert page.form.given_names.text() == "" and page.form.family_name_1.text() == ""


def test_clear_form_on_an_empty_form_asks_nothing(page):
    """Nothing typed: no question."""
    page.clear_button.click()
    assert page.findChild(QMessageBox, "confirmClearIntake") is None


def test_clear_removes_every_trace_of_the_client(qtbot, page, type_text):
    """clear() (on lock) empties every field, the duplicate hint, the chip and the banner."""
    page.ctx.v.intakes.record(draft(f"Ana {CANARY}", "Ruiz"))
    page.ctx.v.intakes.record(draft(f"Eva {CANARY}", "Ruiz"))
    f = page.form
    type_text(f.given_names, CANARY)
    qtbot.waitUntil(lambda: page.duplicates_list.count() >= 1, timeout=2000)
    for w in page.form.inputs():
        if isinstance(w, QLineEdit) and w is not f.given_names:
            w.setText(f"{CANARY} 1")
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(CANARY)
    page.duplicates_list.setCurrentRow(0)
    page.choose_same_person()
    page._saved_ref = CANARY
    page._show_saved()
    page.save()  # refused (no consent): error marks exist too
    assert shows(page, CANARY)
    page.clear()
    assert not shows(page, CANARY)
    assert page.existing_client is None and not page.banner.isVisible() and not page._errors.marked


def test_volunteer_cannot_see_sealed_values_after_saving(qtbot, page, type_text):
    """What a volunteer typed in the attorney-only section is not shown back to them."""
    fill_person(page, type_text, "Ana", "Ruiz")
    page.form.sealed[m.SealedField.A_NUMBER].setText(f"A-{CANARY}")
    page.form.sealed[m.SealedField.PRIVILEGED_NOTES].setPlainText(f"privileged {CANARY}")
    page.form.consent.setChecked(True)
    page.save()
    assert page.banner.isVisible() and not shows(page, CANARY)
    ref = page.banner_label.text().rsplit(" ", 1)[-1]
    client_file = page.ctx.v.clients.get(ref)
    assert set(client_file.sealed_fields) == {m.SealedField.A_NUMBER, m.SealedField.PRIVILEGED_NOTES}
    assert CANARY not in repr(client_file)


def test_sealed_section_is_marked_and_titled(page):
    """The attorney-only box carries sealed=true and says the volunteer will not see it again."""
    assert page.form.sealed_box.property("sealed") is True
    assert page.form.sealed_box.title() == "Attorney-only: you will not be able to see this after saving"


def test_every_field_has_a_label_with_a_mnemonic_and_buddy(page):
    """Screen readers and Alt+letter: every input is some label's buddy or carries its own mnemonic."""
    buddies = {label.buddy() for label in page.findChildren(QLabel) if label.buddy() is not None}
    for w in page.form.inputs():
        if isinstance(w, QAbstractButton):
            if w in page.form.phones[0].widgets() + page.form.phones[1].widgets():
                continue
            if w in page.form.needs.values() or w in page.form.urgency.values():
                continue  # grouped under the Needs / Urgency labels
            if w in page.form.household.inputs() or w in page.form.parties_box.orgs:
                continue  # household and other-side rows: no letters left; Tab and Ctrl+Delete (test_household.py)
            assert "&" in w.text(), w.text()
        else:
            assert w in buddies, w.accessibleName()
        assert w.accessibleName() or isinstance(w, QAbstractButton) and w.text(), w
    # Too many for the letters left (issue 14): the sealed fields and the other side's rows (Tab reaches them).
    sealed = set(page.form.sealed_box.findChildren(QLabel)) | set(page.form.parties_box.findChildren(QLabel)) \
        | set(page.form.household.findChildren(QLabel))
    labels = [label.text() for label in page.findChildren(QLabel) if label.buddy() is not None
              and label not in sealed]
    assert all("&" in text for text in labels)


def test_retranslate_to_spanish(page, spanish):
    """After switching to Spanish, retranslate() shows Spanish section titles and buttons."""
    page.retranslate()
    assert page.form.person_box.title() == "Persona"
    assert page.form.sealed_box.title().startswith("Solo para abogados")
    assert "&" in page.save_button.text() and "Guardar" in page.save_button.text()
    page.retranslate()


def test_spanish_income_is_read_with_spanish_grouping(page, spanish):
    """In Spanish, 1.200 is twelve hundred dollars and 1,5 one dollar fifty; 1,234 is not dollars and cents."""
    page.retranslate()
    amount = page.form.household.new_income().amount
    amount.setText("1.200")
    assert amount.amount() == Decimal("1200")
    amount.setText("1,5")
    assert amount.amount() == Decimal("1.5")
    amount.setText("1,234")
    assert amount.amount() is None and not amount.is_valid()


def test_an_attorney_is_told_the_sealed_values_stay_readable(qtbot, make_ctx):
    """For attorneys the sealed title does not claim they lose sight of it."""
    page = IntakePage(make_ctx("attorney"))
    qtbot.addWidget(page)
    assert "you will not be able to see" not in page.form.sealed_box.title()
    assert page.form.sealed_box.title().startswith("Attorney-only")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_main_fields_have_distinct_mnemonics(page, lang):
    """Alt+letter reaches each main field and button directly (the sealed fields and the other side's rows
    have none: the letters ran out)."""
    from clinic.i18n import set_language
    from ui.kit.forms import strip_mnemonic

    set_language(lang)
    try:
        page.retranslate()
        sealed = set(page.form.sealed_box.findChildren(QWidget)) | set(page.form.parties_box.findChildren(QWidget)) \
            | set(page.form.household.findChildren(QWidget))
        texts = [lab.text() for lab in page.findChildren(QLabel) if lab.buddy() is not None and lab not in sealed]
        texts += [b.text() for b in (page.form.interpreter, page.form.detained, page.form.consent,
                                     page.save_button, page.clear_button, page.same_button)]
        letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
        assert len(letters) == len(texts), [t for t in texts if "&" not in t]
        duplicates = {c for c in letters if letters.count(c) > 1}
        assert not duplicates, [strip_mnemonic(t) for t in texts if t[t.index("&") + 1].lower() in duplicates]
    finally:
        set_language("en")
        page.retranslate()


def test_spanish_fragment_keeps_every_placeholder():
    """Each Spanish string in ui_intake.po has exactly the English named placeholders."""
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).resolve().parents[3] / "clinic" / "resources" / "translations" / "es" / "ui_intake.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale="es")
    names = re.compile(r"\{(\w*)\}")
    checked = 0
    for msg in catalog:
        if not msg.id:
            continue
        ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        assert all(strings), msg.id
        for string in strings:
            assert sorted(names.findall(string)) == sorted(names.findall(ids[-1])), msg.id
            checked += 1
    assert checked > 100


def test_enter_on_a_focused_button_presses_that_button(qtbot, page, type_text):
    """Enter on 'Clear form' asks to clear; it never saves by accident."""
    fill_person(page, type_text, "Ana", "Ruiz")
    page.form.consent.setChecked(True)
    page.clear_button.setFocus()
    qtbot.keyClick(page.clear_button, Qt.Key.Key_Return)
    assert not page.banner.isVisible()
    assert page.findChild(QMessageBox, "confirmClearIntake") is not None


def test_the_detention_need_ticks_the_detained_box(page):
    assert not page.form.detained.isChecked()
    page.form.needs[m.Need.DETENTION].setChecked(True)
    assert page.form.detained.isChecked()
    page.form.needs[m.Need.DETENTION].setChecked(False)
    assert page.form.detained.isChecked(), "unticking the need leaves the fact as the volunteer set it"
