"""From a client file to that client's preparedness plan (issue 12), through the main window."""

from __future__ import annotations

import datetime as dt

import pytest
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


def test_after_unlock_a_banner_counts_renewals_and_leads_to_the_list(qtbot, window, ctx, ui_template):
    """Counts follow the clock: nothing due today; in 2030 the affidavit is due and Mateo turns 18 within a
    month; a month later only the affidavit. The button shows the renewals tab. Counts only, no names."""
    from clinic import clock
    from clinic.preparedness import model
    from tests.fixtures.preparedness_sample import readme_plan

    window.show()
    unlock(qtbot, window, "admin")
    banner = window.renewal_banner
    assert not banner.isVisible()
    with clock.frozen(dt.date(2026, 12, 3)):
        ctx.v.plans.set(ui_template.canary_ref, model.from_json(readme_plan()))  # signed 2026-01-10
        ctx.signals.changed.emit("plans")
        assert not banner.isVisible()
    with clock.frozen(dt.date(2030, 9, 1)) as c:
        ctx.signals.changed.emit("plans")
        assert banner.isVisible()
        assert banner.text.text() == ("1 affidavit is due for renewal. 1 child turns 18 within a month and "
                                      "leaves their plan.")
        c.advance(dt.timedelta(days=30))
        ctx.signals.changed.emit("plans")
        assert banner.text.text() == "1 affidavit is due for renewal."
        assert "García" not in banner.text.text() and ui_template.canary_ref not in banner.text.text()
        window.switch_language("es")
        assert "renovar" in banner.text.text()
        window.switch_language("en")
        assert window.focusWidget() is not banner.button  # a banner, not a pop-up: it takes no focus
        window.pages["preparedness"].on_unlocked()  # the list as of this date
        qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
        plans = window.pages["preparedness"]
        assert window.page_stack.currentWidget() is plans and plans.tabs.currentIndex() == 1
        assert window.focusWidget() is plans.renewal_table
        assert plans.renewal_table.currentIndex().row() == 0
    window.lock()
    assert not banner.isVisible() and banner.text.text() == "" and banner.reminder is None


def test_a_volunteer_sees_no_renewal_banner(qtbot, window, ctx, ui_template):
    """Volunteers do not see the renewals list, so no banner either (the core refuses them the counts)."""
    from clinic import clock
    from clinic.errors import PermissionDenied
    from clinic.preparedness import model
    from tests.fixtures.preparedness_sample import readme_plan

    window.show()
    unlock(qtbot, window, "admin")
    ctx.v.plans.set(ui_template.canary_ref, model.from_json(readme_plan()))
    window.lock()
    with clock.frozen(dt.date(2030, 9, 1)):
        unlock(qtbot, window, "volunteer")
        assert not window.renewal_banner.isVisible()
        with pytest.raises(PermissionDenied):
            ctx.v.plans.reminder()
