"""First run on a new laptop: restore the clinic's vault from a backup file with the recovery key.

Shown with open() (no nested event loop). The restore and the new passphrase's Argon2id run in the
TaskRunner; the vault is then opened on the GUI thread (Vault.open) and handed on through `completed`.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic import Vault
from clinic.i18n import _
from ui.kit.errors import show_error
from ui.kit.forms import FieldErrors
from ui.kit.restore_form import RestoreFields


def restore_and_derive(home, *, path: str, recovery_key: str, admin_name: str, passphrase: str, task=None):
    """Worker: restore, then derive the administrator's keys with the new passphrase."""
    clinic.restore_backup(path, home, recovery_key=recovery_key, admin_name=admin_name,
                          new_passphrase=passphrase, progress=task.progress if task else None)
    return Vault.derive(home, admin_name, passphrase)


class RestoreDialog(QDialog):
    """Backup file, recovery key, administrator and a new passphrase; emits `completed(vault)`."""

    completed = Signal(object)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.ctx = ctx
        self.errors = FieldErrors()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        form = QFormLayout()
        self.fields = f = RestoreFields(form, self.errors, self)
        self.file, self.choose, self.recovery_key, self.admin_name, self.passphrase = \
            f.file, f.choose, f.recovery_key, f.admin_name, f.passphrase
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Restore from a backup"))
        self.intro.setText(_("Choose the backup file (for example on the clinic's USB stick), type the recovery "
                             "key from the recovery kit, the administrator's name, and a new passphrase for "
                             "them on this laptop. Other staff are enrolled again afterwards."))
        self.fields.retranslate()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Restore"))

    def choose_file(self) -> None:
        self.fields.choose_file()

    def restore(self) -> None:
        values = self.fields.values()
        if values is None:
            return
        self._set_busy(True)
        job = functools.partial(restore_and_derive, self.ctx.home, **values)
        self.ctx.runner.run(job, owner=self, on_done=self._restored, on_error=self._failed,
                            on_progress=self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(100 if not total else done * 100 // total)

    def _restored(self, keys) -> None:
        self._set_busy(False)
        self.fields.clear_secrets()
        try:
            vault = Vault.open(self.ctx.home, keys, self.ctx.guard)
        except Exception as exc:
            show_error(self, exc)
            return
        self.completed.emit(vault)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not self.fields.mark(exc):
            show_error(self, exc)

    def _set_busy(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.fields.set_enabled(not on)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not on)
