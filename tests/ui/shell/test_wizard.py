"""First run on an empty home: keyboard walk-through, passphrase errors, no keyring, the recovery kit."""


import stat

import keyring
import pytest
from keyring.backends import fail
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtPrintSupport import QPrinter

import ui.kit.printing
from clinic.home import Home
from clinic.i18n import current_language, translator_for
from clinic.vault import Vault
from tests.fixtures.app import show_active
from ui.app import Shell
from ui.context import AppContext
from ui.shell.wizard import ADMIN, CLINIC, KEY, WELCOME, FirstRunWizard

ADMIN_NAME = "Áurea Núñez"
PASSPHRASE = "montaña verde café lluvia"


@pytest.fixture
def empty_home(tmp_path) -> Home:
    return Home(tmp_path / "new-home")


@pytest.fixture
def wizard(qtbot, empty_home, immediate_runner, prefs):
    ctx = AppContext(home=empty_home, runner=immediate_runner)
    wiz = FirstRunWizard(ctx, prefs=prefs)
    qtbot.addWidget(wiz)
    show_active(qtbot, wiz)
    yield wiz
    if wiz._vault is not None:
        wiz._vault.lock()


@pytest.fixture
def no_keyring(monkeypatch):
    previous = keyring.get_keyring()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _enter(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def _fill_admin(qtbot, type_text, wiz, passphrase=PASSPHRASE, confirm=None):
    type_text(wiz.admin_name, ADMIN_NAME)
    qtbot.keyClick(wiz.admin_name, Qt.Key.Key_Tab)
    assert wiz.passphrase.passphrase.hasFocus()
    type_text(wiz.passphrase.passphrase, passphrase)
    qtbot.keyClick(wiz.passphrase.passphrase, Qt.Key.Key_Tab)
    assert wiz.passphrase.confirm.hasFocus()
    type_text(wiz.passphrase.confirm, passphrase if confirm is None else confirm)


def _to_admin_page(qtbot, type_text, wiz):
    _enter(qtbot, wiz.spanish if wiz.spanish.isChecked() else wiz.english)
    assert wiz.step == CLINIC and wiz.clinic_name.hasFocus()
    type_text(wiz.clinic_name, "Clínica Señora de Guadalupe")
    qtbot.keyClick(wiz.clinic_name, Qt.Key.Key_Tab)
    type_text(wiz.clinic_address, "12 Calle Ñandú")
    qtbot.keyClick(wiz.clinic_address, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    _enter(qtbot, wiz.clinic_name)
    assert wiz.step == ADMIN and wiz.admin_name.hasFocus()


def test_keyboard_walkthrough_creates_the_vault_and_hands_it_over(qtbot, wizard, type_text, empty_home):
    """Enter, Tab and typing alone make the vault; the key is shown once; finish yields an open vault."""
    handed = []
    wizard.completed.connect(handed.append)
    assert wizard.step == WELCOME and wizard.next_button.isDefault()
    _to_admin_page(qtbot, type_text, wizard)
    _fill_admin(qtbot, type_text, wizard)
    _enter(qtbot, wizard.passphrase.confirm)
    assert wizard.step == KEY
    assert empty_home.has_vault() and Vault.staff_names(empty_home) == [ADMIN_NAME]
    panel = wizard.key_panel
    shown = panel.key_label.text()
    assert len(shown.split()) == 8 and QFontInfo(panel.key_label.font()).fixedPitch()
    assert panel.key_label.font().pointSize() >= 16
    assert not wizard.next_button.isEnabled()  # not before the check and the last group
    qtbot.keyClick(panel.print_button, Qt.Key.Key_Tab)
    qtbot.keyClick(panel.save_button, Qt.Key.Key_Tab)
    assert panel.written.hasFocus()
    qtbot.keyClick(panel.written, Qt.Key.Key_Space)
    assert not wizard.next_button.isEnabled()
    qtbot.keyClick(panel.written, Qt.Key.Key_Tab)
    type_text(panel.last_group, "WRONG")
    assert not wizard.next_button.isEnabled()
    panel.last_group.clear()
    type_text(panel.last_group, shown.split()[-1].lower())
    assert wizard.next_button.isEnabled()
    _enter(qtbot, panel.last_group)
    assert len(handed) == 1
    vault = handed[0]
    assert vault.is_open and vault.user.name == ADMIN_NAME and vault.user.role.value == "admin"
    assert vault.settings.get().name == "Clínica Señora de Guadalupe"
    assert vault.settings.get().address == "12 Calle Ñandú"
    assert panel.key_label.text() == ""  # the key is not kept on screen
    assert not wizard.isVisible()
    vault.lock()


def test_mismatched_confirmation_is_marked_at_the_field(qtbot, wizard, type_text, empty_home):
    """Two different passphrases: a message at the confirmation field, nothing created."""
    _to_admin_page(qtbot, type_text, wizard)
    _fill_admin(qtbot, type_text, wizard, confirm=PASSPHRASE + "x")
    _enter(qtbot, wizard.passphrase.confirm)
    assert wizard.step == ADMIN
    assert wizard.errors.is_marked(wizard.passphrase.confirm)
    assert not empty_home.has_vault()


def test_short_passphrase_error_comes_from_the_core_at_the_field(qtbot, wizard, type_text, empty_home):
    """The core's 10-character minimum is shown at the passphrase field, and the hint said weak first."""
    _to_admin_page(qtbot, type_text, wizard)
    _fill_admin(qtbot, type_text, wizard, passphrase="corta")
    assert wizard.passphrase.hint.property("level") == "weak"
    _enter(qtbot, wizard.passphrase.confirm)
    assert wizard.step == ADMIN
    assert "at least 10 characters" in wizard.errors.message(wizard.passphrase.passphrase)
    assert not empty_home.has_vault()


def test_clinic_name_is_required(qtbot, wizard):
    """Next on the clinic page with no name marks the field and stays there."""
    _enter(qtbot, wizard.english)
    _enter(qtbot, wizard.clinic_name)
    assert wizard.step == CLINIC and wizard.errors.is_marked(wizard.clinic_name)


def test_no_keyring_is_one_sentence_and_creates_nothing(qtbot, no_keyring, type_text, empty_home,
                                                         immediate_runner, prefs):
    """With the fail backend: the keyring sentence shows, Create stays disabled, no file or folder appears."""
    ctx = AppContext(home=empty_home, runner=immediate_runner)
    wiz = FirstRunWizard(ctx, prefs=prefs)
    qtbot.addWidget(wiz)
    show_active(qtbot, wiz)
    assert wiz.keyring_message.isVisible()
    assert "keyring" in wiz.keyring_message.text().lower()
    _to_admin_page(qtbot, type_text, wiz)
    _fill_admin(qtbot, type_text, wiz)
    assert not wiz.next_button.isEnabled()
    _enter(qtbot, wiz.passphrase.confirm)
    wiz.create()  # even if asked directly, the core refuses before writing anything
    assert wiz.step == ADMIN and wiz.keyring_message.isVisible()
    assert not empty_home.path.exists()


def test_language_choice_retranslates_live_and_is_remembered(qtbot, wizard, prefs):
    """Choosing Español changes the wizard's words at once and is kept for the next start."""
    english_heading = wizard.welcome_heading.text()
    qtbot.keyClick(wizard.spanish, Qt.Key.Key_Space)
    assert current_language() == "es" and prefs.language() == "es"
    assert wizard.welcome_heading.text() == translator_for("es").gettext(english_heading) != english_heading
    assert wizard.next_button.text() == translator_for("es").gettext("&Next >")


def _make_vault(qtbot, wizard, type_text):
    _to_admin_page(qtbot, type_text, wizard)
    _fill_admin(qtbot, type_text, wizard)
    _enter(qtbot, wizard.passphrase.confirm)
    assert wizard.step == KEY
    return wizard.key_panel.key_label.text().split()


def test_print_recovery_kit_goes_to_the_chosen_printer(qtbot, wizard, type_text, monkeypatch, tmp_path):
    """Print renders the kit in memory and paints it onto the printer the dialog returned."""
    groups = _make_vault(qtbot, wizard, type_text)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    monkeypatch.setattr(ui.kit.printing, "ask_printer", lambda parent: printer)
    qtbot.mouseClick(wizard.key_panel.print_button, Qt.MouseButton.LeftButton)
    reader = PdfReader(str(tmp_path / "printed.pdf"))
    assert len(reader.pages) >= 1
    assert "printer" in wizard.key_panel.status.text()
    assert len(groups) == 8


def test_cancelled_print_dialog_prints_nothing(qtbot, wizard, type_text, monkeypatch):
    """When the print dialog is cancelled nothing is printed and nothing is said."""
    _make_vault(qtbot, wizard, type_text)
    monkeypatch.setattr(ui.kit.printing, "ask_printer", lambda parent: None)
    qtbot.mouseClick(wizard.key_panel.print_button, Qt.MouseButton.LeftButton)
    assert wizard.key_panel.status.text() == ""


def test_save_as_pdf_only_where_chosen_with_a_warning(qtbot, wizard, type_text, monkeypatch, tmp_path):
    """Save writes the kit (owner-only) to the chosen path, and the panel warns it is not encrypted."""
    groups = _make_vault(qtbot, wizard, type_text)
    target = tmp_path / "kit.pdf"
    monkeypatch.setattr(wizard.key_panel, "ask_save_path", lambda: str(target))
    assert "not encrypted" in wizard.key_panel.save_warning.text()
    qtbot.mouseClick(wizard.key_panel.save_button, Qt.MouseButton.LeftButton)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = "".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert "-".join(groups) in text.replace(" ", "").replace("\n", "") or groups[0] in text


def test_closing_on_the_key_page_warns_once(qtbot, wizard, type_text):
    """Esc on the recovery-key page first explains what is lost; the second Esc closes and locks."""
    _make_vault(qtbot, wizard, type_text)
    vault = wizard._vault
    qtbot.keyClick(wizard.key_panel.last_group, Qt.Key.Key_Escape)
    assert wizard.isVisible() and wizard.close_warning.isVisible()
    qtbot.keyClick(wizard.key_panel.last_group, Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    assert not vault.is_open


def test_shell_opens_the_main_window_unlocked_after_the_wizard(qtbot, qapp, type_text, empty_home,
                                                                immediate_runner, prefs):
    """From the app's shell: no vault -> wizard; finishing it -> the main window, unlocked as the admin."""
    ctx = AppContext(home=empty_home, runner=immediate_runner)
    shell = Shell(qapp, ctx, prefs)
    shell.start()
    wiz = shell.window
    assert isinstance(wiz, FirstRunWizard)
    qtbot.addWidget(wiz)
    show_active(qtbot, wiz)
    groups = _make_vault(qtbot, wiz, type_text)
    wiz.key_panel.written.setChecked(True)
    wiz.key_panel.last_group.setFocus()
    type_text(wiz.key_panel.last_group, groups[-1])
    _enter(qtbot, wiz.key_panel.last_group)
    main = shell.window
    qtbot.addWidget(main)
    assert main is not wiz and main.isVisible()
    assert ctx.vault is not None and ctx.vault.user.name == ADMIN_NAME
    assert main.screens.currentWidget() is main.workspace
    assert "admin" in main.pages
    assert main.windowTitle() == "Clinic Intake — Clínica Señora de Guadalupe"


# ----- issue 14 -----------------------------------------------------------------------------------------


def test_step_numbers_match_the_three_steps_announced(qtbot, wizard, type_text):
    assert "three short steps" in wizard.welcome_text.text()
    assert not wizard.step_label.isVisible()
    _to_admin_page(qtbot, type_text, wizard)
    assert wizard.step_label.isVisible() and wizard.step_label.text() == "Step 2 of 3"
    wizard.go_back()
    assert wizard.step_label.text() == "Step 1 of 3"


def test_the_not_the_same_error_goes_once_they_match(qtbot, wizard, type_text, empty_home):
    _to_admin_page(qtbot, type_text, wizard)
    _fill_admin(qtbot, type_text, wizard, confirm=PASSPHRASE + "x")
    _enter(qtbot, wizard.passphrase.confirm)
    assert wizard.errors.is_marked(wizard.passphrase.confirm)
    qtbot.keyClick(wizard.passphrase.confirm, Qt.Key.Key_Backspace)
    assert not wizard.errors.is_marked(wizard.passphrase.confirm)
    assert not empty_home.has_vault()


def test_a_disabled_start_button_says_why(qtbot, wizard, type_text):
    _to_admin_page(qtbot, type_text, wizard)
    _fill_admin(qtbot, type_text, wizard)
    _enter(qtbot, wizard.passphrase.confirm)
    assert wizard.step == KEY and not wizard.next_button.isEnabled()
    assert wizard.disabled_reason.isVisible() and "last group" in wizard.disabled_reason.text()
    assert wizard.next_button.toolTip() == wizard.disabled_reason.text()
    panel = wizard.key_panel
    panel.written.setChecked(True)
    type_text(panel.last_group, panel.key_label.text().split()[-1])
    assert wizard.next_button.isEnabled() and not wizard.disabled_reason.isVisible()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_wizard_step_has_an_alt_letter_twice(qtbot, wizard, type_text, lang):
    from clinic.i18n import set_language
    from tests.fixtures.mnemonics import problems

    (wizard.spanish if lang == "es" else wizard.english).setChecked(True)
    found = problems(wizard, "welcome")
    _enter(qtbot, wizard.spanish if lang == "es" else wizard.english)
    found += problems(wizard, "clinic")
    type_text(wizard.clinic_name, "Clínica")
    _enter(qtbot, wizard.clinic_name)
    found += problems(wizard, "admin")
    _fill_admin(qtbot, type_text, wizard)
    _enter(qtbot, wizard.passphrase.confirm)
    found += problems(wizard, "key")
    set_language("en")
    assert found == [], "\n".join(found)
