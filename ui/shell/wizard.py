"""First run: language, the clinic's details, the administrator, then the recovery key shown once.

A QDialog shown with show() (never exec()), so Enter goes to the default button and Esc cancels without a
nested event loop. Vault.init runs in the TaskRunner; its connection belongs to that worker, so the worker
closes it and the wizard reopens the vault on the GUI thread with the same keys (Vault.open) before handing
it to the main window through `completed(vault)`.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic import Vault
from clinic.errors import KeyringUnavailable, UserError, ValidationError
from clinic.i18n import _, current_language, set_language
from ui.kit import theme
from ui.kit.errors import show_error
from ui.kit.format import NATIVE_NAMES
from ui.kit.forms import FieldErrors, labelled
from ui.kit.passphrase import PassphraseFields
from ui.kit.printing import RecoveryKeyPanel
from ui.shell.restore import RestoreDialog

WELCOME, CLINIC, ADMIN, KEY = range(4)


def create_vault(home, *, clinic_name: str, clinic_address: str, admin_name: str, passphrase: str,
                 language: str):
    """Worker: make the vault, then close its worker-thread connection. Returns (keys, key text, vault id)."""
    Vault.check_keyring()
    vault, recovery_key = Vault.init(home, clinic_name=clinic_name, clinic_address=clinic_address,
                                     admin_name=admin_name, passphrase=passphrase, language=language)
    keys, vault_id = vault.keys.owned(), vault.vault_id  # lock() wipes the vault's own copies
    vault.lock()
    return keys, recovery_key, vault_id


def _page(*widgets: QWidget) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    layout = QVBoxLayout(page)
    for widget in widgets:
        layout.addWidget(widget)
    return page, layout


def _heading() -> QLabel:
    label = QLabel()
    font = label.font()
    font.setPointSize(font.pointSize() + 6)
    font.setBold(True)
    label.setFont(font)
    return label


def _text() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


class FirstRunWizard(QDialog):
    """Creates the vault and emits `completed(vault)` with it open, unlocked as the new administrator."""

    completed = Signal(object)

    def __init__(self, ctx, *, prefs=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.ctx, self.prefs = ctx, prefs
        self.errors = FieldErrors()
        self._vault = None  # created and open, until handed over
        self._busy = False
        self._keyring_ok = False
        self._close_warned = False

        self.step_label = QLabel()
        self.keyring_message = _text()
        self.keyring_message.setObjectName("keyringMessage")
        self.keyring_message.setProperty(theme.FIELD_ERROR, True)
        self.keyring_retry = QPushButton()
        self.keyring_retry.clicked.connect(self.check_keyring)
        keyring_row = QHBoxLayout()
        keyring_row.addWidget(self.keyring_message, 1)
        keyring_row.addWidget(self.keyring_retry, 0, Qt.AlignmentFlag.AlignTop)
        self.stack = QStackedWidget()

        # Welcome and language
        self.welcome_heading, self.welcome_text = _heading(), _text()
        self.language_label = QLabel("Idioma / Language")
        self.spanish, self.english = QRadioButton(NATIVE_NAMES["es"]), QRadioButton(NATIVE_NAMES["en"])
        (self.spanish if current_language() == "es" else self.english).setChecked(True)
        self.spanish.toggled.connect(lambda on: on and self.choose_language("es"))
        self.english.toggled.connect(lambda on: on and self.choose_language("en"))
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("restoreFromBackup")
        self.restore_button.clicked.connect(self.open_restore)
        page, layout = _page(self.welcome_heading, self.welcome_text, self.language_label, self.spanish,
                             self.english)
        layout.addStretch(1)
        layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.stack.addWidget(page)

        # The clinic
        self.clinic_heading, self.clinic_text = _heading(), _text()
        self.clinic_name = QLineEdit()
        self.clinic_name.setObjectName("clinicName")
        self.clinic_address = QPlainTextEdit()
        self.clinic_address.setObjectName("clinicAddress")
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(80)
        form = QFormLayout()
        self.clinic_name_label = labelled(form, "", self.clinic_name)
        self.clinic_address_label = labelled(form, "", self.clinic_address)
        page, layout = _page(self.clinic_heading, self.clinic_text)
        layout.addLayout(form)
        layout.addStretch(1)
        self.stack.addWidget(page)

        # The administrator
        self.admin_heading, self.admin_text = _heading(), _text()
        self.admin_name = QLineEdit()
        self.admin_name.setObjectName("adminName")
        form = QFormLayout()
        self.admin_name_label = labelled(form, "", self.admin_name)
        self.passphrase = PassphraseFields(form)
        self.passphrase.errors = self.errors
        page, layout = _page(self.admin_heading, self.admin_text)
        layout.addLayout(form)
        layout.addStretch(1)
        self.stack.addWidget(page)

        # The recovery key
        self.key_heading = _heading()
        self.key_panel = RecoveryKeyPanel(ctx)
        self.key_panel.confirmed_changed.connect(self._update_buttons)
        page, _layout = _page(self.key_heading, self.key_panel)
        self.stack.addWidget(page)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(200)
        self.busy.hide()
        self.close_warning = _text()
        self.close_warning.setProperty(theme.FIELD_ERROR, True)
        self.close_warning.hide()
        self.disabled_reason = _text()
        self.disabled_reason.setObjectName("disabledReason")
        self.disabled_reason.hide()
        self.back_button, self.next_button = QPushButton(), QPushButton()
        self.back_button.setObjectName("backButton")
        self.next_button.setObjectName("nextButton")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.next_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.busy)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addLayout(keyring_row)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.close_warning)
        layout.addWidget(self.disabled_reason)
        layout.addLayout(bottom)
        self.resize(820, 620)
        self.next_button.setDefault(True)  # once it sits in the dialog, so the dialog knows it
        self._show_keyring_problem("")
        self._show_step(WELCOME)
        self.check_keyring()

    # ----- navigation ------------------------------------------------------------------------------

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def go_back(self) -> None:
        if self.step in (CLINIC, ADMIN) and not self._busy:
            self._show_step(self.step - 1)

    def go_next(self) -> None:
        if self._busy or not self.next_button.isEnabled():
            return
        if self.step == WELCOME:
            self._show_step(CLINIC)
        elif self.step == CLINIC:
            self.errors.clear()
            if not self.clinic_name.text().strip():
                self.errors.mark(self.clinic_name, _("Enter the clinic's name."))
                return
            self._show_step(ADMIN)
        elif self.step == ADMIN:
            self.create()
        elif self.step == KEY and self.key_panel.is_confirmed():
            self.finish()

    def _show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.next_button.setDefault(True)
        first = {WELCOME: self.spanish if self.spanish.isChecked() else self.english,
                 CLINIC: self.clinic_name, ADMIN: self.admin_name, KEY: self.key_panel.print_button}[step]
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.retranslate()

    def _update_buttons(self, *_args) -> None:
        step = self.step
        self.back_button.setVisible(step in (CLINIC, ADMIN))
        self.back_button.setEnabled(not self._busy)
        self.cancel_button.setVisible(step != KEY)
        self.cancel_button.setEnabled(not self._busy)
        if step == ADMIN:
            self.next_button.setEnabled(self._keyring_ok and not self._busy)
        elif step == KEY:
            self.next_button.setEnabled(self.key_panel.is_confirmed())
        else:
            self.next_button.setEnabled(not self._busy)
        # A disabled button says why (a tooltip, and a line a screen reader reads with it).
        reason = ""
        if step == KEY and not self.next_button.isEnabled():
            reason = _("First tick “I have printed it or written it down” and type the last group of "
                       "the key.")
        elif step == ADMIN and not self._keyring_ok:
            reason = _("The system keyring is not available yet: see the message above.")
        self.next_button.setToolTip(reason)
        self.next_button.setAccessibleDescription(reason)
        self.disabled_reason.setText(reason)
        self.disabled_reason.setVisible(bool(reason))

    # ----- keyring -----------------------------------------------------------------------------------

    def check_keyring(self) -> None:
        self.ctx.runner.run(Vault.check_keyring, owner=self, on_done=lambda _r: self._keyring_checked(None),
                            on_error=self._keyring_checked)

    def _keyring_checked(self, exc: BaseException | None) -> None:
        if exc is None:
            self._keyring_ok = True
            self._show_keyring_problem("")
        elif isinstance(exc, UserError):
            self._keyring_ok = False
            self._show_keyring_problem(exc.message)
        else:
            self._keyring_ok = False
            show_error(self, exc)
        self._update_buttons()

    def _show_keyring_problem(self, message: str) -> None:
        self.keyring_message.setText(message)
        self.keyring_message.setVisible(bool(message))
        self.keyring_retry.setVisible(bool(message))

    # ----- creating ----------------------------------------------------------------------------------

    def create(self) -> None:
        self.errors.clear()
        if not self.passphrase.matches():
            self.errors.mark(self.passphrase.confirm, self.passphrase.mismatch_message())
            return
        # Read the widgets here, on the GUI thread: the worker gets plain values only.
        work = functools.partial(create_vault, self.ctx.home, clinic_name=self.clinic_name.text(),
                                 clinic_address=self.clinic_address.toPlainText(),
                                 admin_name=self.admin_name.text(), passphrase=self.passphrase.text(),
                                 language=current_language())
        self._set_busy(True)
        self.ctx.runner.run(work, owner=self, on_done=self._created, on_error=self._create_failed)

    def _created(self, result) -> None:
        keys, recovery_key, vault_id = result
        self._set_busy(False)
        self.passphrase.clear()
        try:
            self._vault = Vault.open(self.ctx.home, keys, self.ctx.guard)
        except Exception as exc:
            show_error(self, exc)
            return
        self.key_panel.show_key(recovery_key=recovery_key, clinic_name=self.clinic_name.text().strip(),
                                vault_id=vault_id)
        self._show_step(KEY)

    def _create_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            fields = {"name": self.admin_name, "passphrase": self.passphrase.passphrase}
            if self.errors.mark_validation(exc, fields):
                return
        if isinstance(exc, KeyringUnavailable):
            self._keyring_ok = False
            self._show_keyring_problem(exc.message)
            self._update_buttons()
            return
        show_error(self, exc)

    def _set_busy(self, on: bool) -> None:
        self._busy = on
        self.busy.setVisible(on)
        for widget in (self.admin_name, self.clinic_name, self.clinic_address):
            widget.setEnabled(not on)
        self.passphrase.set_enabled(not on)
        self._update_buttons()

    def open_restore(self):
        """A vault made elsewhere: restore its backup instead of making a new one."""
        dialog = RestoreDialog(self.ctx, self)
        dialog.completed.connect(lambda vault: (self.completed.emit(vault), self.accept()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ----- finishing ---------------------------------------------------------------------------------

    def finish(self) -> None:
        vault, self._vault = self._vault, None
        self.key_panel.clear()
        self.completed.emit(vault)
        self.accept()

    def reject(self) -> None:
        """Esc, Cancel or the close button. Never while creating; warns once before dropping the key."""
        if self._busy:
            return
        if self._vault is not None and not self._close_warned:
            self._close_warned = True
            self.close_warning.setText(_("The vault is made, but the recovery key is shown only now. Close "
                                         "again to quit anyway; an administrator can make a new key later "
                                         "under Administration."))
            self.close_warning.show()
            return
        if self._vault is not None:
            self._vault.lock()
            self._vault = None
        self.key_panel.clear()
        super().reject()

    # ----- language ----------------------------------------------------------------------------------

    def choose_language(self, lang: str) -> None:
        if lang == current_language():
            return
        set_language(lang)
        if self.prefs is not None:
            self.prefs.set_language(lang)
        self.ctx.signals.language_changed.emit(lang)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Clinic Intake: first start"))
        # The welcome page is not one of the "three short steps" it announces: no number there.
        self.step_label.setVisible(self.step != WELCOME)
        self.step_label.setText(_("Step {step} of {total}").format(step=max(self.step, 1), total=3))
        self.keyring_retry.setText(_("Check &again"))
        self.restore_button.setText(_("&Restore from a backup…"))
        self.welcome_heading.setText(_("Welcome to Clinic Intake"))
        self.welcome_text.setText(_(
            "This laptop has no clinic vault yet. In three short steps you will make one: the clinic's "
            "details, the administrator's account, and a recovery key to keep somewhere safe. Everything "
            "stays on this laptop, encrypted; nothing is sent anywhere."))
        self.clinic_heading.setText(_("The clinic"))
        self.clinic_text.setText(_("The clinic's name appears in the window title and on printed letters."))
        self.clinic_name_label.setText(_("&Clinic name:"))
        self.clinic_address_label.setText(_("&Address:"))
        self.admin_heading.setText(_("The administrator"))
        self.admin_text.setText(_(
            "The administrator adds the other staff, sets their roles and keeps the recovery key. Type your "
            "own name and a passphrase only you know: nobody can look it up later."))
        self.admin_name_label.setText(_("Your &name:"))
        self.passphrase.retranslate()
        self.key_heading.setText(_("The recovery key"))
        self.key_panel.retranslate()
        self.back_button.setText(_("< &Back"))
        self.next_button.setText({ADMIN: _("&Create the vault"), KEY: _("&Start using Clinic Intake")}
                                 .get(self.step, _("&Next >")))
        self._update_buttons()
