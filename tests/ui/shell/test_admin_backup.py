"""Administration's backup box: the reminder banner, "Make a backup…" as a worker job, a missing folder."""


import pytest
from PySide6.QtWidgets import QMessageBox

from clinic.maintenance import backup as b
from tests.fixtures.app import unlock


@pytest.fixture
def box(qtbot, window, ctx):
    unlock(qtbot, window, "admin")
    window.show_page("admin")
    return window.pages["admin"].backup_box


def test_the_banner_reminds_until_a_backup_is_made_and_the_button_makes_one(box, tmp_path):
    """No backup yet: the banner shows; after the button's job the file is there and the banner is gone."""
    assert box.isVisible() and box.banner.isVisible() and "No backup" in box.banner.text()
    usb = tmp_path / "usb"
    usb.mkdir()
    box.back_up_to(str(usb))
    files = b.backups_in(usb)
    assert len(files) == 1 and str(files[0]) in box.status.text()
    assert not box.banner.isVisible() and box.button.isEnabled() and not box.progress.isVisible()


def test_a_missing_folder_is_shown_as_one_sentence(box, tmp_path, monkeypatch):
    """An unplugged stick: the error presenter shows the core's sentence; the button is usable again."""
    shown = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: shown.append(self.text()))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    box.back_up_to(str(tmp_path / "gone"))
    assert shown and "USB" in shown[0]
    assert box.button.isEnabled() and not (tmp_path / "gone").exists()


def test_volunteers_do_not_see_the_box(qtbot, window, ctx):
    """A volunteer has no Administration page, so no backup box."""
    unlock(qtbot, window, "volunteer")
    assert "admin" not in window.pages
