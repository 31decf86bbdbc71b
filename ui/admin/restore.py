"""Administration → "Restore from a backup…": an administrator replaces the open vault with a backup.

The backup is authenticated and recovered beside the clinic folder on a worker (`VaultJob`, progress),
while the window keeps answering and the open vault is untouched. Only then, on the GUI thread, the core
audits, locks the open vault and moves it aside to `<folder>.before-restore-<time>` (never deleted), and
the window locks to the unlock screen of the restored vault. The core refuses anyone but an administrator.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic.errors import Cancelled
from clinic.i18n import _
from ui.kit.errors import show_error
from ui.kit.forms import FieldErrors
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.restore_form import RestoreFields


def stage(vault, task, *, path: str, recovery_key: str, admin_name: str, passphrase: str):
    """Worker: the restore staged beside the clinic folder; dropped again if the dialog went meanwhile."""
    staged = clinic.stage_restore_over(vault, path, recovery_key=recovery_key, admin_name=admin_name,
                                       new_passphrase=passphrase, progress=task.progress)
    if task.cancelled:
        staged.discard()
        raise Cancelled()
    return staged


class ReplaceDialog(QDialog):
    """File, recovery key, administrator, new passphrase, and an explicit "move the current vault aside"."""

    def __init__(self, ctx, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("replaceFromBackupDialog")
        self.ctx = ctx
        self.handle = None
        self.result_text = ""
        self.errors = FieldErrors()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        self.fields = RestoreFields(form, self.errors, self)
        self.fields.admin_name.setText(ctx.v.user.name)
        self.confirm = QCheckBox()
        self.confirm.setObjectName("confirmMoveAside")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(False)
        self.confirm.toggled.connect(self.ok_button.setEnabled)
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.confirm)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.setMinimumWidth(640)  # the height follows the wrapped intro

    def retranslate(self) -> None:
        self.setWindowTitle(_("Restore from a backup"))
        folder = str(self.ctx.home.path)
        self.intro.setText(_("The vault in {folder} will be replaced by the backup you choose. It is not deleted: "
                             "it is moved aside to {folder}.before-restore-<date and time>. Clinic Intake then "
                             "locks; unlock the restored vault as the administrator below with the new "
                             "passphrase. Other staff unlock with their own passphrases, as before.")
                           .format(folder=folder))
        self.fields.retranslate()
        self.confirm.setText(_("I &understand: move the current vault aside and put the backup in its place"))
        self.ok_button.setText(_("Restore"))

    def restore(self) -> None:
        values = self.fields.values()
        if values is None or not self.confirm.isChecked():
            return
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.fields.set_enabled(False)
        self.handle = VaultJob(self.ctx, self, lambda v, task: stage(v, task, **values)) \
            .progress(self._progressed).failure(self._failed).success(self._staged) \
            .busy(self.ok_button, self.confirm).finished(self._idle).run()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(100 if not total else done * 100 // total)

    def _idle(self) -> None:
        self.handle = None
        self.progress.setVisible(False)
        self.fields.set_enabled(True)

    def _failed(self, exc) -> None:
        if not self.fields.mark(exc):
            show_error(self, exc)

    def _staged(self, staged) -> None:
        """GUI thread: the core locks the open vault, moves it aside and installs the restored one."""
        self.fields.clear_secrets()
        result = VaultOp(self.ctx, self, lambda v: clinic.restore_over(v, staged)).run()
        if result is None:
            return
        text = _("Restored the backup of {when}.").format(when=result.made_at)
        if result.moved_aside:
            text += " " + _("The vault that was there is now in {path}.").format(path=str(result.moved_aside))
        self.result_text = text
        main = self.parentWidget().window()
        self.accept()
        self.ctx.signals.lock_requested.emit()  # the unlock screen, listing the restored vault's staff
        box = QMessageBox(QMessageBox.Icon.Information, _("Restore from a backup"), text,
                          QMessageBox.StandardButton.Ok, main)
        box.setObjectName("restoreDoneBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def done(self, r: int) -> None:
        if self.handle is not None:  # closed while staging (a lock): the worker drops what it staged
            self.handle.cancel()
        super().done(r)
