"""A case's household and means, as stored with its intake: size, members, income lines, annual income, the
% of the poverty guideline (table year and region), assets and which funding sources it falls under.

Attorneys, coordinators and admins only (the core refuses others): household members are not shown to
volunteers, whose case view never loads this."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from clinic import asset_model, income_model
from clinic import conflict_parties as cp
from clinic.access import Can
from clinic.i18n import _, format_amount, format_money, format_percent
from ui.cases.status import value_label
from ui.context import AppContext
from ui.kit.format import format_date
from ui.kit.forms import labelled, set_accessible
from ui.kit.ops import VaultOp

MEMBER_RELATIONSHIPS, PERIODS = cp.HOUSEHOLD_RELATIONSHIPS, income_model.PERIOD_LABELS
ROWS = ("size", "members", "income", "annual", "percent", "assets", "countable", "funding")


class HouseholdSection(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._loaded: tuple | None = None  # (household size, members, IntakeMeans)
        form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for key in ROWS:
            self.values[key] = value_label()
            self.labels[key] = labelled(form, "", self.values[key])
        self.clear()

    def load(self, case_id: int, intake) -> None:
        """Read the intake's means and the case's household members (only for those who may see them)."""
        if intake is None or not self.ctx.can(Can.VIEW_CLIENTS):
            self.clear()
            return

        def read(v):
            members = [p for p in v.conflicts.parties(case_id) if p.kind is cp.PartyKind.HOUSEHOLD]
            return intake.household_size, members, v.eligibility.means(intake.id)

        self._loaded = VaultOp(self.ctx, self, read).run()
        self.retranslate()

    def clear(self) -> None:
        self._loaded = None
        self.retranslate()

    def texts(self) -> dict[str, str]:
        """Each row's text in the UI language ('' for a row with nothing to show)."""
        out = dict.fromkeys(ROWS, "")
        if self._loaded is None:
            return out
        size, members, means = self._loaded
        out["size"] = "" if size is None else str(size)
        out["members"] = "\n".join(_member(p) for p in members)
        out["income"] = "\n".join(_("{source}: {amount} {per}").format(
            source=_(income_model.SOURCE_LABELS[ln.source]), amount=format_amount(ln.amount),
            per=_(PERIODS[ln.per.value])) for ln in means.lines)
        a = means.result
        if a is not None:
            out["annual"] = format_amount(a.annual_income)
            out["percent"] = _("{pct} of the {year} guideline ({guideline} a year for {size}, {region})").format(
                pct=format_percent(a.percent), year=a.table_year, guideline=format_money(a.guideline),
                size=a.household_size, region=_(a.region.label))
        out["assets"] = "\n".join(_asset(x) for x in means.assets)
        if means.countable_assets is not None:
            out["countable"] = format_amount(means.countable_assets)
        out["funding"] = "\n".join(_qualification(q) for q in means.qualifications)
        return out

    def retranslate(self) -> None:
        self.setTitle(_("Household and income"))
        self.setVisible(self._loaded is not None)
        names = {"size": _("Household size"), "members": _("Household members"), "income": _("Income lines"),
                 "annual": _("Annual income"), "percent": _("Poverty guideline"), "assets": _("Assets"),
                 "countable": _("Countable assets"), "funding": _("Funding sources")}
        texts = self.texts()
        for key in ROWS:
            self.labels[key].setText(names[key])
            shown = texts[key] or _("Not recorded")
            self.values[key].setText(shown)
            set_accessible(self.values[key], _("{field}: {value}").format(field=names[key], value=shown))


def _member(p) -> str:
    rel = _(MEMBER_RELATIONSHIPS[p.relationship]) if p.relationship in MEMBER_RELATIONSHIPS else p.relationship
    parts = [x for x in (rel, format_date(p.date_of_birth)) if x]
    return f"{p.name} ({', '.join(parts)})" if parts else p.name


def _asset(x) -> str:
    text = _("{kind}: {value}").format(kind=_(asset_model.ASSET_LABELS[x.kind]), value=format_amount(x.value))
    if x.excluded:
        text += " " + _("(not counted: {what})").format(what=_(asset_model.EXCLUSION_LABELS[x.kind]))
    return text


def _qualification(q) -> str:
    if q.qualifies:
        return _("{source}: qualifies").format(source=q.source.name)
    if q.over_assets:
        return _("{source}: over the asset limit").format(source=q.source.name)
    if q.needs_exception:
        return _("{source}: only with an exception and its reason noted").format(source=q.source.name)
    return _("{source}: over the income limit").format(source=q.source.name)
