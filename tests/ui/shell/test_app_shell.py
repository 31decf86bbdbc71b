"""The main window's shell: pages by role, language switching remembered per person, titles, DEMO, start-up."""


import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from clinic.i18n import current_language, translator_for
from tests.fixtures.app import CANARY, CLINIC_NAME, flush_deletes, unlock
from ui.app import QtTranslations

REPO = Path(__file__).resolve().parents[3]


def _sidebar(win):
    return [win.sidebar.item(i).text() for i in range(win.sidebar.count())]


@pytest.mark.parametrize("role, pages", [
    ("volunteer", ["intake", "clients", "incidents", "preparedness"]),
    ("attorney", ["intake", "clients", "cases", "deadlines", "referrals", "partners", "incidents", "preparedness", "conflicts", "reports"]),
    ("admin", ["intake", "clients", "cases", "deadlines", "referrals", "partners", "incidents", "preparedness", "conflicts", "reports", "admin"]),
])
def test_pages_follow_the_role(qtbot, window, ctx, role, pages):
    """Each role gets its own screens, in order, with translated sidebar names."""
    unlock(qtbot, window, role)
    assert list(window.pages) == pages
    assert _sidebar(window) == [page.title() for page in window.pages.values()]
    assert window.page_stack.count() == len(pages)


def test_ctrl_number_and_the_sidebar_switch_screens(qtbot, window):
    """Ctrl+2 and the sidebar show the second screen."""
    unlock(qtbot, window, "admin")
    qtbot.keyClick(window.sidebar, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.page_stack.currentWidget() is window.pages["clients"]
    window.sidebar.setCurrentRow(list(window.pages).index("admin"))
    assert window.page_stack.currentWidget() is window.pages["admin"]


def test_language_switch_retranslates_and_is_remembered_for_that_person(qtbot, window, ctx):
    """ES in the top bar changes visible words at once and comes back at this person's next unlock."""
    unlock(qtbot, window, "admin")  # the admin's stored language is English
    assert window.lock_button.text() == "Lock"
    events = []
    ctx.signals.language_changed.connect(events.append)
    qtbot.mouseClick(window.language_switch.buttons["es"], Qt.MouseButton.LeftButton)
    spanish = translator_for("es")
    assert current_language() == "es" and events == ["es"]
    assert window.lock_button.text() == spanish.gettext("Lock") != "Lock"
    assert _sidebar(window)[0] == window.pages["intake"].title()
    assert window.pages["admin"].title() == spanish.gettext("Administration") != "Administration"
    window.lock()
    flush_deletes()
    qtbot.mouseClick(window.unlock_screen.language.buttons["en"], Qt.MouseButton.LeftButton)
    assert current_language() == "en"
    unlock(qtbot, window, "admin")
    assert current_language() == "es"  # remembered in the vault, for this staff member
    assert window.lock_button.text() == spanish.gettext("Lock")
    assert window.language_switch.buttons["es"].isChecked()


def test_each_person_gets_their_own_language(qtbot, window, ctx):
    """The volunteer's stored Spanish applies at unlock; the admin's English applies at theirs."""
    unlock(qtbot, window, "volunteer")
    assert current_language() == "es"
    window.lock()
    unlock(qtbot, window, "admin")
    assert current_language() == "en"


def test_title_never_shows_a_client(qtbot, window, ctx, ui_template):
    """Opening a client's file and a case leaves the title as app and clinic name only."""
    unlock(qtbot, window, "admin")
    titles = [window.windowTitle()]
    window.windowTitleChanged.connect(titles.append)
    ctx.signals.open_client.emit(ui_template.canary_id)
    qtbot.wait(200)
    assert window.page_stack.currentWidget() is window.pages["clients"]
    case_id = ctx.vault.clients.get(ui_template.canary_id).cases[0].id
    ctx.signals.open_case.emit(case_id)
    qtbot.wait(200)
    assert window.page_stack.currentWidget() is window.pages["cases"]
    assert set(titles) == {f"Clinic Intake — {CLINIC_NAME}"}
    assert all(CANARY not in t for t in titles)


def test_demo_vault_has_a_banner_and_a_title_prefix(qtbot, window, ctx):
    """A demo vault shows the yellow DEMO banner and DEMO first in the title."""
    unlock(qtbot, window, "admin")
    assert not window.demo_banner.isVisible()
    ctx.vault.settings.update(dataclasses.replace(ctx.vault.settings.get(), demo=True))
    window.lock()
    unlock(qtbot, window, "admin")
    assert window.demo_banner.isVisible() and window.demo_banner.property("demo") is True
    assert "DEMO" in window.demo_banner.text()
    assert window.windowTitle() == f"DEMO — Clinic Intake — {CLINIC_NAME}"
    window.lock()
    assert window.unlock_screen.demo_banner.isVisible(), "the locked screen of a demo vault says DEMO"
    assert "DEMO" in window.unlock_screen.demo_banner.text()


def test_a_real_vault_unlock_screen_is_not_marked_demo(qtbot, window, ctx):
    assert not window.unlock_screen.demo_banner.isVisible()


def test_qt_standard_buttons_follow_the_language(qapp):
    """Qt's own catalogue (qtbase_es) is installed for Spanish and removed for English."""
    translations = QtTranslations(qapp)
    try:
        translations.apply("es")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
        translations.apply("en")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    finally:
        translations.apply("en")


def _run_app(home: Path, *, quit_after_ms: int = 1500) -> subprocess.CompletedProcess:
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv[:1])\n"
        f"QTimer.singleShot({quit_after_ms}, app.quit)\n"
        "from ui.app import main\n"
        "sys.exit(main(sys.argv[1]))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", script, str(home)], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)


