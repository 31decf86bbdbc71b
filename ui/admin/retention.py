"""Retention and purge (admins): how long records are kept, and deleting what is due after confirming counts.

The purge runs on the GUI thread under a busy cursor, like the staff changes: it writes through the
vault's connection, which belongs to this thread, and its VACUUM rewrites the file (seconds on a large
vault). The confirmation shows counts only, never names.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic.i18n import _
from ui.kit.errors import show_error
from ui.kit.ops import VaultOp

_FIELDS = (("intake_days", 1, 3650), ("case_years", 1, 50), ("letter_years", 1, 50), ("document_years", 1, 50),
           ("media_days", 1, 3650), ("media_years", 1, 50))


class RetentionDialog(QDialog):
    """Six limits, the counts now due, and Purge… (asks again with the counts before deleting)."""

    def __init__(self, parent: QWidget, ctx):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("retentionDialog")
        self.setWindowTitle(_("Retention and purge"))
        self.spins: dict[str, QSpinBox] = {}
        form = QFormLayout()
        labels = (_("&Intakes never taken up, kept for:"), _("&Closed and rejected cases, kept after closing:"),
                  _("&Letters, kept for:"), _("&Documents of ended cases, kept after closing:"),
                  _("Incident photos and videos (&unverified or dismissed), kept after the last review:"),
                  _("Incident photos and videos (v&erified or corroborated), kept after the last review:"))
        for (name, low, high), text in zip(_FIELDS, labels, strict=True):
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setSuffix(_(" days") if name.endswith("_days") else _(" years"))
            spin.setAccessibleName(text.replace("&", "").rstrip(":"))
            label = QLabel(text)
            label.setBuddy(spin)
            form.addRow(label, spin)
            self.spins[name] = spin
        self.save_button = QPushButton(_("&Save limits"))
        self.save_button.clicked.connect(self.save)
        self.due = QLabel()
        self.due.setObjectName("retentionDue")
        self.due.setWordWrap(True)
        self.due.setTextFormat(Qt.TextFormat.PlainText)
        self.purge_button = QPushButton(_("&Purge…"))
        self.purge_button.clicked.connect(self.ask_purge)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.due)
        layout.addWidget(self.purge_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        self.counts = None
        self.reload()

    def reload(self) -> None:
        vault = self.ctx.v
        settings = clinic.Retention(vault).settings()
        for name, spin in self.spins.items():
            spin.setValue(getattr(settings, name))
        self.counts = clinic.purge.plan(vault)
        if self.counts.empty:
            self.due.setText(_("Nothing is due for deletion."))
        else:
            self.due.setText(_("Due for deletion under the retention settings:") + "\n"
                             + "\n".join(self.counts.lines()))
        self.purge_button.setEnabled(not self.counts.empty)

    def save(self) -> None:
        values = {name: spin.value() for name, spin in self.spins.items()}
        VaultOp(self.ctx, self, lambda v: clinic.Retention(v).update(clinic.RetentionSettings(**values))) \
            .success(lambda _saved: self.reload()).run()

    def ask_purge(self) -> QMessageBox:
        """A window-modal question listing the counts (Cancel by default); OK deletes exactly those."""
        shown = self.counts
        text = _("Delete these for good? They cannot be brought back, except from an older backup.") + "\n\n" \
            + "\n".join(shown.lines())
        box = QMessageBox(QMessageBox.Icon.Warning, _("Retention and purge"), text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda b: self.purge(shown) if box.standardButton(b) == QMessageBox.StandardButton.Ok else None)
        box.open()
        return box

    def purge(self, shown) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

        def purged(_result) -> None:
            QGuiApplication.restoreOverrideCursor()
            self.reload()
            self.due.setText(_("Deleted, and the freed space was wiped."))

        def refused(exc) -> None:
            QGuiApplication.restoreOverrideCursor()  # before the message, not behind it
            show_error(self, exc)
            self.reload()

        VaultOp(self.ctx, self, lambda v: clinic.purge.run(v, shown)).changes("clients").success(purged) \
            .failure(refused).run()
