"""A case's funding source, in the case view: who may (attorneys, Can.REVIEW_CASES) choose one of the
configured sources and set it; everyone who sees the case reads it. The core refuses an unknown source."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from clinic.access import Can
from clinic.i18n import _
from ui.kit.forms import set_accessible
from ui.kit.ops import VaultOp


class FundingControl(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id: int | None = None
        self.current = ""
        self.sources: tuple = ()
        self.qualifying: set[str] = set()
        self.label, self.value, self.note = QLabel(), QLabel(), QLabel()
        self.note.setWordWrap(True)
        self.combo = QComboBox()
        self.label.setBuddy(self.combo)
        self.button = QPushButton()
        self.button.clicked.connect(self.apply)
        self.combo.currentIndexChanged.connect(self._show_note)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.value, self.combo, self.button):
            row.addWidget(w)
        row.addWidget(self.note, 1)
        ctx.signals.language_changed.connect(self._language_changed)  # a bound slot: dropped with the view
        self.clear()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def set_case(self, case_id: int, intake_id: int | None = None) -> None:
        """Read the case's source, the configured sources and (from the stored assessment) which fit."""
        self.case_id = case_id

        def read(v):
            sources = v.eligibility.sources()  # which fit: income and countable assets, as stored with the intake
            means = v.eligibility.means(intake_id) if intake_id is not None else None
            fits = {q.source.name for q in means.qualifications if q.qualifies} if means else set()
            return v.cases.funding_source(case_id), sources, fits

        loaded = VaultOp(self.ctx, self, read).run()
        if loaded is None:
            self.clear()
            return
        self.current, self.sources, self.qualifying = loaded
        self.retranslate()

    def clear(self) -> None:
        self.case_id, self.current, self.sources, self.qualifying = None, "", (), set()
        self.retranslate()

    def apply(self) -> None:
        if self.case_id is None:
            return
        name, case_id = self.combo.currentData() or "", self.case_id
        done = VaultOp(self.ctx, self, lambda v: v.cases.set_funding_source(case_id, name)) \
            .changes("cases").run()
        if done is not None:
            self.current = done
            self.retranslate()

    def _show_note(self, *_args) -> None:
        source = next((s for s in self.sources if s.name == self.combo.currentData()), None)
        self.note.setText(_("{source} is LSC-funded and may not be able to serve clients without certain "
                            "immigration statuses. Never ask the person's status: the attorney decides the "
                            "funding.").format(source=source.name) if source and source.lsc_funded else "")

    def retranslate(self) -> None:
        may = self.case_id is not None and self.ctx.can(Can.REVIEW_CASES)
        self.setVisible(self.case_id is not None)
        self.label.setText(_("Funding source:"))
        self.value.setText(self.current or _("none yet"))
        self.value.setVisible(not may)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(_("none yet"), "")
        for s in self.sources:
            self.combo.addItem(_("{source} (the household qualifies)").format(source=s.name)
                               if s.name in self.qualifying else s.name, s.name)
        self.combo.setCurrentIndex(max(0, self.combo.findData(self.current)))
        self.combo.blockSignals(False)
        set_accessible(self.combo, _("Funding source"))
        self.button.setText(_("Set funding source"))
        for w in (self.combo, self.button):
            w.setVisible(may)
        self._show_note()
