"""The workspace banner offering a purge at unlock when the retention settings make something due (admins).

What is due is counted on a worker (`VaultJob`, a connection of its own), so unlocking is not slowed; the
banner names counts only, and its button opens the Retention and purge dialog, which asks again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

import clinic
from clinic.access import Can
from clinic.i18n import _
from ui.admin.retention import RetentionDialog
from ui.kit.ops import VaultJob


class PurgeBanner(QWidget):
    """Hidden unless an administrator's unlock found records due for deletion."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("purgeBanner")
        self.ctx = ctx
        self.counts = None
        self.text = QLabel()
        self.text.setObjectName("purgeBannerText")
        self.text.setWordWrap(True)
        self.button = QPushButton()
        self.button.setObjectName("purgeBannerButton")
        self.button.clicked.connect(self.open_purge)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # paint the background of a plain QWidget
        self.setStyleSheet("QWidget#purgeBanner { background: #fff3cd; } QLabel { color: #5c4400; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.hide()
        ctx.signals.unlocked.connect(self.check)
        ctx.signals.locked.connect(self._clear)
        ctx.signals.language_changed.connect(self._language_changed)
        ctx.signals.changed.connect(self._changed)

    def check(self) -> None:
        """Count what is due, off the GUI thread; only for those who may purge."""
        vault = self.ctx.vault
        self._clear()
        if vault is None or not vault.is_open or not vault.can(Can.PURGE):
            return
        VaultJob(self.ctx, self, clinic.purge.plan).success(self._counted) \
            .when(lambda: self.ctx.vault is vault and vault.is_open).failure(lambda _exc: None).run()

    def _counted(self, counts) -> None:
        self.counts = None if counts.empty else counts
        self.retranslate()

    def _clear(self) -> None:
        self.counts = None
        self.hide()

    def retranslate(self) -> None:
        self.button.setText(_("Review and &purge…"))
        if self.counts is None:
            self.hide()
            return
        due = [line for line, n in zip(self.counts.lines(), self.counts.as_dict().values(), strict=True) if n]
        self.text.setText(_("Due for deletion under the retention settings:") + " " + ", ".join(due))
        self.show()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def _changed(self, what: str) -> None:
        if self.counts is not None and what == "clients":
            self.check()

    def open_purge(self) -> RetentionDialog:
        """The Retention and purge dialog: the counts first, Purge… asks again before deleting."""
        dialog = RetentionDialog(self.window(), self.ctx)
        dialog.finished.connect(lambda _r: self.check())
        dialog.open()
        return dialog
