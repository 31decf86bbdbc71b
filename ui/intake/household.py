"""Household members, income lines and assets at intake, with the live % of the poverty guideline.

Keyboard-first: "Add a household member" / "Add an income line" put a new row after the others and focus
it; Ctrl+Delete in a row (or its Remove button) takes the row out. The guideline tables and funding
sources are read once when the form opens (`load_reference`); every keystroke after that is arithmetic
(clinic's `assess_income`), never a vault read.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import GuidelineRegion, assess_income, asset_model, income_model, qualify_funding
from clinic import conflict_parties as cp
from clinic import models as m
from clinic.i18n import _, format_amount, format_money, format_percent
from ui.intake.fields import MoneyEdit
from ui.kit.forms import DateEdit, IntEdit, set_accessible
from ui.kit.ops import VaultOp

MAX_ROWS = 20
MEMBER_RELATIONSHIPS = cp.HOUSEHOLD_RELATIONSHIPS
PERIODS = income_model.PERIOD_LABELS


class AmountEdit(MoneyEdit):
    """Dollars and cents (an income line), in the UI language's notation."""

    def amount(self) -> Decimal | None:
        number = None if self.is_empty() else self._parsed()
        if number is None or not number.is_finite() or not 0 <= number <= income_model.MAX_LINE_AMOUNT \
                or number != number.quantize(Decimal("0.01")):
            return None
        return number

    def value(self) -> int | None:  # MoneyEdit's normalisation keeps whole dollars only
        return None

    def _normalize(self) -> None:
        amount = self.amount()
        if amount is not None:
            self.setText(format_decimal(amount, format="#,##0.##", locale=self._lang))

    def is_valid(self) -> bool:
        return self.amount() is not None

    def error_message(self) -> str:
        return _("Enter the amount in dollars (cents allowed), for example 1,250.50.")


class LineRow(QWidget):
    """One row of fields and its Remove button (members, income lines, assets)."""

    removed = Signal(object)

    def __init__(self, widgets: list[QWidget], parent: QWidget | None = None):
        super().__init__(parent)
        self.remove_button = QPushButton()
        self.remove_button.setAutoDefault(False)
        self.widgets = [*widgets, self.remove_button]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            layout.addWidget(w, 2 if isinstance(w, QLineEdit) and not isinstance(w, (DateEdit, MoneyEdit)) else 0)
        layout.addWidget(self.remove_button)
        layout.addStretch(1)
        self.remove_button.clicked.connect(lambda: self.removed.emit(self))
        for w in self.widgets:
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Delete in any of the row's fields removes the row (before a line edit deletes a word)."""
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Delete \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.removed.emit(self)
            return True
        return super().eventFilter(watched, event)


class MemberRow(LineRow):
    def __init__(self, parent: QWidget | None = None):
        self.name = QLineEdit()
        self.name.setMaxLength(m.MAX_NAME)
        self.relationship = QComboBox()
        for key in MEMBER_RELATIONSHIPS:
            self.relationship.addItem("", key)
        self.date_of_birth = DateEdit()
        super().__init__([self.name, self.relationship, self.date_of_birth], parent)

    def retranslate(self, n: int) -> None:
        self.name.setPlaceholderText(_("Name"))
        set_accessible(self.name, _("Household member {n}: name").format(n=n))
        for i in range(self.relationship.count()):
            self.relationship.setItemText(i, _(MEMBER_RELATIONSHIPS[self.relationship.itemData(i)]))
        set_accessible(self.relationship, _("Household member {n}: relationship").format(n=n))
        self.date_of_birth.retranslate()
        set_accessible(self.date_of_birth, _("Household member {n}: date of birth").format(n=n))
        self.remove_button.setText(_("Remove"))
        set_accessible(self.remove_button, _("Remove household member {n} (Ctrl+Delete)").format(n=n))

    def draft(self):
        return cp.PartyDraft(cp.PartyKind.HOUSEHOLD, self.name.text().strip(),
                             self.relationship.currentData(), self.date_of_birth.date())


class IncomeRow(LineRow):
    def __init__(self, parent: QWidget | None = None):
        self.source = QComboBox()
        for source in income_model.IncomeSource:
            self.source.addItem("", source.value)
        self.amount = AmountEdit()
        self.amount.setFixedWidth(self.amount.fontMetrics().horizontalAdvance("1,000,000.00") + 28)
        self.per = QComboBox()
        for key in PERIODS:
            self.per.addItem("", key)
        self.per.setCurrentIndex(list(PERIODS).index("month"))
        super().__init__([self.source, self.amount, self.per], parent)

    def retranslate(self, n: int) -> None:
        for i in range(self.source.count()):
            self.source.setItemText(i, _(income_model.SOURCE_LABELS[self.source.itemData(i)]))
        set_accessible(self.source, _("Income line {n}: source").format(n=n))
        self.amount.setPlaceholderText(_("Amount"))
        set_accessible(self.amount, _("Income line {n}: amount in dollars").format(n=n))
        for i in range(self.per.count()):
            self.per.setItemText(i, _(PERIODS[self.per.itemData(i)]))
        set_accessible(self.per, _("Income line {n}: how often").format(n=n))
        self.remove_button.setText(_("Remove"))
        set_accessible(self.remove_button, _("Remove income line {n} (Ctrl+Delete)").format(n=n))

    def line(self):
        """The line, or None while its amount is empty or not a number."""
        amount = self.amount.amount()
        if amount is None:
            return None
        return income_model.IncomeLine(income_model.IncomeSource(self.source.currentData()), amount,
                                       income_model.Period(self.per.currentData()))


