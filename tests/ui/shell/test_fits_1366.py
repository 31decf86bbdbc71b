"""Issue 14: on a 1366x768 laptop every screen fits without scrolling sideways, and every window and dialog
opens no larger than the screen (less a title bar and a panel)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from clinic import models as m
from clinic.i18n import set_language
from tests.fixtures.app import unlock
from tests.fixtures.screens import FREE_H, FREE_W, too_big


def sideways(win: QWidget, what: str) -> list[str]:
    """Scroll areas of the window that scroll sideways (a page must fit the width)."""
    QApplication.processEvents()
    return [f"{what}: {type(a.widget()).__name__ if a.widget() else a.objectName()} scrolls sideways "
            f"({a.widget().minimumSizeHint().width() if a.widget() else '?'} px in {a.viewport().width()})"
            for a in win.findChildren(QScrollArea)
            if a.isVisible() and a.horizontalScrollBar().isVisible()]


def _dialogs(win: QWidget) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not win]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_screen_fits_a_1366x768_laptop(qtbot, window, ctx, ui_template, lang):
    set_language(lang)
    found = too_big(window, "the main window")
    window.resize(FREE_W, FREE_H)
    unlock(qtbot, window, "admin")
    window.switch_language(lang)
    v = ctx.v
    case_id = v.clients.get(ui_template.canary_id).cases[0].id
    v.cases.add_deadline(case_id, m.DeadlineDraft(m.DeadlineKind.HEARING, dt.date(2027, 3, 9), "Sala 4"))
    v.documents.attach(case_id, "nota.txt", b"Texto de prueba\n" * 40)
    for key, page in list(window.pages.items()):
        window.show_page(key)
        qtbot.waitUntil(page.isVisible, timeout=2000)
        found += sideways(window, key) + too_big(window, f"the main window on {key}")
    window.show_page("clients")
    ctx.signals.open_client.emit(ui_template.canary_id)
    found += sideways(window, "client file")
    view = window.pages["clients"].view
    view.correct_button.click()
    found += too_big(view.details_dialog, "the correction dialog")
    view.details_dialog.reject()
    cases = window.pages["cases"]
    cases.open_case(case_id)
    window.show_page("cases")
    found += sideways(window, "case file")
    cases.view.documents.table.selectRow(0)
    for dialog, what in ((cases.view.change_status(), "the status dialog"),
                         (cases.view.deadlines.edit_selected(), "the deadline dialog"),
                         (cases.view.documents.open_selected(), "the document viewer")):
        assert dialog is not None, what
        found += too_big(dialog, what)
        dialog.close()
    window.show_page("referrals")
    picker = window.pages["referrals"].new_referral()
    found += too_big(picker, "the client picker")
    picker.reject()
    window.ctx.signals.refer_client.emit(ui_template.canary_id)
    found += [p for w in _dialogs(window) for p in too_big(w, w.objectName())]
    for w in _dialogs(window):
        w.close()
    window.show_page("partners")
    partner = window.pages["partners"].add_partner()
    found += too_big(partner, "the partner dialog")
    partner.reject()
    assert found == [], "\n".join(found)



def test_the_first_run_wizard_fits(qtbot, ctx, prefs):
    from ui.shell.wizard import FirstRunWizard

    wizard = FirstRunWizard(ctx, prefs=prefs)
    qtbot.addWidget(wizard)
    wizard.show()
    assert too_big(wizard, "the wizard") == []
