"""The walk-in intake screen: one scrollable form, the returning-client hint, Enter to save."""

from __future__ import annotations

from collections.abc import Iterator

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import intake_rules
from clinic import models as m
from clinic.access import Can
from clinic.errors import UserError, ValidationError
from clinic.i18n import _
from ui.context import AppContext, Page
from ui.intake import notices
from ui.intake.incident_link import IncidentLink
from ui.intake.sections import IntakeForm
from ui.kit import keys
from ui.kit.drafts import DraftHook
from ui.kit.errors import show_error
from ui.kit.forms import FieldErrors, set_accessible
from ui.kit.ops import VaultJob, VaultOp

DUPLICATE_DELAY_MS = 250
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class IntakePage(Page):
    """Record a walk-in intake. Enter saves (Ctrl+Enter in the notes boxes); Esc never clears anything."""

    builds_in_turns = True  # a section a turn when it is the first page at unlock (ui.context.Page)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, in_turns: bool = False):
        super().__init__(ctx, parent)
        self.building = self._build(load=not in_turns)
        if not in_turns:
            self.finish_building()

    def finish_building(self) -> None:
        """Build what is left now (with `in_turns` the main window steps `building`, a step per turn)."""
        for _step in self.building:
            pass

    def _build(self, *, load: bool) -> Iterator[None]:
        ctx = self.ctx
        self._errors = FieldErrors()
        self._matches: list[m.ClientMatch] = []
        self._existing: m.ClientMatch | None = None
        self._saved_ref: str | None = None
        self._conflict = False
        self._confirm: QMessageBox | None = None

        self.banner, self.banner_label = notices.saved_banner()
        self.incident_link = IncidentLink()
        self.chip, self.chip_label, self.undo_button = notices.returning_chip()

        self.duplicates_box, self.duplicates_hint, self.duplicates_list, self.same_button = notices.duplicates_panel()
        self.duplicates_list.installEventFilter(self)

        self.form = IntakeForm(beside_person=self.duplicates_box, in_turns=True)
        for section in self.form.building:
            section.ensurePolished()  # styled in this turn, not all at once when the page is first shown
            yield
        self._blank = self.form.state()
        self.draft_hook = DraftHook.for_widgets(  # kept at lock, without the sealed fields (ui.kit.drafts)
            ctx, self, "intake", widgets=lambda: [w for w in self.form.inputs() if w not in self.form.sealed.values()],
            dirty=self.has_input, reset=lambda: self._reset(keep_site=False),
            extra=self.form.household.row_counts, prepare=self.form.household.add_rows)  # rows typed come back
        for edit in (self.form.notes, *[w for w in self.form.sealed.values() if isinstance(w, QPlainTextEdit)]):
            edit.installEventFilter(self)

        self.save_button = QPushButton()
        self.save_button.setAutoDefault(True)
        self.save_button.setDefault(True)  # drawn as the main action
        self.save_button.setMinimumWidth(self.save_button.fontMetrics().horizontalAdvance("M" * 12))
        self.clear_button = QPushButton()
        self.clear_button.setAutoDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.form)
        content_layout.addLayout(buttons)
        content_layout.addStretch(1)
        self.scroll = keys.ScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.incident_link.label)
        layout.addWidget(self.chip)
        layout.addWidget(self.scroll, 1)

        self._dup_seq = 0  # bumped by every look-up and reset: an older hint is dropped
        self._dup_timer = QTimer(self)
        self._dup_timer.setSingleShot(True)
        self._dup_timer.setInterval(DUPLICATE_DELAY_MS)
        self._dup_timer.timeout.connect(self.look_for_duplicates)
        for edit in (self.form.given_names, self.form.family_name_1, self.form.family_name_2,
                     self.form.date_of_birth):
            edit.textEdited.connect(self._person_edited)
        for widget in self.form.inputs():
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _t, w=widget: self._errors.clear(w))
                widget.textEdited.connect(self._typing_resumed)
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(
                    lambda w=widget: w.hasFocus() and w.toPlainText() and self._typing_resumed())
        self.form.consent.toggled.connect(lambda _on: self._errors.clear(self.form.consent))
        self.duplicates_list.currentRowChanged.connect(self._update_duplicate_buttons)
        self.same_button.clicked.connect(self.choose_same_person)
        self.undo_button.clicked.connect(self.undo_same_person)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.ask_clear)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        yield
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.setFocusProxy(self.form.given_names)
        self._set_tab_order()
        self.form.household.rows_changed.connect(self._set_tab_order)  # rows added or removed
        self.form.household.edited.connect(self._errors.clear)
        if load:  # else on_unlocked() reads them, right after
            self.form.household.load_reference(ctx)  # guideline tables and funding sources, read once
        self._set_matches([])
        self.retranslate()

    # ----- Page -------------------------------------------------------------------------------------

    def title(self) -> str:
        return _("New intake")

    def retranslate(self) -> None:
        self.form.retranslate(reader_sees_sealed=self.ctx.can(Can.VIEW_SEALED))
        self.incident_link.retranslate()
        self.scroll.setAccessibleName(_("Intake form"))  # the scroll area is a tab stop (Page Down scrolls)
        self.duplicates_box.setTitle(_("Possible returning clients"))
        self.same_button.setText(_("S&ame person"))
        self.undo_button.setText(_("&Undo"))
        self.save_button.setText(_("&Save intake"))
        self.clear_button.setText(_("Clea&r form…"))
        set_accessible(self.duplicates_list, _("Possible returning clients"))
        self._set_matches(self._matches)
        self._show_existing()
        self._show_saved()

    def clear(self) -> None:
        """Empty every field, the duplicate hint and the banner (on lock: no vault needed)."""
        if self._confirm is not None:
            self._confirm.close()
        self._reset(keep_site=False)
        self._saved_ref = None
        self._show_saved()

    def on_unlocked(self) -> None:
        self.clear()
        self.form.household.load_reference(self.ctx)
        self.retranslate()  # the sealed section's wording depends on the role

    def resume_draft(self, draft_id: int) -> None:
        self.draft_hook.resume(draft_id)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.focusWidget() is None:
            self.form.given_names.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- keys -------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter from any single-line field, check box or list saves; Esc is swallowed, never clears."""
        if event.key() in _ENTER and not event.modifiers() & Qt.KeyboardModifier.AltModifier:
            event.accept()
            self.save()
        elif event.key() == Qt.Key.Key_Escape:
            event.accept()
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER:
            if watched is self.duplicates_list:
                self.choose_same_person()
                return True
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.save()
                return True
        return super().eventFilter(watched, event)

    def _set_tab_order(self) -> None:
        f = self.form
        person = [f.given_names, f.family_name_1, f.family_name_2, f.preferred_name, f.date_of_birth,
                  f.language, f.interpreter]
        rest = [w for w in f.inputs() if w not in person]
        chain = [*person, self.duplicates_list, self.same_button, *rest, self.save_button,
                 self.clear_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ----- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        """Check, record, and on success show the reference and start a fresh form.

        Every problem is shown at once, at its field, and the first one in form order gets the focus.
        """
        self._errors.clear()
        draft = self.form.draft(existing_client=self._existing.id if self._existing else None)
        marks: dict[QWidget, str] = dict(self.form.local_problems())
        for exc in intake_rules.problems(draft):
            if exc.field in ("date_of_birth", "next_date") and self.form.widget_for_error(exc) in marks:
                continue  # what was typed is not a date: the form's own message says so
            widget = self.form.widget_for_error(exc)
            if widget is None:
                show_error(self, exc)
                return
            marks.setdefault(widget, exc.message)
        if marks:
            order = self.form.inputs()
            for widget in sorted(marks, key=lambda w: order.index(w) if w in order else len(order)):
                self._errors.mark(widget, marks[widget])
            self._scroll_to(self.focusWidget() or next(iter(marks)))
            return
        VaultOp(self.ctx, self, self.incident_link.recorder(draft)).failure(self._not_saved).success(self._saved).run()

    def start_for_incident(self, ref: str, person: int) -> None:
        """The next intake saved is linked to person N of an incident (0: the incident as a whole)."""
        self.incident_link.start(ref, person)
        self.form.given_names.setFocus(Qt.FocusReason.OtherFocusReason)

    def _not_saved(self, exc: UserError) -> None:
        widget = self.form.widget_for_error(exc) if isinstance(exc, ValidationError) else None
        if widget is None:
            show_error(self, exc)
            return
        self._errors.mark(widget, exc.message)
        self._scroll_to(widget)

    def _saved(self, receipt) -> None:
        self._saved_ref, self._conflict = receipt.client_ref, receipt.possible_conflict
        self._show_saved()
        if receipt.check_pending:
            self._check_on_worker(receipt)
        self._reset(keep_site=True)
        self.draft_hook.saved()
        self.ctx.signals.intake_recorded.emit(receipt)  # each view updates what this one save changed

    def _check_on_worker(self, receipt) -> None:
        """The saved case's conflict check, off the GUI thread; its notice joins the "Saved" banner if that
        banner still shows. Should it not run (a lock, an error), the next unlock runs it."""
        def checked(found: bool | None) -> None:
            self._conflict = bool(found)
            self._show_saved()
        VaultJob(self.ctx, self, lambda v: v.conflicts.finish_check_at_save(receipt.case_id)) \
            .when(lambda: self._saved_ref == receipt.client_ref).success(checked).run()

    def _scroll_to(self, widget: QWidget | None) -> None:
        """Bring a field of the form (and the error message under it) into view."""
        content = self.scroll.widget()
        if widget is None or content is None or not content.isAncestorOf(widget):
            return
        self.scroll.ensureWidgetVisible(widget, 20, 60)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if shiboken6.isValid(self) and new is not None:
            self._scroll_to(new)

    def _typing_resumed(self, *_args) -> None:
        """The next person is being typed: the last one's "Saved" banner is stale."""
        if self._saved_ref is not None:
            self._saved_ref = None
            self._show_saved()

    def _show_saved(self) -> None:
        notices.show_saved(self.banner, self.banner_label, self._saved_ref, self._conflict)

    def _reset(self, *, keep_site: bool) -> None:
        self._dup_timer.stop()
        self._dup_seq += 1  # a hint still being looked up is for the form as it was
        self._errors.clear()
        self.incident_link.clear()
        self.form.reset(keep_site=keep_site)
        self._existing = None
        self._show_existing()
        self._set_matches([])
        self.scroll.verticalScrollBar().setValue(0)
        self.form.given_names.setFocus(Qt.FocusReason.OtherFocusReason)

    def has_input(self) -> bool:
        """Whether anything differs from a fresh form (the site and channel do not count)."""
        return self._existing is not None or self.form.state() != self._blank

    def ask_clear(self) -> None:
        """Clear the form, asking first when anything was typed (a confirmation, never a nested loop)."""
        if not self.has_input():
            self._reset(keep_site=False)
            return
        box = notices.confirm_clear_box(self)
        box.finished.connect(lambda _r: self._confirmed(box))
        self._confirm = box
        box.open()

    def _confirmed(self, box: QMessageBox) -> None:
        self._confirm = None
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            self._reset(keep_site=False)
        else:
            self.form.given_names.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- returning clients ------------------------------------------------------------------------

    def _person_edited(self) -> None:
        if self._existing is None:
            self._dup_timer.start()

    def look_for_duplicates(self) -> None:
        """Ask the core for possible returning clients matching the name and date of birth typed."""
        f = self.form
        given, family = f.given_names.text().strip(), f.family_name_1.text().strip()
        self._dup_seq += 1
        if self._existing is not None or not (given or family):
            self._set_matches([])
            return
        seq, family_2, born = self._dup_seq, f.family_name_2.text().strip(), f.date_of_birth.date()

        def query(v):
            return v.clients.possible_duplicates(given_names=given, family_name_1=family,
                                                 family_name_2=family_2, date_of_birth=born)

        # On a worker with its own connection: typing never waits for the hint. A refusal (locked
        # meanwhile) only empties the hint; a stale or already-linked answer is dropped.
        VaultJob(self.ctx, self, query).when(lambda: seq == self._dup_seq and self._existing is None) \
            .success(self._set_matches).failure(lambda _exc: self._set_matches([])).run()

    def _set_matches(self, matches: list[m.ClientMatch]) -> None:
        self._matches = list(matches)
        self.duplicates_list.clear()
        for match in self._matches:
            QListWidgetItem(notices.match_text(match), self.duplicates_list)
        if self._matches:
            self.duplicates_list.setCurrentRow(0)
            self.duplicates_hint.setText(_("Ask the person whether one of these is them before choosing."))
        else:
            self.duplicates_hint.setText(_("People already in the vault with a similar name appear here "
                                           "while you type."))
        self.duplicates_list.setEnabled(bool(self._matches))
        self._update_duplicate_buttons()

    def _update_duplicate_buttons(self) -> None:
        self.same_button.setEnabled(self._existing is None and self.duplicates_list.currentRow() >= 0
                                    and bool(self._matches))

    def choose_same_person(self) -> None:
        """Record this intake for the chosen returning client."""
        row = self.duplicates_list.currentRow()
        if self._existing is not None or not 0 <= row < len(self._matches):
            return
        self._existing = self._matches[row]
        self._set_matches([])
        self._show_existing()
        self.form.phones[0].number.setFocus(Qt.FocusReason.OtherFocusReason)

    def undo_same_person(self) -> None:
        self._existing = None
        self._show_existing()
        self.look_for_duplicates()
        self.form.given_names.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def existing_client(self) -> m.ClientMatch | None:
        return self._existing

    def _show_existing(self) -> None:
        if self._existing is None:
            self.chip_label.clear()
            self.chip.hide()
        else:
            self.chip_label.setText(_("Returning client {ref}: this intake is added to their file")
                                    .format(ref=self._existing.ref))
            self.chip.show()
        self._update_duplicate_buttons()
