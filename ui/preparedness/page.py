"""The Preparedness screen: open a client's plan by reference, save it, print its documents; renewals due.

Documents are rendered in memory by the core (kept encrypted in the vault as sent) and shown in the letter
preview; a file is written only where the person chooses, after the unencrypted-file warning.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic import plan_model as pm
from clinic.access import Can
from clinic.errors import UserError, ValidationError
from clinic.i18n import N_, _
from ui.context import AppContext, Page
from ui.kit import keys
from ui.kit.document_preview import DocumentPreview
from ui.kit.errors import show_error
from ui.kit.format import format_date
from ui.kit.forms import FieldErrors, set_accessible
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import Column, RowTableModel
from ui.kit.tables import fit_columns
from ui.preparedness.form import PlanForm

KINDS = {"packet": N_("Caregiver packet"), "affidavit": N_("Caregiver's affidavit"), "cards": N_("Wallet cards")}
LANGS = {"both": N_("Spanish and English"), "es": N_("Spanish"), "en": N_("English")}
RENEWAL_COLUMNS = (
    Column(N_("Client reference"), lambda r: r.client_ref),
    Column(N_("Affidavit signed"), lambda r: r.affidavit_date, format_date),
    Column(N_("Renew by"), lambda r: r.renew_by, format_date),
    Column(N_("Children under 18"), lambda r: r.children),
)


def is_save_key(event: QKeyEvent) -> bool:
    ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
    return ctrl and event.key() in (Qt.Key.Key_S, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class PlansPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.errors = FieldErrors()
        self.ref: str | None = None
        self.preview: DocumentPreview | None = None
        self.ref_label, self.ref_edit, self.open_button = QLabel(), QLineEdit(), QPushButton()
        self.ref_label.setBuddy(self.ref_edit)
        self.ref_edit.setMaxLength(40)
        self.ref_edit.returnPressed.connect(self.open_typed)
        self.open_button.clicked.connect(self.open_typed)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.form = PlanForm()
        self.save_button = QPushButton()
        self.save_button.setObjectName("savePlan")
        self.save_button.clicked.connect(self.save)
        self.what, self.lang = QComboBox(), QComboBox()
        for key in KINDS:
            self.what.addItem("", key)
        for key in LANGS:
            self.lang.addItem("", key)
        self.print_label = QLabel()
        self.print_label.setBuddy(self.what)
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_document)
        self.status = QLabel()
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.ref_label)
        top.addWidget(self.ref_edit)
        top.addWidget(self.open_button)
        top.addSpacing(16)
        top.addWidget(self.heading, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addSpacing(24)
        for w in (self.print_label, self.what, self.lang, self.print_button):
            actions.addWidget(w)
        actions.addStretch(1)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.form)
        content_layout.addStretch(1)
        self.scroll = keys.ScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        plan_tab = QWidget()
        plan_layout = QVBoxLayout(plan_tab)
        plan_layout.setContentsMargins(6, 6, 6, 6)
        plan_layout.addLayout(top)
        plan_layout.addWidget(self.scroll, 1)
        plan_layout.addWidget(self.status)
        plan_layout.addLayout(actions)

        self.renewals = RowTableModel(RENEWAL_COLUMNS, parent=self)
        self.renewal_table = QTableView()
        self.renewal_table.setModel(self.renewals)
        self.renewal_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.renewal_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.renewal_table.verticalHeader().hide()
        self.renewal_table.activated.connect(self._renewal_chosen)
        self.renewal_hint = QLabel()
        self.renewal_hint.setWordWrap(True)
        renewal_tab = QWidget()
        renewal_layout = QVBoxLayout(renewal_tab)
        renewal_layout.addWidget(self.renewal_hint)
        renewal_layout.addWidget(self.renewal_table, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(plan_tab, "")
        self.tabs.addTab(renewal_tab, "")
        QVBoxLayout(self).addWidget(self.tabs)
        for edit in self.form.notes.values():
            edit.installEventFilter(self)
        self.setFocusProxy(self.ref_edit)
        self._set_open(False)
        self.retranslate()

    # ----- Page ---------------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Preparedness")

    def retranslate(self) -> None:
        self.tabs.setTabText(0, _("Family plan"))
        self.tabs.setTabText(1, _("Renewals due"))
        self.tabs.setAccessibleName(_("Preparedness"))  # tab bars and scroll areas are tab stops a reader lands on
        self.scroll.setAccessibleName(_("Family plan"))
        self.ref_label.setText(_("Client &reference"))
        set_accessible(self.ref_edit, _("Client reference"))
        self.ref_edit.setPlaceholderText(_("C-…"))
        self.open_button.setText(_("&Open plan"))
        self.form.retranslate()
        self.save_button.setText(_("&Save plan (Ctrl+S)"))
        self.print_label.setText(_("Pr&int"))
        for combo, labels in ((self.what, KINDS), (self.lang, LANGS)):
            for i in range(combo.count()):
                combo.setItemText(i, _(labels[combo.itemData(i)]))
        set_accessible(self.lang, _("Language of the document"))
        self.print_button.setText(_("Pre&view…"))
        self.renewal_hint.setText(_("Affidavits signed more than 11 months ago. Children who turned 18 leave the "
                                    "plan. Press Enter on a row to open its plan."))
        self.renewals.retranslate()
        self._show_heading()

    def clear(self) -> None:
        if self.preview is not None:
            self.preview.clear()
            self.preview = None
        self.errors.clear()
        self.ref = None
        self.ref_edit.clear()
        self.form.set_plan(pm.Plan())
        self.renewals.set_rows([])
        self.status.clear()
        self._set_open(False)

    def on_unlocked(self) -> None:
        self.clear()
        self.tabs.setTabVisible(1, self.ctx.can(Can.VIEW_CLIENTS))
        if self.ctx.can(Can.VIEW_CLIENTS):
            VaultOp(self.ctx, self, lambda v: v.plans.due_for_renewal()).success(self._renewals_loaded).run()

    def _renewals_loaded(self, rows) -> None:
        self.renewals.set_rows(rows)
        fit_columns(self.renewal_table)

    # ----- keys ---------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+S or Ctrl+Enter from any field of the plan saves it."""
        if is_save_key(event):
            event.accept()
            self.save()
        else:
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and is_save_key(event):  # a notes box would take Ctrl+Enter
            self.save()
            return True
        return super().eventFilter(watched, event)

    # ----- opening and saving ---------------------------------------------------------------------------

    def open_typed(self) -> None:
        self.open_ref(self.ref_edit.text())

    def open_ref(self, ref: str) -> bool:
        """Load the client's plan (an empty one when there is none yet)."""
        ref = ref.strip().upper()
        if not ref:
            return False
        op = VaultOp(self.ctx, self, lambda v: v.plans.get(ref))
        plan = op.run()
        if not op.ok:
            return False
        self.errors.clear()
        self.ref = ref
        self.ref_edit.setText(ref)
        self.form.set_plan(plan)
        self.status.clear()
        self._set_open(True)
        return True

    def open_client_plan(self, ref: str) -> bool:
        """From a client file: that client's plan, on the plan tab, the first field focused."""
        self.tabs.setCurrentIndex(0)
        if not self.open_ref(ref):
            return False
        widget = self.form
        for _step in range(1000):  # the plan's first field in tab order
            widget = widget.nextInFocusChain()
            if widget is self.form:
                break
            if (self.form.isAncestorOf(widget) and widget.isVisibleTo(self)
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                break
        return True

    def show_renewals(self) -> None:
        """The renewal banner's button: the renewals tab, its first row selected, so Enter opens it."""
        if not self.tabs.isTabVisible(1):
            return
        self.tabs.setCurrentIndex(1)
        self.renewal_table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.renewals.rowCount() and not self.renewal_table.currentIndex().isValid():
            self.renewal_table.selectRow(0)

    def _renewal_chosen(self, index) -> None:
        row = self.renewals.row_at(index.row())
        if self.open_ref(row.client_ref):
            self.tabs.setCurrentIndex(0)

    def save(self) -> bool:
        """Check and save the plan; every unreadable date and the core's refusal are marked, nothing is lost."""
        if self.ref is None:
            return False
        self.errors.clear()
        marks = self.form.local_problems()
        if marks:
            order = self.form.inputs()
            for widget in sorted(marks, key=lambda w: order.index(w) if w in order else len(order)):
                self.errors.mark(widget, marks[widget])
            return False
        ref, plan = self.ref, self.form.plan()
        op = VaultOp(self.ctx, self, lambda v: v.plans.set(ref, plan)).failure(self._refused).changes("plans")
        op.run()
        if op.ok:
            self.status.setText(_("Plan saved for {ref}.").format(ref=ref))
        return op.ok

    def _refused(self, exc: UserError) -> None:
        """The core's refusal at its field (what was typed stays), or as a message when it names none here."""
        widget = self.form.widget_for(exc.field) if isinstance(exc, ValidationError) else None
        if widget is None:
            show_error(self, exc)
        else:
            self.errors.mark(widget, exc.message)
            self.scroll.ensureWidgetVisible(widget, 20, 60)

    def print_document(self) -> DocumentPreview | None:
        """Save, render the chosen document in memory (kept in the vault as sent) and preview it."""
        if self.ref is None or not self.save():
            return None
        what, lang, ref = self.what.currentData(), self.lang.currentData(), self.ref
        printed = VaultOp(self.ctx, self, lambda v: v.plans.print(ref, what=what, lang=lang)).run()
        if printed is None:
            return None
        if self.preview is not None:
            self.preview.clear()
        plans = self.ctx.v.plans
        self.preview = DocumentPreview(
            self.ctx, printed.pdf, title=lambda: _("{what} for {ref}").format(what=_(KINDS[what]), ref=ref),
            heading=lambda: _("{what} for {ref} ({language})").format(what=_(KINDS[what]), ref=ref,
                                                                       language=_(LANGS[lang])),
            doc_name=f"{what}-{ref}", filename=printed.filename,
            record_output=lambda how: plans.record_output(ref, what, how), changed_what="plans",
            parent=self.window())
        self.preview.show()
        return self.preview

    def _set_open(self, is_open: bool) -> None:
        self.form.setEnabled(is_open)
        for w in (self.save_button, self.print_button, self.what, self.lang):
            w.setEnabled(is_open)
        self._show_heading()

    def _show_heading(self) -> None:
        self.heading.setText(_("Plan for client {ref}").format(ref=self.ref) if self.ref
                             else _("Type a client's reference and press Enter."))
