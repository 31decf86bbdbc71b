"""The Hotline screen: a new incident report (Ctrl+Enter saves) and the list of reports with verification."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic import incident_problems
from clinic.errors import UserError, ValidationError
from clinic.i18n import _
from ui.context import AppContext, Page
from ui.incidents.form import IncidentForm
from ui.incidents.reports import IncidentList
from ui.kit import keys
from ui.kit.drafts import DraftHook
from ui.kit.errors import show_error
from ui.kit.forms import FieldErrors
from ui.kit.ops import VaultOp


def _is_save_key(event: QKeyEvent) -> bool:
    ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    return ctrl and event.key() in (Qt.Key.Key_S, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class IncidentsPage(Page):
    """Record a report while on the phone; a rejected save keeps everything typed and marks every problem."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.errors = FieldErrors()
        self._saved_ref: str | None = None
        self.form = IncidentForm()
        self.banner = QLabel()
        self.banner.setObjectName("savedBanner")
        self.banner.setStyleSheet("#savedBanner { background: #e7f4ea; border: 1px solid #1d6b32; "
                                  "border-radius: 4px; color: #0d3b1a; padding: 6px; }")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.banner.hide()
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveIncident")
        self.save_button.setAutoDefault(True)
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
        self.entry = QWidget()
        entry_layout = QVBoxLayout(self.entry)
        entry_layout.setContentsMargins(0, 0, 0, 0)
        entry_layout.addWidget(self.banner)
        entry_layout.addWidget(self.scroll, 1)

        self.reports = IncidentList(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.entry, "")
        self.tabs.addTab(self.reports, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.clear_form)
        for edit in (self.form.equipment, self.form.notes):
            edit.installEventFilter(self)
            edit.textChanged.connect(lambda w=edit: self.errors.clear(w))
        for widget in self.form.inputs():
            if hasattr(widget, "textEdited"):
                widget.textEdited.connect(lambda _t, w=widget: self._edited(w))
        self.setFocusProxy(self.form.date)
        f = self.form  # kept at lock as a draft (ui.kit.drafts), without the reporter's sealed name and phone
        self.draft_hook = DraftHook.for_widgets(
            ctx, self, "incident", widgets=lambda: [w for w in f.inputs() if w not in (f.reporter_name, f.reporter_phone)],
            reset=self.clear_form, extra=lambda: {"rows": [len(f.vehicle_rows), len(f.person_rows)]},
            prepare=lambda p: [f.add_vehicle() for _ in range(p.get("rows", [1])[0] - 1)]
            + [f.add_person() for _ in range(p.get("rows", [1, 0])[1])])
        self.retranslate()

    # ----- Page -------------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Hotline")

    def retranslate(self) -> None:
        self.form.retranslate()
        self.tabs.setTabText(0, _("New report"))
        self.tabs.setTabText(1, _("Reports"))
        self.tabs.setAccessibleName(_("Hotline"))  # tab bars and scroll areas are tab stops a reader lands on
        self.scroll.setAccessibleName(_("New report"))
        self.save_button.setText(_("&Save report (Ctrl+Enter)"))
        self.clear_button.setText(_("Clear the form"))
        self.reports.retranslate()
        self._show_saved()

    def clear(self) -> None:
        """On lock: nothing typed or shown stays in the widgets."""
        self.clear_form()
        self._saved_ref = None
        self._show_saved()
        self.reports.clear()

    def on_unlocked(self) -> None:
        VaultOp(self.ctx, self, lambda v: v.incidents.neighbourhoods()).success(self.form.set_neighbourhoods).run()
        self.reports.refresh()
        self.draft_hook.mark_clean()  # the neighbourhood list is filled in now

    def resume_draft(self, draft_id: int) -> None:
        self.tabs.setCurrentWidget(self.entry)
        self.draft_hook.resume(draft_id)

    # ----- keys ---------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Enter or Ctrl+S from any field of the report saves it; a plain Enter never does."""
        if self.tabs.currentWidget() is self.entry and _is_save_key(event):
            event.accept()
            self.save()
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The notes boxes would take Ctrl+Enter as a new line: it saves there too."""
        if event.type() == QEvent.Type.KeyPress and _is_save_key(event):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def _edited(self, widget: QWidget) -> None:
        self.errors.clear(widget)
        if self._saved_ref is not None:  # the next call is being typed: the last banner is stale
            self._saved_ref = None
            self._show_saved()

    # ----- saving ---------------------------------------------------------------------------------------

    def save(self) -> None:
        """Check everything, mark every problem at its field (nothing is cleared), or record the report."""
        self.errors.clear()
        listed = VaultOp(self.ctx, self, lambda v: v.incidents.neighbourhoods())
        names = listed.run()
        if not listed.ok:
            return
        draft = self.form.draft()
        marks = self.form.local_problems()
        elsewhere: list[str] = []
        for exc in incident_problems(draft, neighbourhoods=names):
            widget = self.form.widget_for(exc.field)
            if widget is None:
                elsewhere.append(exc.message)
            elif widget not in marks:
                marks[widget] = exc.message
        if marks or elsewhere:
            order = self.form.inputs()
            for widget in sorted(marks, key=lambda w: order.index(w) if w in order else len(order)):
                self.errors.mark(widget, marks[widget])
            if elsewhere:
                show_error(self, UserError(" ".join(elsewhere)))
            focused = self.focusWidget()
            if focused is not None and self.scroll.widget().isAncestorOf(focused):
                self.scroll.ensureWidgetVisible(focused, 20, 60)
            return
        VaultOp(self.ctx, self, lambda v: v.incidents.record(draft)).failure(self._not_saved) \
            .success(self._saved).changes("incidents").run()

    def _not_saved(self, exc: UserError) -> None:
        """A refused save marks the field it names (nothing typed is cleared), else says it in a sentence."""
        widget = self.form.widget_for(exc.field) if isinstance(exc, ValidationError) else None
        if widget is None:
            show_error(self, exc)
        else:
            self.errors.mark(widget, exc.message)

    def _saved(self, incident) -> None:
        self._saved_ref = incident.ref
        self.draft_hook.saved()
        self.clear_form()
        self._show_saved()
        self.reports.refresh()

    def clear_form(self) -> None:
        self.errors.clear()
        self.form.reset()
        self.draft_hook.mark_clean()
        self.scroll.verticalScrollBar().setValue(0)
        self.form.date.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_saved(self) -> None:
        if self._saved_ref is None:
            self.banner.clear()
            self.banner.hide()
            return
        self.banner.setText(_("Saved as unverified. Report reference: {ref}").format(ref=self._saved_ref))
        self.banner.show()
