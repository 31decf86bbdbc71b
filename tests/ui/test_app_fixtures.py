"""Shared fixtures for the shell tests (unlock, wizard, admin, locking): one real vault per session.

Import the fixtures by name into a test module. The template vault is built once per session (Vault.init,
staff, one canary client) even when several modules import the fixture; each test copies its folder. The
device secret for the template's vault id stays in the session keyring, so every copy unlocks.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

from clinic import models as m
from clinic.home import Home
from clinic.i18n import set_language
from clinic.vault import Vault
from ui.app import Prefs
from ui.context import AppContext

STAFF = {
    "admin": ("Ana Admin", "admin passphrase one", "en"),
    "attorney": ("Beatriz Abogada", "attorney passphrase one", "en"),
    "volunteer": ("Víctor Voluntario", "volunteer passphrase one", "es"),
}
CLINIC_NAME = "Clínica del Pueblo"
CANARY = "Quetzalcanario"  # a client family name that must never survive a lock or reach a title


@dataclass(frozen=True)
class UiTemplate:
    path: Path
    vault_id: str
    canary_id: int
    canary_ref: str


_built: list[UiTemplate] = []


def _require_real_keyring() -> None:
    import keyring
    from keyring.backends import fail, null

    if isinstance(keyring.get_keyring(), fail.Keyring | null.Keyring):
        pytest.fail("These tests need a real keyring: run them through .ci/with-keyring.", pytrace=False)


@pytest.fixture(scope="session")
def ui_template(tmp_path_factory) -> UiTemplate:
    """The session's template vault: admin (English), attorney, volunteer (Spanish), one canary client."""
    if _built:
        return _built[0]
    _require_real_keyring()
    home = Home(tmp_path_factory.mktemp("ui-template") / "home")
    name, passphrase, lang = STAFF["admin"]
    vault, _key = Vault.init(home, clinic_name=CLINIC_NAME, admin_name=name, passphrase=passphrase,
                             language=lang)
    try:
        for role in ("attorney", "volunteer"):
            who, secret, language = STAFF[role]
            vault.staff.add(who, m.Role(role), secret, language=language)
        receipt = vault.intakes.record(m.IntakeDraft(
            given_names="Xiomara", family_name_1=CANARY, date_of_birth=dt.date(1984, 3, 9),
            consent_to_store=True, notes=f"{CANARY} notes", needs=(m.Need.HOUSING,)))
    finally:
        vault.lock()
    _built.append(UiTemplate(home.path, vault.vault_id, receipt.client_id, receipt.client_ref))
    return _built[0]


@pytest.fixture
def home(ui_template, tmp_path) -> Home:
    """A private copy of the template vault for this test."""
    shutil.copytree(ui_template.path, tmp_path / "home")
    return Home(tmp_path / "home")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Each test starts (and leaves the process) in English."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def prefs(tmp_path) -> Prefs:
    return Prefs(str(tmp_path / "ui.ini"))


@pytest.fixture
def ctx(home, immediate_runner) -> AppContext:
    return AppContext(home=home, runner=immediate_runner)


def show_active(qtbot, widget) -> None:
    """Show a window and make it the active one (offscreen Qt does not always activate it by itself)."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=2000)


@pytest.fixture
def window(qtbot, ctx, prefs):
    """The main window on the unlock screen, shown, with an immediate task runner."""
    from ui.main_window import MainWindow

    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    show_active(qtbot, win)
    return win


def unlock(qtbot, win, role: str = "admin", passphrase: str | None = None) -> None:
    """Choose the staff member's name and type the passphrase with the keyboard, then press Enter."""
    screen = win.unlock_screen
    screen.names.setCurrentIndex(screen.names.findText(STAFF[role][0]))
    screen.passphrase.clear()
    qtbot.keyClicks(screen.passphrase, passphrase if passphrase is not None else STAFF[role][1])
    qtbot.keyClick(screen.passphrase, "\r")


def flush_deletes() -> None:
    """Run pending deleteLater()s now (the event loop would do it on its next turn)."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def texts_on_screen() -> list[str]:
    """Every text any live widget holds: inputs, labels, combo items, item-view cells, window titles."""
    found: list[str] = []
    for widget in QApplication.allWidgets():
        if not shiboken6.isValid(widget):
            continue
        found.append(widget.windowTitle())
        if isinstance(widget, (QLineEdit, QLabel)):
            found.append(widget.text())
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            found.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            found.extend(widget.itemText(i) for i in range(widget.count()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            try:
                columns = model.columnCount(root)
            except TypeError:  # QAbstractListModel hides columnCount: one column
                columns = 1
            for row in range(min(model.rowCount(root), 500)):
                for col in range(columns):
                    found.append(str(model.data(model.index(row, col, root)) or ""))
    return found