def test_app_starts_on_the_unlock_screen_and_exits_cleanly(home):
    """main() on a home with a vault opens the window, then exits with 0 and no traceback."""
    result = _run_app(home.path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_app_starts_the_wizard_on_an_empty_home_and_creates_nothing(tmp_path):
    """main() on an empty home shows the first-run wizard and writes nothing until asked."""
    result = _run_app(tmp_path / "empty")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "empty").exists()


def test_about_shows_the_exact_versions_in_the_persons_language(qtbot, window):
    """The About text names the version and the SQLCipher, Qt, reportlab and Python in use, in Spanish
    after ES is chosen (clinics are asked for these when something breaks)."""
    from PySide6.QtCore import qVersion

    from clinic import __version__

    unlock(qtbot, window, "volunteer")
    window.switch_language("en")
    text = window.about_text()
    assert f"Clinic Intake {__version__}" in text and f"Qt {qVersion()}" in text
    assert "SQLCipher 4." in text and "reportlab " in text and "Python 3." in text
    assert window.about_button.text() == "About"
    window.switch_language("es")
    try:
        assert window.about_button.text() == "Acerca de"
        assert "cifradas y sin conexión" in window.about_text()
    finally:
        window.switch_language("en")


def test_self_test_opens_the_window_checks_keyring_and_catalogue(tmp_path):
    """`clinic-intake --self-test` (what CI's bundle smoke test runs) passes on this machine's keyring."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-m", "ui.launch", "--self-test", "--home", str(tmp_path / "h")],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "self-test window: ok FirstRunWizard" in run.stdout
    assert "self-test keyring: ok" in run.stdout and "self-test: passed" in run.stdout
    assert not (tmp_path / "h").exists()


def test_self_test_fails_loudly_without_a_keyring(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    run = subprocess.run([sys.executable, "-m", "ui.launch", "--self-test", "--home", str(tmp_path / "h")],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "self-test keyring: FAILED" in run.stdout


def test_ctrl_q_quits_and_locks(qtbot, window, ctx):
    """Ctrl+Q closes the main window, which locks first (issue 14)."""
    unlock(qtbot, window, "admin")
    assert ctx.vault is not None
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # qtbot closes it after the test
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
    assert ctx.vault is None


def test_without_a_display_the_app_says_so_in_one_sentence(tmp_path):
    """`make run` over SSH: one clear sentence and a non-zero exit, not Qt's libxcb-cursor0 hint."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "ui.launch", "--home", str(tmp_path / "h")], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "graphical desktop session" in lines[0], result.stderr
    assert "xcb" not in result.stderr and not (tmp_path / "h").exists()


def test_display_check_accepts_x11_wayland_and_offscreen():
    from ui.launch import display_problem

    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "linux") is not None
    assert display_problem({}, "win32") is None
