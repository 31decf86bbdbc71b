"""Issue 14: what a screen reader gets. Walks each screen's accessibility tree (Qt's QAccessible interface,
which AT-SPI reads) in both languages and fails on a focusable item without a name, a label whose spoken
name leaves out the value it shows, and a set of tick boxes not announced as a named group."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from clinic import models as m
from clinic.i18n import set_language
from tests.fixtures.app import unlock

# Table and list cells are named by what they hold (an empty cell says nothing, as it should).
_NAMED_BY_CONTENT = {QAccessible.Role.Cell, QAccessible.Role.ListItem, QAccessible.Role.Row,
                     QAccessible.Role.ColumnHeader, QAccessible.Role.RowHeader, QAccessible.Role.TreeItem}


def _tree(iface, out: list, depth: int = 0) -> list:
    if iface is None or not iface.isValid() or depth > 80:
        return out
    out.append(iface)
    for i in range(iface.childCount()):
        _tree(iface.child(i), out, depth + 1)
    return out


def problems(root: QWidget, where: str) -> list[str]:
    """What a screen reader would get wrong on `root`, as sentences naming the widget."""
    QAccessible.setActive(True)
    QApplication.processEvents()
    found = []
    for item in _tree(QAccessible.queryAccessibleInterface(root), []):
        state, obj = item.state(), item.object()
        if state.invisible or state.offscreen:
            continue
        name = item.text(QAccessible.Text.Name).strip()
        kind = f"{type(obj).__name__} {obj.objectName()!r}" if obj is not None else str(item.role())
        if state.focusable and not name and item.role() not in _NAMED_BY_CONTENT:
            found.append(f"{where}: a focusable {kind} has no name")
        # A label given its own spoken name must still say what it shows ("Channel: Walk-in", not "Channel").
        if isinstance(obj, QLabel) and obj.buddy() is None and obj.accessibleName() and obj.text().strip() \
                and obj.text().strip() not in obj.accessibleName():
            found.append(f"{where}: the label showing {obj.text()[:30]!r} is announced as {obj.accessibleName()!r}")
    return found


def test_the_checker_finds_an_unnamed_field_and_a_value_label_without_its_value(qtbot):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout

    w = QWidget()
    qtbot.addWidget(w)
    layout = QVBoxLayout(w)
    layout.addWidget(QLineEdit())
    value = QLabel("Walk-in")
    value.setAccessibleName("Channel")
    layout.addWidget(value)
    w.show()
    found = problems(w, "test")
    assert any("QLineEdit" in p for p in found) and any("'Channel'" in p for p in found)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_screen_names_what_a_reader_lands_on(qtbot, window, ctx, ui_template, lang):
    set_language(lang)
    found = problems(window, "unlock screen")
    unlock(qtbot, window, "attorney")
    window.switch_language(lang)
    case_id = ctx.v.clients.get(ui_template.canary_id).cases[0].id
    ctx.v.cases.add_deadline(case_id, m.DeadlineDraft(m.DeadlineKind.HEARING, dt.date(2027, 3, 9)))
    for key, page in list(window.pages.items()):
        window.show_page(key)
        qtbot.waitUntil(page.isVisible, timeout=2000)
        found += problems(window, key)
    window.show_page("clients")
    ctx.signals.open_client.emit(ui_template.canary_id)
    found += problems(window, "client file")
    view = window.pages["clients"].view
    view.correct_button.click()
    found += problems(view.details_dialog, "correction dialog")
    view.details_dialog.reject()
    cases = window.pages["cases"]
    cases.open_case(case_id)
    window.show_page("cases")
    found += problems(window, "case file")
    for dialog, what in ((cases.view.change_status(), "status dialog"),
                         (cases.view.deadlines.edit_selected(), "deadline dialog")):
        found += problems(dialog, what)
        dialog.reject()
    window.ctx.signals.refer_client.emit(ui_template.canary_id)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    assert [w.objectName() for w in dialogs] == ["referralDialog"]
    found += problems(dialogs[0], "referral dialog")
    groups = QAccessible.queryAccessibleInterface(dialogs[0].groups)
    if groups.role() != QAccessible.Role.Grouping or not groups.text(QAccessible.Text.Name):
        found.append("referral dialog: the “What to share” boxes are not a named group")
    dialogs[0].close()
    assert found == [], "\n".join(found)


def test_the_language_buttons_draw_a_focus_ring(qtbot, window):
    """ES | EN: the style sheet that marks the chosen language also marks the focused one."""
    assert ":focus" in window.language_switch.styleSheet()
