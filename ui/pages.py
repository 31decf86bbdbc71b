"""The screens of the workspace: which role sees which, their sidebar names, and the lazily built set."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from clinic.access import Can
from clinic.i18n import _
from ui.context import AppContext, Page


def _everyone(ctx: AppContext) -> bool:
    return ctx.vault is not None


# (key, module, class, who may see it), in sidebar order. Modules are imported at the first unlock, so
# launching to the unlock screen does not pay for them.
PAGES = (
    ("intake", "ui.intake.page", "IntakePage", _everyone),
    ("clients", "ui.clients.page", "ClientsPage",
     lambda ctx: ctx.can(Can.VIEW_CLIENTS) or ctx.can(Can.LOOKUP_CLIENT)),
    ("cases", "ui.cases.page", "CasesPage", lambda ctx: ctx.can(Can.REVIEW_CASES) or ctx.can(Can.VIEW_CLIENTS)),
    ("deadlines", "ui.deadlines.page", "DeadlinesPage", lambda ctx: ctx.can(Can.REVIEW_CASES)),
    ("referrals", "ui.referrals.page", "ReferralsPage", lambda ctx: ctx.can(Can.MAKE_REFERRALS)),
    ("partners", "ui.partners.page", "PartnersPage", lambda ctx: ctx.can(Can.VIEW_CLIENTS)),
    ("incidents", "ui.incidents.page", "IncidentsPage", lambda ctx: ctx.can(Can.RECORD_INCIDENT)),
    ("preparedness", "ui.preparedness.page", "PlansPage", lambda ctx: ctx.can(Can.LOOKUP_CLIENT)),
    ("conflicts", "ui.conflicts.page", "ConflictsPage", lambda ctx: ctx.can(Can.VIEW_CLIENTS)),
    ("reports", "ui.reports.page", "ReportsPage", lambda ctx: ctx.can(Can.PUBLISH_REPORTS)),
    ("admin", "ui.admin.page", "AdminPage", lambda ctx: ctx.can(Can.MANAGE_STAFF)),
)

# Sidebar names of pages not built yet (once built, a page's own title() is used; a test checks they agree).
# A page without one here is built at unlock, so a new screen works before it is listed.
TITLES: dict[str, Callable[[AppContext], str]] = {
    "intake": lambda ctx: _("New intake"),
    "clients": lambda ctx: _("Clients") if ctx.can(Can.VIEW_CLIENTS) else _("My intakes today"),
    "cases": lambda ctx: _("Cases"),
    "deadlines": lambda ctx: _("Deadlines"),
    "referrals": lambda ctx: _("Referrals"),
    "partners": lambda ctx: _("Partners"),
    "incidents": lambda ctx: _("Hotline"),
    "preparedness": lambda ctx: _("Preparedness"),
    "conflicts": lambda ctx: _("Conflicts"),
    "reports": lambda ctx: _("Reports"),
    "admin": lambda ctx: _("Administration"),
}


class Pages(Mapping):
    """The pages this user may see, in sidebar order, each built the first time it is asked for.

    Iterating, `in` and len() never build; `pages[key]` (and .values(), .items()) does. `built()` gives
    only those that exist. A page whose construction failed stays unbuilt and raises KeyError.
    """

    def __init__(self, build: Callable[[str], Page | None] | None = None, keys: tuple[str, ...] = ()):
        self._build, self._keys = build, keys
        self._built: dict[str, Page] = {}
        self._failed: set[str] = set()

    def __getitem__(self, key: str) -> Page:
        if key not in self._keys or key in self._failed:
            raise KeyError(key)
        if key not in self._built:
            page = self._build(key)
            if page is None:
                self._failed.add(key)
                raise KeyError(key)
            self._built[key] = page
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def built(self) -> dict[str, Page]:
        return dict(self._built)

    def is_built(self, key: str) -> bool:
        return key in self._built
