"""The purge offered at unlock: a workspace banner for administrators when something is due, never a pop-up."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

import clinic
from clinic import clock
from clinic.errors import PermissionDenied
from tests.fixtures.app import unlock


def _banner(window) -> QWidget:
    return window.findChild(QWidget, "purgeBanner")


def test_an_admin_sees_the_banner_when_the_template_intake_is_past_its_limit(qtbot, window, ctx):
    """100 days on, the template's intake (never a case) is due: the banner shows counts and opens the dialog."""
    with clock.frozen(dt.datetime.now(dt.UTC) + dt.timedelta(days=100)):
        unlock(qtbot, window, "admin")
        banner = _banner(window)
        qtbot.waitUntil(banner.isVisible)
        text = banner.text.text()
        assert "1 client" in text and "1 intake" in text
        assert "0 " not in text and ctx.home.path.name not in text
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
        dialog = window.findChild(QDialog, "retentionDialog")
        assert dialog is not None and dialog.isVisible()
        assert "1 client" in dialog.due.text() and dialog.purge_button.isEnabled()
        box = dialog.ask_purge()  # counts first, then the question; Cancel keeps everything
        assert "1 client" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        dialog.reject()
        assert banner.isVisible()
        window.lock()
        assert not banner.isVisible()


def test_nothing_due_means_no_banner(qtbot, window):
    """Today nothing in the template is past 90 days: no banner."""
    unlock(qtbot, window, "admin")
    assert not _banner(window).isVisible()


def test_a_volunteer_never_sees_it_even_when_something_is_due(qtbot, window):
    """The same 100 days on, a volunteer's unlock shows no banner (and the core refuses them the counts)."""
    with clock.frozen(dt.datetime.now(dt.UTC) + dt.timedelta(days=100)):
        unlock(qtbot, window, "volunteer")
        qtbot.waitUntil(lambda: window.ctx.vault is not None)
        assert not _banner(window).isVisible()
        with pytest.raises(PermissionDenied):
            clinic.purge.plan(window.ctx.vault)


def test_the_banner_names_incident_media_that_are_due(qtbot, window, ctx):
    """A false alarm's video reviewed 100 days ago is due under the 90-day media limit: the banner says so."""
    from clinic.incidents import model as im
    from tests.fixtures.incident_media import aged_medium

    unlock(qtbot, window, "admin")
    banner = _banner(window)
    assert not banner.isVisible()
    aged_medium(ctx.vault, im.Status.FALSE_ALARM, "Zqxbanner")
    banner.check()
    qtbot.waitUntil(banner.isVisible)
    assert "1 incident photo or video" in banner.text.text() and "client" not in banner.text.text()
