"""The clinic's funding sources: admins add, edit and deactivate them; intake qualification and a case's tag
(`Cases.set_funding_source`) use the active ones."""

from __future__ import annotations

import dataclasses

from clinic.access import Can
from clinic.clients.fields import check_text, label
from clinic.eligibility.funding import FundingSource, sources_from_json, sources_to_json
from clinic.eligibility.service import SOURCES_KEY
from clinic.errors import NotFound, ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.cases import CaseRepo
from clinic.storage.repos.settings import SettingsRepo

MAX_SOURCES = 40


def check_source(s: FundingSource) -> FundingSource:
    """A source as an admin typed it, checked; errors name the field."""
    name = check_text("source_name", s.name, 60, required=True).strip()
    for field, value, low, high in (("income_ceiling_pct", s.income_ceiling_pct, 1, 1000),
                                    ("exception_ceiling_pct", s.exception_ceiling_pct, 1, 1000),
                                    ("asset_ceiling", s.asset_ceiling, 0, 100_000_000)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            raise ValidationError(field, _("{field} must be a whole number from {low} to {high}, or empty.")
                                  .format(field=label(field), low=low, high=high))
    if s.exception_ceiling_pct is not None:
        # 45 CFR 1611.5: above the ceiling, up to 200% of the guideline, under a policy the board adopted.
        if s.income_ceiling_pct is None or not s.income_ceiling_pct < s.exception_ceiling_pct <= 200:
            raise ValidationError("exception_ceiling_pct", _("An exception ceiling must be above the income "
                                                             "ceiling and at most 200 percent of the guideline."))
    return dataclasses.replace(s, name=name, lsc_funded=bool(s.lsc_funded), active=bool(s.active))


class FundingSources:
    def __init__(self, session: Session):
        self._v = session

    def all(self, *, include_inactive: bool = False) -> tuple[FundingSource, ...]:
        """The clinic's sources (the defaults until an admin changes them). Read once and keep: cheap."""
        sources = sources_from_json(SettingsRepo(self._v.conn).get(SOURCES_KEY))
        return sources if include_inactive else tuple(s for s in sources if s.active)

    def save(self, source: FundingSource, *, replacing: str | None = None) -> FundingSource:
        """Add a source, or replace the one named `replacing` (editing, or deactivating: active=False).

        The list keeps its order (an edited source stays where it was). Renaming retags its cases."""
        self._v.require(Can.MANAGE_SETTINGS)
        source = check_source(source)
        sources = list(self.all(include_inactive=True))
        names = [s.name.casefold() for s in sources]
        old_name, at = None, len(sources)
        if replacing is not None:
            if replacing.casefold() not in names:
                raise NotFound(_("No funding source with that name."))
            at = names.index(replacing.casefold())
            old_name = sources.pop(at).name
            names.remove(replacing.casefold())
        if source.name.casefold() in names:
            raise ValidationError("source_name", _("There is already a funding source with that name."))
        if len(sources) >= MAX_SOURCES:
            raise ValidationError("source_name", _("At most {n} funding sources.").format(n=MAX_SOURCES))
        sources.insert(at, source)
        with transaction(self._v.conn):
            SettingsRepo(self._v.conn).set(SOURCES_KEY, sources_to_json(tuple(sources)))
            # A renamed source keeps its cases: their tags (and the funder report's rows) follow the name.
            renamed = (CaseRepo(self._v.conn).rename_funding_source(old_name, source.name)
                       if old_name is not None and old_name != source.name else 0)
            self._v.audit("funding.source", "", active=source.active, lsc=source.lsc_funded, renamed=renamed)
        return source
