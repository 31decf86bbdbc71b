"""A case's LSC codes: the problem code attorneys may change, the closing codes, and the status dialog
that asks for a rejection reason or a closure category."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic import models as m
from clinic.access import Can
from clinic.i18n import _, current_language
from ui.cases.status import StatusDialog, value_label
from ui.context import AppContext
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultOp


def _problem_text(code) -> str:
    return f"{code.code} · {code.label(current_language())}"  # the Handbook's category names are English only


def _closure_text(code) -> str:
    return f"{code.code} · {code.label(current_language())}"


def _fill(combo: QComboBox, items: list[tuple[str, object]], *, placeholder: str | None = None) -> None:
    """Refill a combo box keeping what was chosen (after a language change)."""
    chosen = combo.currentData()
    combo.clear()
    if placeholder is not None:
        combo.addItem(placeholder, None)
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))


class CodesBox(QGroupBox):
    """The problem code (any code of the LSC list, for attorneys) and the codes recorded at the end."""

    changed = Signal(object)  # the updated clinic.models.Case

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("caseCodes")
        self.case: m.Case | None = None
        self.errors = FieldErrors()
        self.problem = QComboBox()
        self.problem.setObjectName("problemCode")
        self.problem.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.problem.setMinimumContentsLength(24)  # long labels must not widen the case view
        self.problem_value = value_label()
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_problem_code)
        self.closing = value_label()
        self.problem_label = QLabel()
        self.problem_label.setBuddy(self.problem)
        row = QHBoxLayout()
        row.addWidget(self.problem, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.problem_value)
        layout.addLayout(row)
        layout.addWidget(self.closing)
        self.retranslate()
        self.clear()

    def retranslate(self) -> None:
        self.setTitle(_("LSC codes"))
        self.problem_label.setText(_("LSC &problem code"))
        set_accessible(self.problem, _("LSC problem code"))
        self.save_button.setText(_("Set &code"))
        _fill(self.problem, [(_problem_text(c), n) for n, c in clinic.lsc_codes.problem_codes().items()])
        self._render()

    def load(self, case: m.Case) -> None:
        self.case = case
        self._codes = self.ctx.v.cases.codes(case.id)
        self.problem.setCurrentIndex(max(0, self.problem.findData(case.problem_code)))
        self._render()

    def clear(self) -> None:
        self.case, self._codes = None, None
        self.errors.clear()
        self.problem_value.clear()
        self.closing.clear()
        self._render()

    def _render(self) -> None:
        edit = self.case is not None and self.ctx.can(Can.REVIEW_CASES)
        for w in (self.problem, self.save_button, self.problem_label):
            w.setVisible(edit)
        self.problem_value.setVisible(not edit)
        if self.case is None:
            return
        lsc = clinic.lsc_codes
        code = lsc.problem_codes().get(self.case.problem_code)
        self.problem_value.setText(_("LSC problem code: {code}").format(
            code=_problem_text(code) if code else self.case.problem_code))
        closure, rejection, note = self._codes or (None, None, "")
        lines = []
        if closure:
            lines.append(_("Closure category: {code}").format(code=_closure_text(lsc.closure_categories()[closure])))
        if rejection:
            text = _(lsc.RejectionReason(rejection).label)
            lines.append(_("Rejection reason: {reason}").format(reason=f"{text}: {note}" if note else text))
        self.closing.setText("\n".join(lines))
        self.closing.setVisible(bool(lines))

    def save_problem_code(self) -> None:
        if self.case is None:
            return
        self.errors.clear()
        code = self.problem.currentData()
        VaultOp(self.ctx, self, lambda v: v.cases.set_problem_code(self.case.id, code)) \
            .failure(lambda exc: self.errors.present(exc, {"problem_code": self.problem}, self)) \
            .success(self._saved).run()

    def _saved(self, case: m.Case) -> None:
        self.load(case)
        self.changed.emit(case)


class CodedStatusDialog(StatusDialog):
    """The status dialog, asking for a rejection reason (from the fixed list) when rejecting and an LSC
    closure category when closing; the core refuses the change without them."""

    def __init__(self, ctx: AppContext, case: m.Case, parent: QWidget | None = None):
        self.rejection = QComboBox()
        self.rejection.setObjectName("rejectionReason")
        self.rejection_note = QLineEdit()
        self.rejection_note.setObjectName("rejectionNote")
        self.closure = QComboBox()
        self.closure.setObjectName("closureCategory")
        super().__init__(ctx, case, parent)
        self.rejection_label = labelled(self.form, "", self.rejection)
        self.note_label = labelled(self.form, "", self.rejection_note)
        self.closure_label = labelled(self.form, "", self.closure)
        self.setMinimumWidth(540)
        self.status.currentIndexChanged.connect(lambda _i: self._show_codes())
        self.rejection.currentIndexChanged.connect(lambda _i: self._show_codes())
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        if not hasattr(self, "closure_label"):
            return
        lsc = clinic.lsc_codes
        self.rejection_label.setText(_("Re&jection reason"))
        self.note_label.setText(_("&Why (for “other”)"))
        self.closure_label.setText(_("LSC c&losure category"))
        for w, label in ((self.rejection, self.rejection_label), (self.rejection_note, self.note_label),
                         (self.closure, self.closure_label)):
            set_accessible(w, label.text())
        _fill(self.rejection, [(_(r.label), r.value) for r in lsc.RejectionReason],
              placeholder=_("Choose a reason…"))
        _fill(self.closure, [(_closure_text(c), k) for k, c in lsc.closure_categories().items()],
              placeholder=_("Choose a category…"))
        self._show_codes()

    def _show_codes(self) -> None:
        status = self.status.currentData()
        rejecting, closing = status == m.CaseStatus.REJECTED.value, status == m.CaseStatus.CLOSED.value
        other = rejecting and self.rejection.currentData() == clinic.lsc_codes.RejectionReason.OTHER.value
        self.form.setRowVisible(self.rejection, rejecting)
        self.form.setRowVisible(self.rejection_note, other)
        self.form.setRowVisible(self.closure, closing)
        self.adjustSize()  # the new row's label needs its width

    def _fields(self) -> dict[str, QWidget]:
        return {**super()._fields(), "rejection_reason": self.rejection, "rejection_note": self.rejection_note,
                "closure_category": self.closure}

    def _save(self) -> None:
        status = m.CaseStatus(self.status.currentData())
        rejecting, closing = status is m.CaseStatus.REJECTED, status is m.CaseStatus.CLOSED
        case = self.ctx.v.cases.set_status(
            self.case.id, status, self.reason.toPlainText(),
            rejection_reason=self.rejection.currentData() if rejecting else None,
            rejection_note=self.rejection_note.text() if rejecting else "",
            closure_category=self.closure.currentData() if closing else None)
        self.saved.emit(case)
