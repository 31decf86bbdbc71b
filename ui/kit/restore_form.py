"""The fields of a restore from a backup (file, recovery key, administrator, new passphrase), shared by the
first-run wizard's restore and Administration's "Restore from a backup…"."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from clinic.errors import ValidationError
from clinic.i18n import _
from ui.kit.filedialogs import ask_open
from ui.kit.forms import FieldErrors, labelled
from ui.kit.passphrase import PassphraseFields


class RestoreFields:
    """Adds its rows to `form`; the owner keeps its own buttons, progress and worker."""

    def __init__(self, form: QFormLayout, errors: FieldErrors, parent: QWidget):
        self.parent, self.errors = parent, errors
        self.file = QLineEdit()
        self.file.setObjectName("backupFile")
        self.choose = QPushButton()
        self.choose.clicked.connect(self.choose_file)
        self.recovery_key = QLineEdit()
        self.recovery_key.setObjectName("recoveryKey")
        self.admin_name = QLineEdit()
        self.admin_name.setObjectName("adminName")
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.choose)
        self.file_label = QLabel()
        self.file_label.setBuddy(self.file)
        form.addRow(self.file_label, row)
        self.key_label = labelled(form, "", self.recovery_key)
        self.admin_label = labelled(form, "", self.admin_name)
        self.passphrase = PassphraseFields(form)
        self.passphrase.errors = errors

    def retranslate(self) -> None:
        self.file_label.setText(_("Backup &file:"))
        self.choose.setText(_("C&hoose…"))
        self.key_label.setText(_("&Recovery key:"))
        self.admin_label.setText(_("&Administrator's name:"))
        self.passphrase.retranslate()

    def choose_file(self) -> None:
        path = ask_open(self.parent, _("Choose the backup file"), _("Clinic Intake backups (*.cibak)"))
        if path:
            self.file.setText(path)

    def values(self) -> dict[str, str] | None:
        """path, recovery_key, admin_name, passphrase; None (and the confirmation marked) on a mismatch."""
        self.errors.clear()
        if not self.passphrase.matches():
            self.errors.mark(self.passphrase.confirm, self.passphrase.mismatch_message())
            return None
        return {"path": self.file.text().strip(), "recovery_key": self.recovery_key.text(),
                "admin_name": self.admin_name.text().strip(), "passphrase": self.passphrase.text()}

    def clear_secrets(self) -> None:
        self.passphrase.clear()
        self.recovery_key.clear()

    def mark(self, exc: BaseException) -> bool:
        """A refused passphrase marked at its field (True); anything else is for the error presenter."""
        return isinstance(exc, ValidationError) and self.errors.mark_validation(
            exc, {"passphrase": self.passphrase.passphrase})

    def set_enabled(self, on: bool) -> None:
        for widget in (self.file, self.choose, self.recovery_key, self.admin_name):
            widget.setEnabled(on)
        self.passphrase.set_enabled(on)
