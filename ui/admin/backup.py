"""The backup box on the Administration page: when the last backup was made, a reminder, "Make a backup…".

The backup runs as a worker job on a connection of its own (`vault.in_worker`), with progress and Cancel;
the button is disabled meanwhile, and the GUI keeps answering.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic.access import Can
from clinic.i18n import _
from ui.admin.restore import ReplaceDialog
from ui.kit.errors import show_error
from ui.kit.filedialogs import ask_folder


class BackupBox(QGroupBox):
    """Shown to whoever may back up; reloads on unlock and after each backup."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("backupBox")
        self.ctx = ctx
        self.handle = None
        self.banner = QLabel()
        self.banner.setObjectName("backupBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel#backupBanner { background: #fff3cd; color: #5c4400; padding: 6px; }")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.button = QPushButton()
        self.button.clicked.connect(self.ask_and_back_up)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.restore_button = QPushButton()  # administrators only (the core refuses anyone else)
        self.restore_button.setObjectName("restoreOverVault")
        self.restore_button.clicked.connect(self.open_restore)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._idle()
        ctx.signals.unlocked.connect(self.reload)
        ctx.signals.language_changed.connect(self._language_changed)  # a bound slot: dropped with the box
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Backups"))
        self.button.setText(_("Make a &backup…"))
        self.cancel_button.setText(_("Cancel"))
        self.restore_button.setText(_("Rest&ore from a backup…"))
        self.progress.setAccessibleName(_("Backup progress"))
        self.reload()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def reload(self) -> None:
        vault = self.ctx.vault
        if vault is None or not vault.is_open or not clinic.may_back_up(vault):
            self.setVisible(False)
            return
        self.setVisible(True)
        self.restore_button.setVisible(vault.can(Can.RESTORE_BACKUP))
        st = clinic.backup_status(vault)
        if st.last_at is None:
            self.status.setText(_("No backup has been made yet."))
        else:
            self.status.setText(_("Last backup: {when}, in {folder}.").format(
                when=st.last_at.astimezone().strftime("%Y-%m-%d %H:%M"), folder=st.folder))
        message = clinic.backup_reminder(vault)
        self.banner.setText(message or "")
        self.banner.setVisible(bool(message))

    def _idle(self) -> None:
        self.button.setEnabled(True)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)

    def ask_and_back_up(self) -> None:
        folder = ask_folder(self, _("Choose the folder for the backup (a USB stick)"))
        if folder:
            self.back_up_to(folder)

    def back_up_to(self, folder: str) -> None:
        vault = self.ctx.v
        self.button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)

        def job(task):
            return vault.in_worker(lambda session: clinic.make_backup(
                session, folder, progress=task.progress, cancelled=lambda: task.cancelled))

        self.handle = self.ctx.runner.run(job, owner=self, on_done=self._done, on_error=self._failed,
                                          on_progress=self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(100 if not total else done * 100 // total)

    def _done(self, result) -> None:
        self._idle()
        self.reload()
        self.status.setText(_("Backup written: {path}").format(path=str(result.path)))

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        show_error(self, exc)

    def open_restore(self) -> ReplaceDialog:
        dialog = ReplaceDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
