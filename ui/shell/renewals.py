"""The renewal reminder under the top bar (issue 12): after unlock, staff who see the renewals list are told
how many affidavits are due and how many children turn 18 and leave their plan, with a button to the list.

A banner, not a pop-up: it never takes the focus. The counts are computed on a worker (every plan is read),
so the unlock is not held up; they name no one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from clinic.access import Can
from clinic.i18n import _, ngettext
from ui.context import AppContext
from ui.kit.ops import VaultJob


class RenewalBanner(QFrame):
    def __init__(self, ctx: AppContext, show_renewals: Callable[[], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.reminder = None  # clinic's Reminder (counts only), None while locked or not computed
        self._vault = None  # the vault the counts belong to
        self.setObjectName("renewalBanner")
        self.setStyleSheet("QFrame#renewalBanner { background: #fff7e6; border-bottom: 1px solid #b36200; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.button = QPushButton()  # no Alt-letter: the banner shows over every screen's own letters
        self.button.clicked.connect(show_renewals)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        ctx.signals.unlocked.connect(self.refresh)
        ctx.signals.locked.connect(self.clear)
        # Bound methods, not lambdas: Qt drops a dead widget's connections only for its own methods.
        ctx.signals.language_changed.connect(self._language_changed)
        ctx.signals.changed.connect(self._changed)
        self.hide()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def _changed(self, what: str) -> None:
        if what == "plans":
            self.refresh()

    def refresh(self) -> None:
        """Count again for the open vault, on a worker; hidden for those who do not see renewals."""
        vault = self.ctx.vault
        if vault is None or not self.ctx.can(Can.VIEW_CLIENTS):
            self.clear()
            return
        self._vault = vault
        VaultJob(self.ctx, self, lambda v: v.plans.reminder()) \
            .when(lambda: self.ctx.vault is vault) \
            .success(self._counted) \
            .failure(lambda _exc: self.clear()) \
            .run()

    def _counted(self, reminder) -> None:
        self.reminder = None if reminder.empty else reminder
        self.retranslate()

    def clear(self) -> None:
        self.reminder, self._vault = None, None
        self.text.clear()
        self.hide()

    def retranslate(self) -> None:
        self.button.setText(_("Show renewals"))
        r = self.reminder
        if r is None:
            self.hide()
            return
        parts = []
        if r.affidavits_due:
            parts.append(ngettext("{n} affidavit is due for renewal.", "{n} affidavits are due for renewal.",
                                  r.affidavits_due).format(n=r.affidavits_due))
        if r.turning_18:
            parts.append(ngettext("{n} child turns 18 within a month and leaves their plan.",
                                  "{n} children turn 18 within a month and leave their plan.",
                                  r.turning_18).format(n=r.turning_18))
        self.text.setText(" ".join(parts))
        self.button.setAccessibleDescription(self.text.text())
        self.show()
