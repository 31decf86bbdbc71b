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
from ui.kit.ops import VaultJob
from ui.kit.tablemodel import Column, RowTableModel
from ui.kit.tables import fit_columns

# As the clients page: the core answers in milliseconds at a million clients, so the wait only joins
# keys typed faster than it; the search itself runs on a worker and never holds the window.
SEARCH_DELAY_MS = 25
SEARCH_LIMIT = 50
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
    searched = Signal()  # the latest search's results are on screen


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
        self._seq = 0  # bumped by every search (and on close): an older search's results are dropped
        self._running = False  # the latest search has not answered yet
        self._to_results = False  # Enter or Down came before the results: go to them when they arrive
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
        """Search for what is typed, on a worker; only the latest search's results are shown."""
        self.timer.stop()
        text = self.search.text().strip()
        self._seq += 1
        seq = self._seq

        def find(v) -> list[m.ClientRow]:
            if _REF.match(text):
                try:
                    return [m.ClientRow(v.clients.id_for(text.upper()), text.upper(), "", None, "", None, 0)]
                except NotFound:
                    pass
            return v.clients.search(text, limit=SEARCH_LIMIT) if text else []

        self._running = True
        VaultJob(self.ctx, self, find).when(lambda: seq == self._seq) \
            .success(lambda rows: self._found(text, rows)).after_error(lambda _exc: self._answered()).run()

    def _found(self, text: str, rows: list[m.ClientRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        self.note.setText(_("No matching clients.") if text and not rows else "")
        if rows:
            self.table.selectRow(0)
        self._answered()

    def _answered(self) -> None:
        self._running = False
        if self._to_results and self.model.rowCount() and self.search.hasFocus():
            self.table.setFocus(Qt.FocusReason.TabFocusReason)  # first row selected: Enter refers
        self._to_results = False
        self.searched.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is getattr(self, "search", None) and event.type() == QEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.timer.isActive() or (event.key() != Qt.Key.Key_Down and not self._running):
                self.run_search()
            if self._running:
                self._to_results = True  # moved there when the results arrive
            elif self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.TabFocusReason)
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
        self._seq += 1  # a search still running shows nothing now
        self.model.set_rows([])
        self.search.clear()
        if self.parentWidget() is not None:
            self.deleteLater()