class HouseholdBox(QWidget):
    """Members, income lines, assets (ui/intake/assets.py) and region; `household_size` is the form's own
    field, read for the label."""

    rows_changed = Signal()  # the page re-chains its tab order
    edited = Signal(object)  # a row's field typed in: the page clears its error mark

    def __init__(self, household_size: IntEdit, assets, parent: QWidget | None = None):
        super().__init__(parent)
        self.household_size = household_size
        self.assets = assets
        self._reference: tuple | None = None  # (tables, clinic effective dates, funding sources)
        self._default_region = GuidelineRegion.CONTIGUOUS  # the clinic's, read with the reference
        self._region_chosen = False  # the volunteer picked one: a late default must not undo it
        self.members: list[MemberRow] = []
        self.incomes: list[IncomeRow] = []
        self.members_label, self.incomes_label = QLabel(), QLabel()
        self.members_layout, self.incomes_layout = QVBoxLayout(), QVBoxLayout()
        self.add_member, self.add_income = QPushButton(), QPushButton()
        self.region = QComboBox()
        for region in GuidelineRegion:
            self.region.addItem("", region.value)
        self.region_label = QLabel()
        self.region_label.setBuddy(self.region)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label, rows, button in ((self.members_label, self.members_layout, self.add_member),
                                    (self.incomes_label, self.incomes_layout, self.add_income)):
            button.setAutoDefault(False)
            layout.addWidget(label)
            layout.addLayout(rows)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(assets)
        region_row = QHBoxLayout()
        region_row.addWidget(self.region_label)
        region_row.addWidget(self.region)
        region_row.addStretch(1)
        layout.addLayout(region_row)
        layout.addWidget(self.result)
        self.add_member.clicked.connect(self.new_member)
        self.add_income.clicked.connect(self.new_income)
        self.region.currentIndexChanged.connect(self.update_result)
        self.region.activated.connect(self._region_picked)
        assets.changed.connect(self.update_result)
        assets.rows_changed.connect(self.rows_changed)
        assets.edited.connect(self.edited)
        household_size.textChanged.connect(self.update_result)

    # ----- rows -------------------------------------------------------------------------------------

    def new_member(self) -> MemberRow | None:
        return self._add(MemberRow(), self.members, self.members_layout)

    def new_income(self) -> IncomeRow | None:
        row = self._add(IncomeRow(), self.incomes, self.incomes_layout)
        if row is not None:
            row.amount.textChanged.connect(self.update_result)
            row.per.currentIndexChanged.connect(self.update_result)
        return row

    def _add(self, row, rows: list, layout: QVBoxLayout):
        if len(rows) >= MAX_ROWS:
            return None
        rows.append(row)
        layout.addWidget(row)
        row.setVisible(self.isVisible())  # at once, not on the next event loop turn: Tab reaches it now
        row.removed.connect(self.remove_row)
        for w in row.widgets:
            if isinstance(w, QLineEdit):
                w.textEdited.connect(lambda _t, w=w: self.edited.emit(w))
        row.retranslate(len(rows))
        self.rows_changed.emit()
        row.widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
        return row

    def remove_row(self, row) -> None:
        rows, button = (self.members, self.add_member) if row in self.members else (self.incomes, self.add_income)
        if row not in rows:
            return
        i = rows.index(row)
        rows.remove(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        for n, other in enumerate(rows, 1):
            other.retranslate(n)
        self.rows_changed.emit()
        (rows[min(i, len(rows) - 1)].widgets[0] if rows else button).setFocus(Qt.FocusReason.OtherFocusReason)
        self.update_result()

    def inputs(self) -> list[QWidget]:
        return [*[w for r in self.members for w in r.widgets], self.add_member,
                *[w for r in self.incomes for w in r.widgets], self.add_income, *self.assets.inputs(), self.region]

    def reset(self) -> None:
        for row in [*self.members, *self.incomes]:
            row.hide()
            row.setParent(None)
            row.deleteLater()
        self.members.clear()
        self.incomes.clear()
        self.assets.reset()
        self._region_chosen = False
        self.region.setCurrentIndex(max(0, self.region.findData(self._default_region.value)))
        self.rows_changed.emit()
        self.update_result()

    def row_counts(self) -> dict:
        """How many member, income and asset rows the form has: a draft re-creates them before its values."""
        return {"rows": [len(self.members), len(self.incomes), len(self.assets.rows)]}

    def add_rows(self, payload: dict) -> None:
        counts = payload.get("rows")
        if not (isinstance(counts, list) and len(counts) == 3 and all(isinstance(n, int) for n in counts)):
            return
        for n, add in zip(counts, (self.new_member, self.new_income, self.assets.new_asset), strict=True):
            for _i in range(min(max(n, 0), MAX_ROWS)):
                add()

    # ----- reading ----------------------------------------------------------------------------------

    def household_members(self) -> tuple:
        return tuple(r.draft() for r in self.members if r.name.text().strip())

    def income_lines(self) -> tuple:
        return tuple(ln for r in self.incomes if (ln := r.line()) is not None)

    def region_value(self) -> str:
        return self.region.currentData()

    def local_problems(self) -> list[tuple[QWidget, str]]:
        out: list[tuple[QWidget, str]] = []
        for r in self.members:
            if not r.date_of_birth.is_valid():
                out.append((r.date_of_birth, r.date_of_birth.error_message()))
        for r in self.incomes:
            if not r.amount.is_empty() and not r.amount.is_valid():
                out.append((r.amount, r.amount.error_message()))
        return out

    def first_income(self) -> QWidget:
        return self.incomes[0].amount if self.incomes else self.add_income

    def first_member(self) -> QWidget:
        return next((r.name for r in self.members if r.name.text().strip()), self.add_member)

    # ----- the live result --------------------------------------------------------------------------

    def load_reference(self, ctx) -> None:
        """Read the guideline tables, the clinic's dates and the funding sources once (form opened)."""
        if ctx.vault is None or not ctx.vault.is_open:
            self._reference = None
        else:
            VaultOp(ctx, self, lambda v: (v.eligibility.tables(), v.eligibility.clinic_effective(),
                                          v.eligibility.sources(), v.eligibility.default_region())
                    ).success(self._set_reference).run()
        self.update_result()

    def _set_reference(self, reference: tuple) -> None:
        *self._reference, self._default_region = reference
        if not self._region_chosen:
            self.region.setCurrentIndex(max(0, self.region.findData(self._default_region.value)))

    def _region_picked(self, _index: int) -> None:
        self._region_chosen = True

    def update_result(self, *_args) -> None:
        self.result.setText(self.result_text())

    def result_text(self) -> str:
        size, lines = self.household_size.value(), self.income_lines()
        if self._reference is None or not self.incomes:
            return _("Add the household's income lines to see the % of the poverty guideline.")
        if size is None:
            return _("Enter the household size to see the % of the poverty guideline.")
        tables, effective, sources = self._reference
        region = GuidelineRegion(self.region.currentData())
        a = assess_income(lines, household_size=size, on=dt.date.today(), tables=tables,
                          clinic_effective=effective, region=region)
        income = format_money(int(a.annual_income.to_integral_value(ROUND_HALF_UP)))
        text = _("Annual income {income}: {pct} of the {year} poverty guideline ({guideline}, household of "
                 "{size}, {region}).").format(income=income, pct=format_percent(a.percent), year=a.table_year,
                                               guideline=format_money(a.guideline), size=size,
                                               region=_(region.label))
        assets = asset_model.countable(self.assets.lines())
        if assets is not None:
            text += " " + _("Countable assets: {amount}.").format(amount=format_amount(assets))
        results = qualify_funding(a, sources, countable_assets=assets)
        names = [q.source.name for q in results if q.qualifies]
        exceptions = [q.source.name for q in results if q.needs_exception]
        over = [q.source.name for q in results if q.over_assets]
        text += "\n" + (_("Qualifies for: {sources}.").format(sources=", ".join(names)) if names
                        else _("Qualifies for no funding source."))
        if exceptions:
            text += "\n" + _("Only with an exception and its reason noted: {sources}.").format(
                sources=", ".join(exceptions))
        if over:
            text += "\n" + _("Over the asset limit of: {sources}.").format(sources=", ".join(over))
        for q in results:
            if q.source.lsc_funded and (q.qualifies or q.needs_exception):
                text += "\n" + _("{source} is LSC-funded and may not be able to serve clients without certain "
                                 "immigration statuses. Never ask the person's status: the attorney decides "
                                 "the funding.").format(source=q.source.name)
        return text

    def retranslate(self) -> None:
        self.members_label.setText(_("Household members (they are checked for conflicts too)"))
        self.incomes_label.setText(_("Income lines"))
        self.add_member.setText(_("Add a household member"))
        self.add_income.setText(_("Add an income line"))
        self.region_label.setText(_("Region"))
        for i in range(self.region.count()):
            self.region.setItemText(i, _(GuidelineRegion(self.region.itemData(i)).label))
        set_accessible(self.region, _("Region"))
        for rows in (self.members, self.incomes):
            for n, row in enumerate(rows, 1):
                row.retranslate(n)
        self.assets.retranslate()
        self.update_result()
