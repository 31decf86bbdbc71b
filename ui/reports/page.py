"""The Reports screen: what the funder report counts, and the button that makes it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from clinic.i18n import _
from ui.context import AppContext, Page
from ui.reports.funder import FunderReportDialog


class ReportsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.setObjectName("reportsPage")
        self.dialog: FunderReportDialog | None = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.funder_button = QPushButton()
        self.funder_button.clicked.connect(self.open_funder_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.funder_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.setFocusProxy(self.funder_button)
        self.retranslate()

    def title(self) -> str:
        return _("Reports")

    def retranslate(self) -> None:
        self.intro.setText(_("The funder report counts the cases opened and closed in a period by LSC problem "
                             "code, closure category, funding source and household income (under 100%, 100 to "
                             "125%, 125 to 200% and over 200% of the poverty guideline). It never shows a name."))
        self.funder_button.setText(_("Make the &funder report…"))
        if self.dialog is not None:
            self.dialog.retranslate()

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.cancel()
            self.dialog.reject()

    def open_funder_report(self) -> FunderReportDialog:
        if self.dialog is None:
            self.dialog = FunderReportDialog(self.ctx, self)
        self.dialog.status.clear()
        self.dialog.open()
        return self.dialog
