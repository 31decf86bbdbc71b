"""Finding clients: search as you type over the whole vault; for volunteers, their own intakes of today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.access import Can
from clinic.errors import UserError
from clinic.i18n import _, ngettext
from ui.clients.columns import (
    CLIENT_COLUMNS,
    LOOKUP_COLUMNS,
    MINE_COLUMNS,
    fit_columns,
    list_table,
    no_rows,
    sample_date,
)
from ui.clients.view import ClientFileView
from ui.context import AppContext, Page
from ui.kit.errors import show_error
from ui.kit.format import format_number, format_when, language_name
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.tablemodel import LazyRowTableModel, RowTableModel

# How long a search waits after a key. The core answers in a few milliseconds even at a million clients
# (tools/bench_curve.py), so this only joins keys typed faster than it into one search; results follow
# the typing (was 150 ms, most of the wait from the last key to the results).
SEARCH_DELAY_MS = 25
SEARCH_LIMIT = 200
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

class ClientsPage(Page):
    """Staff who may see clients search the whole list; volunteers see their own intakes and a lookup."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._staff = ctx.can(Can.VIEW_CLIENTS) if ctx.can(Can.LOOKUP_CLIENT) else True
        self._search_seq = 0  # bumped by every search and by clear(): older results are dropped
        self._count: int | None = None  # clients in the vault, as last counted (a save adds to it)

        # Staff: search and the whole list.
        self.search_label = QLabel()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(200)
        self.search_label.setBuddy(self.search)
        self.search.installEventFilter(self)
        self.count_label = QLabel()
        self.clients_model = LazyRowTableModel(CLIENT_COLUMNS, no_rows, parent=self)
        self.table = list_table(self.clients_model, 1)
        staff = QWidget()
        staff_layout = QVBoxLayout(staff)
        for widget in (self.search_label, self.search, self.count_label):
            staff_layout.addWidget(widget)
        staff_layout.addWidget(self.table, 1)

        # Volunteers: their own recent intakes, and "is this person already a client?".
        self.mine_heading = QLabel()
        font = self.mine_heading.font()
        font.setBold(True)
        self.mine_heading.setFont(font)
        self.mine_hint = QLabel()
        self.mine_hint.setWordWrap(True)
        self.mine_model = RowTableModel(MINE_COLUMNS, parent=self)
        self.mine_table = list_table(self.mine_model, 1)
        self.lookup_label = QLabel()
        self.lookup_label.setWordWrap(True)
        self.lookup = QLineEdit()
        self.lookup.setClearButtonEnabled(True)
        self.lookup.setMaxLength(200)
        self.lookup_label.setBuddy(self.lookup)
        self.lookup.installEventFilter(self)
        self.lookup_status = QLabel()
        self.lookup_status.setWordWrap(True)
        self.lookup_status.setTextFormat(Qt.TextFormat.PlainText)
        self.lookup_model = RowTableModel(LOOKUP_COLUMNS, parent=self)
        self.lookup_table = list_table(self.lookup_model, 0)
        volunteer = QWidget()
        volunteer_layout = QVBoxLayout(volunteer)
        for widget in (self.mine_heading, self.mine_hint):
            volunteer_layout.addWidget(widget)
        volunteer_layout.addWidget(self.mine_table, 2)
        for widget in (self.lookup_label, self.lookup, self.lookup_status):
            volunteer_layout.addWidget(widget)
        volunteer_layout.addWidget(self.lookup_table, 1)

        # The open file replaces the list (full width to read it); Back or Esc returns to the list.
        self.view = ClientFileView(ctx)
        self.back_button = QPushButton()
        self.back_button.setAutoDefault(True)
        self.back_button.clicked.connect(self.back_to_list)
        file_panel = QWidget()
        file_layout = QVBoxLayout(file_panel)
        file_layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        file_layout.addWidget(self.view, 1)

        self.stack = QStackedWidget()
        for panel in (staff, volunteer, file_panel):
            self.stack.addWidget(panel)
        self._staff_panel, self._volunteer_panel, self._file_panel = staff, volunteer, file_panel
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self._search_timer = self._timer(self.refresh)
        self._lookup_timer = self._timer(self.run_lookup)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.lookup.textEdited.connect(lambda _t: self._lookup_timer.start())
        self.table.activated.connect(self._open_listed)
        self.mine_table.activated.connect(self._open_mine)
        self.lookup_table.activated.connect(lambda _i: self._explain_lookup())
        ctx.signals.open_client.connect(self.open_client)
        ctx.signals.changed.connect(self._changed)
        ctx.signals.intake_recorded.connect(self._intake_recorded)
        self._show_mode()
        self.retranslate()

    def _timer(self, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(SEARCH_DELAY_MS)
        timer.timeout.connect(slot)
        return timer

    # ----- Page -------------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Clients") if self._staff else _("My intakes today")

    def retranslate(self) -> None:
        self.search_label.setText(_("&Search by name, phone or notes"))
        self.search.setPlaceholderText(_("For example: garcia, 555 0101"))
        self.search.setAccessibleName(_("Search clients"))
        self.table.setAccessibleName(_("Clients"))
        self.mine_heading.setText(_("My intakes today"))
        self.mine_hint.setText(_("You can open the intakes you recorded in the last 24 hours. Press Enter "
                                 "or double-click to open one."))
        self.mine_table.setAccessibleName(_("My intakes today"))
        self.lookup_label.setText(_("Is this person already a client? &Look up by name"))
        self.lookup.setPlaceholderText(_("Given names and family names"))
        self.lookup.setAccessibleName(_("Look up by name"))
        self.lookup_table.setAccessibleName(_("Possible returning clients"))
        for model in (self.clients_model, self.mine_model, self.lookup_model):
            model.retranslate()
        day, longest_language = sample_date(), max((language_name(c) for c in m.LANGUAGE_LABELS), key=len)
        fit_columns(self.table, ("C-WWWW-WWWW", "", day, longest_language, day, "999"))
        fit_columns(self.mine_table, ("C-WWWW-WWWW", "", format_when(dt.datetime(2026, 9, 28, 22, 58))))
        fit_columns(self.lookup_table, ("", day, day))
        self.back_button.setText(_("← &Back to the list"))
        self.view.retranslate()
        self._update_count()
        self._update_lookup_status()

    def clear(self) -> None:
        """Drop every row, the search texts and the open file (on lock: no vault needed)."""
        self._search_timer.stop()
        self._lookup_timer.stop()
        self._search_seq += 1  # a search still running is now stale
        self._count = None
        self.search.clear()
        self.lookup.clear()
        self.clients_model.reset(no_rows)
        self.mine_model.set_rows([])
        self.lookup_model.set_rows([])
        self.view.clear()
        self._show_mode()
        self.count_label.clear()
        self.lookup_status.clear()

    def on_unlocked(self) -> None:
        self.clear()
        self._staff = self.ctx.can(Can.VIEW_CLIENTS)
        self._show_mode()
        self.retranslate()
        self.refresh()

    def _show_mode(self) -> None:
        self.stack.setCurrentWidget(self._staff_panel if self._staff else self._volunteer_panel)
        self.setFocusProxy(self.search if self._staff else self.lookup)

    # ----- the lists --------------------------------------------------------------------------------

    def _guarded(self, fetch: Callable[[Any, int], Sequence[Any]]) -> Callable[[Any, int], list]:
        """A page fetcher that says why it failed (the one presenter) instead of raising inside a Qt view."""
        def run(after: Any, limit: int) -> list:
            if not self.ctx.can(Can.LOOKUP_CLIENT):
                return []  # locked: clear() is on its way
            return VaultOp(self.ctx, self, lambda v: list(fetch(v, after, limit))).run() or []
        return run

    def refresh(self) -> None:
        """Reload what the page lists: the search results, the whole list, or the volunteer's intakes."""
        self._search_timer.stop()
        if not self.ctx.can(Can.LOOKUP_CLIENT):
            return
        if not self._staff:
            VaultOp(self.ctx, self, lambda v: v.intakes.mine_recent()).success(self.mine_model.set_rows).run()
            return
        text = self.search.text().strip()
        self._search_seq += 1
        if text:
            self._in_background(self._search_seq, lambda v: v.clients.search(text, limit=SEARCH_LIMIT),
                                self._show_results)
            return
        def fetch(v, after, limit):
            return v.clients.page(after[1] if after is not None else None, limit)
        self.clients_model.reset(self._guarded(fetch))
        self.clients_model.fetchMore()
        self._update_count()

    def _in_background(self, seq: int, query: Callable[[Any], Any], show: Callable[[Any], None]) -> None:
        """Run a search on a worker with a connection of its own, so typing never waits for it; a result
        (or a failure) is shown only if no newer search (or a lock) has happened since."""
        VaultJob(self.ctx, self, query).when(lambda: seq == self._search_seq and self.ctx.can(Can.LOOKUP_CLIENT)) \
            .success(show).run()

    def _show_results(self, rows: list[m.ClientRow]) -> None:
        pairs = [(r, i) for i, r in enumerate(rows)]  # keyed by place, so a save can put its one row
        self.clients_model.reset(lambda after, _limit: [] if after is not None else pairs)
        self.clients_model.fetchMore()
        self._update_count()

    def _update_count(self, *, cached: bool = False) -> None:
        if not self._staff or not self.ctx.can(Can.VIEW_CLIENTS):
            self.count_label.clear()
            return
        if self.search.text().strip():
            n = self.clients_model.rowCount()
            text = (_("Showing the first {n} matches; type more to narrow the search.") if n >= SEARCH_LIMIT
                    else ngettext("{n} match", "{n} matches", n))
        else:
            if not cached or self._count is None:
                self._count = VaultOp(self.ctx, self, lambda v: v.clients.count()).failure(lambda _exc: None).run()
            n = self._count or 0
            text = ngettext("{n} client", "{n} clients", n)
        self.count_label.setText(text.format(n=format_number(n)))

    def run_lookup(self) -> None:
        """A volunteer's check: is someone with this name already a client? Nothing is opened."""
        self._lookup_timer.stop()
        text = self.lookup.text().strip()
        self._search_seq += 1
        if text and self.ctx.can(Can.LOOKUP_CLIENT):
            self._in_background(self._search_seq, lambda v: v.clients.lookup(text), self._show_lookup)
        else:
            self._show_lookup([])

    def _show_lookup(self, rows: list[m.ClientMatch]) -> None:
        self.lookup_model.set_rows(rows)
        self._update_lookup_status()

    def _update_lookup_status(self) -> None:
        if not self.lookup.text().strip():
            self.lookup_status.clear()
            return
        n = self.lookup_model.rowCount()
        if n == 0:
            self.lookup_status.setText(_("No client found with that name."))
        else:
            self._say_already_a_client()

    def _say_already_a_client(self) -> None:
        n = self.lookup_model.rowCount()
        self.lookup_status.setText(ngettext(
            "Already a client: {n} person with a similar name. Check the date of birth with them, then "
            "choose “Same person” on the intake form.",
            "Already a client: {n} people with a similar name. Check the date of birth with them, then "
            "choose “Same person” on the intake form.", n).format(n=n))

    def _explain_lookup(self) -> None:
        """Enter on a look-up row: a volunteer may not open it, and is told so rather than nothing."""
        self._say_already_a_client()
        show_error(self, UserError(_("Volunteers cannot open a client's file from the look-up. Check the "
                                     "date of birth with the person, then choose “Same person” on the "
                                     "intake form.")))

    def _changed(self, what: str) -> None:
        if what not in ("clients", "cases", "notes", "documents") or not self.ctx.can(Can.LOOKUP_CLIENT):
            return
        self.refresh()
        self._reload_file()

    def _reload_file(self) -> None:
        shown = self.view.file
        if shown is not None:
            VaultOp(self.ctx, self, lambda v: v.clients.get(shown.client.id)).success(self.view.show_file) \
                .failure(lambda _exc: self.back_to_list()).run()  # no longer ours to see: quietly

    def _intake_recorded(self, receipt: m.IntakeReceipt) -> None:
        """One save: put its one row in place and add to the count; never a reload of the whole list."""
        if not self.ctx.can(Can.LOOKUP_CLIENT):
            return
        if not self._staff:
            self.refresh()  # a volunteer's few intakes of today
        elif text := self.search.text().strip():
            VaultOp(self.ctx, self, lambda v: v.clients.search_one(text, receipt.client_id)) \
                .success(self._put_found).run()  # the one row, not the whole search again
        else:
            VaultOp(self.ctx, self, lambda v: v.clients.page_row(receipt.client_id)) \
                .success(lambda pair: self.clients_model.put_row(pair, key=lambda p: p[1])).run()
            if receipt.new_client and self._count is not None:
                self._count += 1
            self._update_count(cached=True)
        if self.view.file is not None and self.view.file.client.id == receipt.client_id:
            self._reload_file()

    def _put_found(self, row: m.ClientRow | None) -> None:
        """A saved client the search on screen finds: their row replaced, or added after the others."""
        rows = [self.clients_model.row_at(i)[0].id for i in range(self.clients_model.rowCount())]
        if row is None or (row.id not in rows and len(rows) >= SEARCH_LIMIT):
            return  # not found by it, or past the first matches shown
        at = rows.index(row.id) if row.id in rows else len(rows)
        self.clients_model.put_row((row, at), key=lambda p: p[1])
        self._update_count(cached=True)

    # ----- opening a file ---------------------------------------------------------------------------

    def open_client(self, client_id: int) -> bool:
        """Show a client's file, as far as the role allows (read on a worker; the list stays until it
        arrives); a refusal is said in a sentence. False when refused (known at once in tests)."""
        return self.view.load(client_id, self._file_shown)

    def _file_shown(self) -> None:
        self.stack.setCurrentWidget(self._file_panel)
        self.view.scroll.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows and Page Up/Down scroll

    def back_to_list(self) -> None:
        """Close the file (revealed values go with it) and return to the list where it was."""
        self.view.clear()
        self._show_mode()
        table = self.table if self._staff else self.mine_table
        (table if table.currentIndex().isValid() else self.focusProxy()).setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.stack.currentWidget() is self._file_panel:
            event.accept()
            self.back_to_list()
        else:
            super().keyPressEvent(event)

    def _open_listed(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_client(self.clients_model.row_at(index)[0].id)

    def _open_mine(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_client(self.mine_model.row_at(index)[1].id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the search box, Down moves into the list and Enter opens the chosen (or first) client."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down or event.key() in _ENTER:
                if self._search_timer.isActive():
                    self.refresh()
                if self.clients_model.rowCount() == 0:
                    return event.key() in _ENTER
                current = self.table.currentIndex()
                if not current.isValid():
                    current = self.clients_model.index(0, 0)
                    self.table.setCurrentIndex(current)
                if event.key() in _ENTER:
                    self._open_listed(current)
                else:
                    self.table.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        if watched is getattr(self, "lookup", None) and event.type() == QEvent.Type.KeyPress and (
                event.key() == Qt.Key.Key_Down or event.key() in _ENTER):
            if self._lookup_timer.isActive() or event.key() in _ENTER:
                self.run_lookup()
            if self.lookup_model.rowCount():
                self.lookup_table.setFocus(Qt.FocusReason.TabFocusReason)  # selects the first row
            return True
        return super().eventFilter(watched, event)
