"""From a client file to that client's preparedness plan (issue 12), through the main window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.fixtures.app import unlock


def test_the_client_file_opens_that_clients_plan_from_the_keyboard(qtbot, window, ctx, ui_template):
    """Alt+P on the client file shows the Preparedness page with the client's plan open, a field focused."""
    window.show()
    unlock(qtbot, window, "attorney")
    window.show_page("clients")
    ctx.signals.open_client.emit(ui_template.canary_id)
    clients = window.pages["clients"]
    view = next(v for v in clients.findChildren(object) if type(v).__name__ == "ClientFileView")
    assert view.plan_button is not None and view.plan_button.isVisible()
    assert "&" in view.plan_button.text()
    view.plan_button.setFocus()
    qtbot.keyClick(view.plan_button, Qt.Key.Key_Space)
    plans = window.pages["preparedness"]
    assert window.page_stack.currentWidget() is plans
    assert plans.ref == ui_template.canary_ref and plans.form.isEnabled()
    assert ui_template.canary_ref in plans.heading.text()
    assert plans.tabs.currentIndex() == 0
    focused = window.focusWidget()
    assert focused is not None and plans.form.isAncestorOf(focused)


def test_a_locked_window_keeps_no_plan_open(qtbot, window, ctx, ui_template):
    """After the jump and a lock, the page holds no reference and no plan."""
    unlock(qtbot, window, "admin")
    ctx.signals.open_plan.emit(ui_template.canary_ref)
    plans = window.pages["preparedness"]
    assert plans.ref == ui_template.canary_ref
    window.lock()
    assert plans.ref is None and not plans.form.isEnabled()
