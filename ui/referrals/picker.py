"""Choosing the client to refer: find by name, phone or reference, Enter refers. Shared helpers of the screen."""

from __future__ import annotations

import re
import unicodedata

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.errors import NotFound
from clinic.i18n import N_, _
from ui.context import AppContext
from ui.kit.format import format_date
from ui.kit.forms import set_accessible
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import Column, RowTableModel
from ui.kit.tables import fit_columns

SEARCH_DELAY_MS = 250
_REF = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{3,}$")

CLIENT_COLUMNS = (
    Column(N_("Reference"), lambda c: c.ref),
    Column(N_("Name"), lambda c: c.display_name),
    Column(N_("Date of birth"), lambda c: c.date_of_birth, display=format_date),
)


def fold(text: str) -> str:
    """Lower case without accents, for matching what a person types ("garcia" finds "García")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def list_table(model, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ClientPicker(QDialog):
    """Find the client to refer (name, phone or reference); `chosen(client_id)` on OK. Non-modal."""

    chosen = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("clientPicker")
        self.search = QLineEdit()
        self.search.setObjectName("clientSearch")
        self.model = RowTableModel(CLIENT_COLUMNS, parent=self)
        self.table = list_table(self.model, "clientResults")
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda _i: self.accept())
        self.note = QLabel()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.search.installEventFilter(self)  # Down or Enter: run the search and go to the results
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.label = QLabel()
        self.label.setBuddy(self.search)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        ctx.signals.locked.connect(self._locked)
        self.resize(640, 460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Choose the client to refer"))
        self.label.setText(_("&Find the client by name, phone or reference:"))
        set_accessible(self.search, _("Find the client by name, phone or reference"))
        set_accessible(self.table, _("Clients found"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Refer this client…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.model.retranslate()

    def run_search(self) -> None:
        self.timer.stop()
        text = self.search.text().strip()

        def find(v) -> list[m.ClientRow]:
            if _REF.match(text):
                try:
                    return [m.ClientRow(v.clients.id_for(text.upper()), text.upper(), "", None, "", None, 0)]
                except NotFound:
                    pass
            return v.clients.search(text, limit=50) if len(text) >= 2 else []

        VaultOp(self.ctx, self, find).success(lambda rows: self._found(text, rows)).run()

    def _found(self, text: str, rows: list[m.ClientRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        self.note.setText(_("No matching clients.") if text and not rows else "")
        if rows:
            self.table.selectRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is getattr(self, "search", None) and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.timer.isActive() or event.key() != Qt.Key.Key_Down:
                self.run_search()
            if self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.TabFocusReason)  # first row selected: Enter refers
            return True
        return super().eventFilter(watched, event)

    def accept(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        client_id = self.model.row_at(index).id
        super().accept()
        self.chosen.emit(client_id)

    def _locked(self) -> None:
        if shiboken6.isValid(self) and self.isVisible():
            self.close()

    def done(self, result: int) -> None:
        super().done(result)
        self.model.set_rows([])
        self.search.clear()
        if self.parentWidget() is not None:
            self.deleteLater()
