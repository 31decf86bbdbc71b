"""The unlock screen on a real encrypted vault: right and wrong passphrases, slow-down, busy state, closing."""


import keyring
import pytest
import shiboken6
from keyring.backends import fail
from PySide6.QtCore import Qt

from clinic.i18n import current_language, translator_for
from tests.fixtures.app import CLINIC_NAME, STAFF, flush_deletes, unlock
from ui.context import AppContext
from ui.kit.tasks import TaskRunner
from ui.main_window import MainWindow


def test_staff_names_are_listed_and_the_passphrase_is_hidden(window):
    """The name list comes from the key file; the passphrase field echoes nothing readable."""
    screen = window.unlock_screen
    names = [screen.names.itemText(i) for i in range(screen.names.count())]
    assert sorted(names) == sorted(v[0] for v in STAFF.values())
    assert screen.passphrase.echoMode() == screen.passphrase.EchoMode.Password
    assert window.screens.currentWidget() is screen
    assert window.windowTitle() == "Clinic Intake"


def test_right_passphrase_unlocks_into_the_workspace(qtbot, window, ctx):
    """Name + passphrase + Enter opens the vault; the top bar shows who is working and the clinic title."""
    unlock(qtbot, window, "admin")
    assert ctx.vault is not None and ctx.vault.is_open and ctx.vault.user.name == STAFF["admin"][0]
    assert window.screens.currentWidget() is window.workspace
    assert STAFF["admin"][0] in window.user_label.text() and "Administrator" in window.user_label.text()
    assert window.windowTitle() == f"Clinic Intake — {CLINIC_NAME}"
    assert window.unlock_screen.passphrase.text() == ""


def test_wrong_passphrase_says_so_clears_and_refocuses(qtbot, window, ctx):
    """A wrong passphrase: a sentence under the field, the field emptied and focused, still locked."""
    unlock(qtbot, window, "volunteer", passphrase="not the passphrase")
    screen = window.unlock_screen
    assert ctx.vault is None
    assert "passphrase is not right" in screen.message.text()
    assert screen.message.isVisible()
    assert screen.passphrase.text() == ""
    qtbot.waitUntil(lambda: screen.passphrase.hasFocus(), timeout=2000)
    assert screen.unlock_button.isEnabled()


def test_repeated_failures_slow_down_with_a_countdown(qtbot, window, ctx):
    """After the free attempts, the button stays disabled for the announced seconds, then comes back."""
    screen = window.unlock_screen
    ctx.guard.failures = 3  # the next wrong passphrase makes the guard ask for a 2-second wait
    unlock(qtbot, window, "admin", passphrase="wrong again, sorry")
    assert not screen.unlock_button.isEnabled()
    assert "Wait 2 seconds" in screen.message.text()
    unlock(qtbot, window, "admin")  # Enter during the wait does nothing
    assert ctx.vault is None
    qtbot.waitUntil(screen.unlock_button.isEnabled, timeout=4000)
    unlock(qtbot, window, "admin")
    assert ctx.vault is not None


def test_too_many_attempts_from_the_core_starts_the_countdown(qtbot, window, ctx, monkeypatch):
    """A TooManyAttempts raised by the derivation shows its seconds and disables the button."""
    from clinic.errors import TooManyAttempts
    from ui.shell import unlock as unlock_module

    def refuse(*args):
        raise TooManyAttempts(7)

    monkeypatch.setattr(unlock_module.Vault, "derive", staticmethod(refuse))
    unlock(qtbot, window, "admin")
    assert "Wait 7 seconds" in window.unlock_screen.message.text()
    assert not window.unlock_screen.unlock_button.isEnabled()


def test_no_keyring_is_a_sentence_not_a_traceback(qtbot, window, ctx, monkeypatch):
    """Without an OS keyring the unlock screen says so in one sentence and stays usable."""
    previous = keyring.get_keyring()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(fail.Keyring())
    try:
        unlock(qtbot, window, "admin")
    finally:
        keyring.set_keyring(previous)
    assert ctx.vault is None
    assert "keyring" in window.unlock_screen.message.text().lower()


def test_a_missing_database_is_reported(qtbot, window, ctx, home):
    """VaultDamaged (clinic.db gone) is shown on the screen; nothing is created in its place."""
    home.db.unlink()
    unlock(qtbot, window, "admin")
    assert ctx.vault is None
    assert "clinic.db" in window.unlock_screen.message.text()
    assert not home.db.exists()


def test_form_is_disabled_and_busy_while_deriving(qtbot, home, prefs):
    """With the real runner the form is disabled with a busy bar until the key is derived."""
    runner = TaskRunner()
    ctx = AppContext(home=home, runner=runner)
    win = MainWindow(ctx, prefs=prefs)
    win.show()
    unlock(qtbot, win, "admin")
    screen = win.unlock_screen
    assert screen.is_busy and screen.busy.isVisible()
    assert screen.busy.maximum() == 0  # busy mode
    assert not screen.names.isEnabled() and not screen.passphrase.isEnabled()
    assert not screen.unlock_button.isEnabled() and not screen.language.isEnabled()
    qtbot.waitUntil(lambda: ctx.vault is not None, timeout=10_000)
    assert not screen.is_busy
    win.close()
    assert runner.wait_idle(10_000)


