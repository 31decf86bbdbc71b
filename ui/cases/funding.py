"""A case's funding source, in the case view: who may (attorneys, Can.REVIEW_CASES) choose one of the
configured sources and set it; everyone who sees the case reads it. Over a source's ceiling but within its
exception ceiling (45 CFR 1611.5) the control asks for the reason and shows it afterwards. The core refuses
an unknown source, a missing reason and a household over the exception ceiling."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.access import Can
from clinic.i18n import _, format_percent
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultOp


class FundingControl(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id: int | None = None
        self.current = m.CaseFunding()
        self.sources: tuple = ()
        self.qualifying: set[str] = set()
        self.exception: set[str] = set()  # sources this household needs an exception (and a reason) for
        self.over: set[str] = set()  # sources whose limits this household is over, exception included
        self.over_assets: set[str] = set()  # ... of which the countable assets are over the asset ceiling
        self.errors = FieldErrors()
        self.label, self.value, self.note = QLabel(), QLabel(), QLabel()
        self.note.setWordWrap(True)
        self.combo = QComboBox()
        self.label.setBuddy(self.combo)
        self.button = QPushButton()
        self.button.clicked.connect(self.apply)
        self.combo.currentIndexChanged.connect(self._show_note)
        self.reason = QLineEdit()
        self.reason.setMaxLength(m.MAX_SHORT)
        self.reason.returnPressed.connect(self.apply)
        self.reason_box = QWidget()
        self.reason_form = QFormLayout(self.reason_box)
        self.reason_form.setContentsMargins(0, 0, 0, 0)
        self.reason_label = labelled(self.reason_form, "", self.reason)
        self.shown_reason = QLabel()  # the reason recorded with the current tag
        self.shown_reason.setObjectName("fundingException")
        self.shown_reason.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.value, self.combo, self.button):
            row.addWidget(w)
        row.addWidget(self.note, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.reason_box)
        column.addWidget(self.shown_reason)
        ctx.signals.language_changed.connect(self._language_changed)  # a bound slot: dropped with the view
        self.clear()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def set_case(self, case_id: int, intake_id: int | None = None) -> None:
        """Read the case's tag, the configured sources and (from the stored assessment) which fit."""
        self.case_id = case_id

        def read(v):
            sources = v.eligibility.sources()  # which fit: income and countable assets, as stored with the intake
            means = v.eligibility.means(intake_id) if intake_id is not None else None
            quals = means.qualifications if means else ()
            return (v.cases.funding(case_id), sources, {q.source.name for q in quals if q.qualifies},
                    {q.source.name for q in quals if q.needs_exception},
                    {q.source.name for q in quals if not q.qualifies and not q.needs_exception},
                    {q.source.name for q in quals if q.over_assets})

        loaded = VaultOp(self.ctx, self, read).run()
        if loaded is None:
            self.clear()
            return
        self.current, self.sources, self.qualifying, self.exception, self.over, self.over_assets = loaded
        self.errors.clear()
        self.reason.setText(self.current.exception_reason)
        self.retranslate()

    def clear(self) -> None:
        self.case_id, self.current, self.sources = None, m.CaseFunding(), ()
        self.qualifying, self.exception, self.over, self.over_assets = set(), set(), set(), set()
        self.errors.clear()
        self.reason.clear()
        self.retranslate()

    def apply(self) -> None:
        if self.case_id is None:
            return
        name, case_id = self.combo.currentData() or "", self.case_id
        reason = self.reason.text() if name in self.exception else ""
        self.errors.clear()
        fields = {"funding_exception_reason": self.reason, "funding_source": self.combo}
        done = VaultOp(self.ctx, self, lambda v: v.cases.set_funding_source(case_id, name, exception_reason=reason)) \
            .failure(lambda exc: self.errors.present(exc, fields, self)).changes("cases").run()
        if done is not None and self.case_id == case_id:
            self.current = m.CaseFunding(done, reason.strip() if done in self.exception else "")
            self.retranslate()

    def _show_note(self, *_args) -> None:
        name = self.combo.currentData()
        source = next((s for s in self.sources if s.name == name), None)
        notes = []
        if source and name in self.exception:
            notes.append(_("The household is over {source}'s ceiling ({ceiling}) but within its exception "
                           "ceiling ({exception}): note the reason for the exception (45 CFR 1611.5).")
                         .format(source=name, ceiling=format_percent(source.income_ceiling_pct),
                                 exception=format_percent(source.exception_ceiling_pct)))
        elif source and name in self.over_assets:
            notes.append(_("The household's countable assets are over {source}'s asset ceiling.").format(
                source=name))
        elif source and name in self.over:
            notes.append(_("The household's income is over what {source} allows.").format(source=name))
        if source and source.lsc_funded:
            notes.append(_("{source} is LSC-funded and may not be able to serve clients without certain "
                           "immigration statuses. Never ask the person's status: the attorney decides the "
                           "funding.").format(source=source.name))
        self.note.setText(" ".join(notes))
        may = self.case_id is not None and self.ctx.can(Can.REVIEW_CASES)
        self.reason_box.setVisible(may and name in self.exception)

    def retranslate(self) -> None:
        may = self.case_id is not None and self.ctx.can(Can.REVIEW_CASES)
        self.setVisible(self.case_id is not None)
        self.label.setText(_("Funding source:"))
        self.value.setText(self.current.source or _("none yet"))
        self.value.setVisible(not may)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(_("none yet"), "")
        for s in self.sources:
            if s.name in self.qualifying:
                text = _("{source} (the household qualifies)").format(source=s.name)
            elif s.name in self.exception:
                text = _("{source} (only as an exception, with a reason)").format(source=s.name)
            else:
                text = s.name
            self.combo.addItem(text, s.name)
        self.combo.setCurrentIndex(max(0, self.combo.findData(self.current.source)))
        self.combo.blockSignals(False)
        set_accessible(self.combo, _("Funding source"))
        self.button.setText(_("Set funding source"))
        self.reason_label.setText(_("&Reason for the exception:"))
        set_accessible(self.reason, _("Reason for the exception"),
                       _("Why this household is taken between the ceiling and the exception ceiling, under the "
                         "policy the board adopted (45 CFR 1611.5)"))
        self.shown_reason.setText(_("Taken as an exception (45 CFR 1611.5): {reason}")
                                  .format(reason=self.current.exception_reason)
                                  if self.current.exception_reason else "")
        self.shown_reason.setVisible(bool(self.current.exception_reason))
        for w in (self.combo, self.button):
            w.setVisible(may)
        self._show_note()
