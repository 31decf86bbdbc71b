"""What every screen is given: the home, the open vault (or None), the task runner and app signals."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from clinic import Home, UnlockGuard
from clinic.access import Can
from clinic.errors import PermissionDenied
from clinic.i18n import _
from ui.kit import keys


class AppSignals(QObject):
    """One set of long-lived signals; views decide for themselves whether to refresh."""

    unlocked = Signal()
    locked = Signal()
    language_changed = Signal(str)
    # What changed: "clients", "cases", "notes", "documents", "staff", "settings", "partners", "referrals".
    changed = Signal(str)
    # An intake was saved (its clinic.models.IntakeReceipt: the one client and case it touched). Views
    # update that row and their counts rather than reloading on changed("clients").
    intake_recorded = Signal(object)
    # Ask the main window to show a client's file or a case (by id).
    open_client = Signal(int)
    open_case = Signal(int)
    # Ask the main window to start a referral for a client (by id).
    refer_client = Signal(int)
    # Ask the main window to lock and show the unlock screen (a restore has replaced the vault).
    lock_requested = Signal()
    # Ask the main window to show a client's preparedness plan (by reference).
    open_plan = Signal(str)
    # Ask the main window to put an unsaved form back (ui.kit.drafts: kind "intake" or "incident", draft id).
    resume_draft = Signal(str, int)
    # Ask the main window to start an intake linked to person N (0: none) of an incident (by reference).
    intake_for_incident = Signal(str, int)


@dataclass
class AppContext:
    home: Home
    runner: object  # ui.kit.tasks.TaskRunner (or ImmediateTaskRunner in tests)
    signals: AppSignals = field(default_factory=AppSignals)
    guard: UnlockGuard = field(default_factory=UnlockGuard)
    vault: object | None = None  # clinic.vault.Vault while unlocked

    @property
    def v(self):
        """The open vault; raises PermissionDenied (shown as a sentence) when locked."""
        if self.vault is None or not self.vault.is_open:
            raise PermissionDenied(_("The vault is locked. Unlock it to continue."))
        return self.vault

    def can(self, what: Can) -> bool:
        return self.vault is not None and self.vault.is_open and self.vault.can(what)


class Page(QWidget):
    """A screen in the main window. Subclasses build widgets in __init__ and call retranslate() last.

    Contract:
    - `retranslate()` sets every visible string (called again when the language changes at runtime);
    - `clear()` empties every widget that shows client data (called on lock; must not need the vault);
    - `on_unlocked()` loads what the page shows for the new user (called after each unlock);
    - `title()` is the translated tab/sidebar name; never a client's name.
    - optional: a page with `builds_in_turns` also takes `in_turns=True`, then builds only as its `building`
      iterator is stepped (the main window does it a step per GUI-thread turn when it is the first page at
      unlock) or `finish_building()` is called; its widgets and order end the same as built at once.
    """

    builds_in_turns = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        keys.install()  # Tab into a list selects its first row, on every screen

    def title(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def on_unlocked(self) -> None:
        """Default: nothing to load."""