def test_closing_the_window_during_derivation_does_not_crash(qtbot, home, prefs):
    """Closing mid-derivation drops the result: no crash, no vault opened, the window is gone."""
    runner = TaskRunner()
    ctx = AppContext(home=home, runner=runner)
    win = MainWindow(ctx, prefs=prefs)
    win.show()
    unlock(qtbot, win, "admin")
    assert win.unlock_screen.is_busy
    win.close()
    assert runner.wait_idle(10_000)
    qtbot.wait(50)
    flush_deletes()
    assert not shiboken6.isValid(win)
    assert ctx.vault is None
    assert runner.pending == 0


def test_panic_during_derivation_never_opens_the_vault(qtbot, home, prefs):
    """A lock requested while the key is being derived wins: the derived keys are thrown away."""
    runner = TaskRunner()
    ctx = AppContext(home=home, runner=runner)
    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    win.show()
    unlock(qtbot, win, "admin")
    win.lock()
    assert runner.wait_idle(10_000)
    qtbot.wait(50)
    assert ctx.vault is None
    assert win.unlock_screen.names.isEnabled()


def test_unlock_screen_language_is_remembered_in_prefs(qtbot, window, prefs):
    """ES on the unlock screen translates it at once and is kept (outside the vault) for next time."""
    screen = window.unlock_screen
    english_heading = screen.heading.text()
    qtbot.mouseClick(screen.language.buttons["es"], Qt.MouseButton.LeftButton)
    assert current_language() == "es"
    assert prefs.language() == "es"
    assert screen.heading.text() == translator_for("es").gettext(english_heading) != english_heading
    qtbot.mouseClick(screen.language.buttons["en"], Qt.MouseButton.LeftButton)
    assert prefs.language() == "en" and screen.heading.text() == english_heading


@pytest.mark.parametrize("role", ["volunteer", "attorney"])
def test_each_role_unlocks_with_its_own_passphrase(qtbot, window, ctx, role):
    """Every enrolled staff member unlocks with their own passphrase and sees their own name."""
    unlock(qtbot, window, role)
    assert ctx.vault is not None and ctx.vault.user.name == STAFF[role][0]


def test_the_vault_is_opened_on_the_worker_and_used_on_the_gui_thread(qtbot, home, prefs, monkeypatch):
    """Derive and every open check run off the GUI thread; the window's connection is the GUI thread's own."""
    import threading

    from clinic import Vault

    opened_on = []
    real_open = Vault.open.__func__

    def spying_open(cls, *args, **kwargs):
        opened_on.append(threading.current_thread())
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Vault, "open", classmethod(spying_open))
    runner = TaskRunner()
    ctx = AppContext(home=home, runner=runner)
    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    win.show()
    unlock(qtbot, win, "admin")
    qtbot.waitUntil(lambda: ctx.vault is not None, timeout=10_000)
    assert opened_on and opened_on[0] is not threading.main_thread()
    assert ctx.vault.settings.get().name == CLINIC_NAME  # check_same_thread: this would raise if not ours
    win.lock()
    assert runner.wait_idle(10_000)


def test_a_lock_while_the_vault_is_opening_wipes_what_was_handed_over(qtbot, home, prefs, monkeypatch):
    """Panic while the worker is inside Vault.open: the opened vault is never shown and its keys are wiped;
    the next unlock works."""
    import threading

    from clinic import Vault
    from clinic.vault import HandedOver

    inside, release = threading.Event(), threading.Event()
    real_open = Vault.open.__func__
    wiped = []
    real_wipe = HandedOver.wipe

    def slow_open(cls, *args, **kwargs):
        inside.set()
        release.wait(10)
        return real_open(cls, *args, **kwargs)

    def spying_wipe(self):
        wiped.append(self._parts["data_key"] if self._parts else None)
        real_wipe(self)

    monkeypatch.setattr(Vault, "open", classmethod(slow_open))
    monkeypatch.setattr(HandedOver, "wipe", spying_wipe)
    runner = TaskRunner()
    ctx = AppContext(home=home, runner=runner)
    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    win.show()
    unlock(qtbot, win, "admin")
    qtbot.waitUntil(inside.is_set, timeout=10_000)
    win.lock()  # the panic key during the open
    release.set()
    assert runner.wait_idle(10_000)
    qtbot.waitUntil(lambda: bool(wiped), timeout=5_000)
    assert ctx.vault is None and win.screens.currentWidget() is win.unlock_screen
    assert wiped[0] is not None and wiped[0].wiped  # the handed-over data key is zeroed
    assert win.unlock_screen.names.isEnabled() and not win.unlock_screen.is_busy
    monkeypatch.setattr(Vault, "open", classmethod(real_open))
    unlock(qtbot, win, "admin")
    qtbot.waitUntil(lambda: ctx.vault is not None, timeout=10_000)
    win.lock()
    assert runner.wait_idle(10_000)
