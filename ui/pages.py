"""The screens of the workspace: which role sees which, their sidebar names, and the lazily built set."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QObject, QTimer

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


class BuildInTurns:
    """The first page at unlock built a step per GUI-thread turn (a QTimer of 0 ms between steps), so the
    window keeps answering; hidden until done, then `done(key)` places it (through `Pages`, which calls
    `take(key)`). Anything asking for the page sooner gets it finished at once; `cancel()` (lock) drops it."""

    def __init__(self, parent: QObject, done: Callable[[str], object]):
        self._done = done
        self._key: str | None = None
        self._page: Page | None = None
        self._error: Exception | None = None
        self._timer = QTimer(parent, singleShot=True, interval=0)
        self._timer.timeout.connect(self._step)

    def start(self, key: str, page: Page) -> None:
        self.cancel()
        self._key, self._page = key, page
        self._timer.start()

    def _step(self) -> None:
        if self._page is None:
            return
        try:
            more = next(self._page.building, self) is not self
        except Exception as exc:  # reported once, by whoever takes the page
            self._error, more = exc, False
        if more:
            self._timer.start()
        else:
            self._done(self._key)

    def take(self, key: str) -> Page | None:
        """The page being built for `key`, finished now (None if none is); raises what its build raised."""
        if self._key != key or self._page is None:
            return None
        page, error = self._page, self._error
        self._key = self._page = self._error = None
        self._timer.stop()
        try:
            if error is not None:
                raise error
            page.finish_building()
        except Exception:
            page.deleteLater()
            raise
        return page

    def cancel(self) -> None:
        self._timer.stop()
        if self._page is not None:
            self._page.deleteLater()
        self._key = self._page = self._error = None
