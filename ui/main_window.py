"""The main window: unlock screen or workspace (top bar, sidebar, pages by role), and locking.

Locking (idle, panic key Ctrl+L / F12, the Lock button, closing the window) clears and destroys every
page, closes every other window, drops the vault's keys and shows the unlock screen again.
"""

from __future__ import annotations

import importlib
import logging
import sys

import shiboken6
from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from clinic.i18n import _, current_language, set_language
from ui.banners import build_banners
from ui.context import AppContext, Page
from ui.kit import clipboard, drafts, theme
from ui.kit.errors import format_exception_safely, show_error
from ui.kit.idle import IdleWatcher
from ui.kit.ops import VaultOp
from ui.kit.panic import PanicKeys, close_other_windows
from ui.kit.warmup import warm_letters_later
from ui.pages import PAGES, TITLES, BuildInTurns, Pages
from ui.shell.renewals import RenewalBanner
from ui.shell.unlock import LanguageSwitch, UnlockWidget

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """`MainWindow(ctx, vault=None, prefs=None)`: with a vault (from the first-run wizard) it opens
    unlocked; otherwise on the unlock screen. `lock()` is safe to call at any time, any number of times."""

    def __init__(self, ctx: AppContext, vault=None, *, prefs=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.prefs = prefs
        self.pages = Pages()
        self._settings = None
        self._last_user: str | None = None
        self._deferring = self._import_first = False
        self._first_page_timer = QTimer(self, singleShot=True, interval=0)
        self._first_page_timer.timeout.connect(self._build_current_page)
        self._in_turns = BuildInTurns(self, lambda key: self.pages.get(key))  # the first page at unlock

        clipboard.guard()  # watches what the app copies from now on
        self.idle = IdleWatcher(self, timeout_minutes=5)
        self.idle.went_idle.connect(self.lock)
        self.unlock_screen = UnlockWidget(ctx, prefs=prefs)
        self.unlock_screen.unlocked.connect(self.enter)
        self.workspace = self._build_workspace()
        self.screens = QStackedWidget()
        self.screens.addWidget(self.unlock_screen)
        self.screens.addWidget(self.workspace)
        self.setCentralWidget(self.screens)
        self.panic = PanicKeys(self, self.lock, lambda: self.ctx.vault is not None)
        # Ctrl+Q quits (closing locks first), whatever screen has the focus.
        self.quit_shortcut = QShortcut(QKeySequence("Ctrl+Q"), self)
        self.quit_shortcut.activated.connect(self.close)
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda n=number: self.show_page_number(n - 1))

        ctx.signals.language_changed.connect(self._language_changed)
        ctx.signals.changed.connect(self._data_changed)
        ctx.signals.open_client.connect(self._open_client)
        ctx.signals.open_case.connect(self._open_case)
        ctx.signals.refer_client.connect(lambda client_id: self._ask("referrals", "refer_client", client_id))
        ctx.signals.open_plan.connect(lambda ref: self._ask("preparedness", "open_client_plan", ref))
        ctx.signals.lock_requested.connect(self.lock)  # a restore replaced the vault
        ctx.signals.resume_draft.connect(lambda kind, draft_id: self._ask(drafts.PAGE_FOR_KIND[kind], "resume_draft",
                                                                          draft_id))
        ctx.signals.intake_for_incident.connect(  # the Hotline's "start an intake for person N"
            lambda ref, person: self._ask("intake", "start_for_incident", ref, person))
        self.resize(1280, 700)  # fits a 1366x768 laptop with its title bar and panel (issue 14)
        if prefs is not None and (geometry := prefs.geometry()):
            self.restoreGeometry(QByteArray(geometry))
        if vault is not None:
            self.enter(vault)
        else:
            self.unlock_screen.refresh()
            self.screens.setCurrentWidget(self.unlock_screen)
            self.retranslate()
            self.unlock_screen.focus_first()

    def _build_workspace(self) -> QWidget:
        self.user_label = QLabel()
        self.user_label.setObjectName("userLabel")
        self.language_switch = LanguageSwitch()
        self.language_switch.chosen.connect(self.switch_language)
        self.lock_button = QPushButton()
        self.lock_button.setObjectName("lockButton")
        self.lock_button.clicked.connect(self.lock)
        self.about_button = QPushButton()
        self.about_button.setObjectName("aboutButton")
        self.about_button.setFlat(True)
        self.about_button.clicked.connect(self.show_about)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        bar.addWidget(self.user_label)
        bar.addStretch(1)
        bar.addWidget(self.language_switch)
        bar.addSpacing(12)
        bar.addWidget(self.about_button)
        bar.addWidget(self.lock_button)
        self.demo_banner = QLabel(objectName="demoBanner", wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        theme.set_flag(self.demo_banner, theme.DEMO, True)
        self.demo_banner.hide()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(200)
        self.sidebar.setStyleSheet("QListWidget#sidebar { border: none; padding-top: 6px; } "
                                   "QListWidget#sidebar::item { padding: 8px 10px; }")
        self.page_stack = QStackedWidget()
        self.sidebar.currentRowChanged.connect(self._sidebar_row_changed)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.sidebar)
        body.addWidget(self.page_stack, 1)
        self.top_line = line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        workspace = QWidget()
        layout = QVBoxLayout(workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.demo_banner)
        for banner in build_banners(self.ctx, workspace):
            layout.addWidget(banner)
        self.renewal_banner = RenewalBanner(self.ctx, lambda: self._ask("preparedness", "show_renewals"))
        layout.addWidget(self.renewal_banner)
        layout.addWidget(line)
        layout.addLayout(body, 1)
        return workspace

    # ----- unlocking -------------------------------------------------------------------------------

    def enter(self, vault) -> None:
        """Show the workspace for an open vault: the user's language, their pages, the idle lock."""
        if self.ctx.vault is not None and self.ctx.vault is not vault:
            self.lock()
        self.ctx.vault = vault
        self._last_user = vault.user.name
        self._settings = VaultOp(self.ctx, self, lambda v: v.settings.get()).run()
        if self._settings is not None and self._settings.demo and not self.ctx.home.is_demo():
            try:  # a demo vault made before the marker existed: the locked screen says DEMO from now on
                self.ctx.home.demo_marker.write_text("This vault is a demo: invented people only.\n",
                                                     encoding="utf-8")
            except OSError:
                pass
        set_language(vault.user.language)
        self.screens.setCurrentWidget(self.workspace)
        self.language_switch.set_current(vault.user.language)
        self.idle.set_timeout_minutes(self._settings.idle_lock_minutes if self._settings else 5)
        self.idle.start()
        self._build_pages()  # no page is built yet: the first on the next turn, the others when first shown
        # Retranslates this window (and, in the app, switches Qt's own translations for the buttons).
        self.ctx.signals.language_changed.emit(vault.user.language)
        self.ctx.signals.unlocked.emit()
        self.sidebar.setFocus(Qt.FocusReason.OtherFocusReason)
        warm_letters_later(self.ctx, self)  # the first letter of the session as quick as the next

    def _build_pages(self) -> None:
        """A sidebar row and an empty slot per page the role allows; a page is built when first shown."""
        keys = tuple(key for key, _module, _cls, allowed in PAGES if allowed(self.ctx))
        self.pages = Pages(self._build_page, keys)
        for key in keys:
            self.page_stack.addWidget(QWidget())
            self.sidebar.addItem(QListWidgetItem(TITLES[key](self.ctx) if key in TITLES else ""))
        for key in keys:
            if key not in TITLES:
                self.pages.get(key)
        if self.sidebar.count():
            self._deferring = True  # the workspace paints first; the first page is built on the next turn
            self.sidebar.setCurrentRow(0)
            self._deferring = False

    def _build_page(self, key: str) -> Page | None:
        """Build a page into its slot and let it load (through the operation pattern); None if it fails."""
        module, cls_name = next((module, cls) for k, module, cls, _allowed in PAGES if k == key)
        row = list(self.pages).index(key)
        try:
            page = self._in_turns.take(key) or getattr(importlib.import_module(module), cls_name)(self.ctx)
        except Exception as exc:  # one broken screen must not keep the person out of the others
            show_error(self, exc)
            return None
        slot = self.page_stack.widget(row)
        current = self.page_stack.currentIndex() == row
        self.page_stack.insertWidget(row, page)
        self.page_stack.removeWidget(slot)
        slot.deleteLater()
        if current:
            self.page_stack.setCurrentIndex(row)
        if item := self.sidebar.item(row):
            item.setText(page.title())
        try:
            page.on_unlocked()
        except Exception as exc:  # one page failing to load must not keep the user out
            show_error(self, exc)
        return page

    # ----- locking -----------------------------------------------------------------------------------

    def lock(self) -> None:
        """Clear and destroy every page, close other windows, drop the keys, show the unlock screen."""
        self.idle.stop()
        self._first_page_timer.stop()
        self._in_turns.cancel()
        self.unlock_screen.cancel_pending()
        drafts.keep_all(self.ctx.vault, self.pages.built().values())  # what is typed, before it is cleared
        pages, self.pages = list(self.pages.built().values()), Pages()
        vault, self.ctx.vault = self.ctx.vault, None
        try:
            for page in pages:
                try:
                    page.clear()
                except Exception as exc:  # keep locking whatever a page does
                    log.error("page.clear failed\n%s", format_exception_safely(exc))
            self.sidebar.clear()
            while self.page_stack.count():  # the pages and the slots of pages never shown
                widget = self.page_stack.widget(0)
                self.page_stack.removeWidget(widget)
                widget.hide()
                widget.deleteLater()
            close_other_windows(self)  # each may show client data (a dialog, a message, a file chooser)
        finally:
            if vault is not None:
                vault.lock()
        clipboard.guard().clear_ours()  # client text copied from the app goes with the keys
        self.demo_banner.hide()
        if shiboken6.isValid(self.unlock_screen):
            self.screens.setCurrentWidget(self.unlock_screen)
            self.unlock_screen.reset(self._last_user)
        self.retranslate()
        if vault is not None:
            self.ctx.signals.locked.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.lock()
        if self.prefs is not None:
            self.prefs.set_geometry(bytes(self.saveGeometry().data()))
        event.accept()

    # ----- language ------------------------------------------------------------------------------

    def switch_language(self, lang: str) -> None:
        """The top bar's ES | EN: remembered for this staff member, applied to every screen now."""
        set_language(lang)
        if self.ctx.vault is not None:
            VaultOp(self.ctx, self, lambda v: v.staff.set_language(lang)).run()
        self.ctx.signals.language_changed.emit(lang)

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.window_title())
        vault = self.ctx.vault
        if vault is not None:
            self.user_label.setText(_("{name} · {role}").format(name=vault.user.name,
                                                                 role=_(vault.user.role.label)))
        self.lock_button.setText(_("Lock"))  # no Alt-letter: Ctrl+L and F12 lock, on every screen
        self.about_button.setText(_("About"))
        self.about_button.setToolTip(_("The versions of Clinic Intake and of what it runs on"))
        self.lock_button.setToolTip(_("Lock now (Ctrl+L or F12). Nothing stays on the screen."))
        self.sidebar.setAccessibleName(_("Screens"))
        self.demo_banner.setText(_("DEMO: a training vault with invented people. Never enter a real "
                                   "client here."))
        demo = bool(vault is not None and self._settings and self._settings.demo)
        self.demo_banner.setVisible(demo)
        self.top_line.setVisible(not demo)  # the banner draws its own bottom border
        self.language_switch.set_current(current_language())
        built = self.pages.built()
        for row, key in enumerate(self.pages):
            page = built.get(key)
            if page is not None:
                try:
                    page.retranslate()
                except Exception as exc:
                    log.error("page.retranslate failed\n%s", format_exception_safely(exc))
            if item := self.sidebar.item(row):
                if page is not None:
                    item.setText(page.title())
                elif key in TITLES:
                    item.setText(TITLES[key](self.ctx))
                item.setToolTip(_("Ctrl+{number}").format(number=row + 1))
        if shiboken6.isValid(self.unlock_screen):
            self.unlock_screen.retranslate()

    def about_text(self) -> str:
        from PySide6.QtCore import qVersion

        from clinic import version_text

        return _("Offline, encrypted intake and case review for legal aid clinics.") + "\n\n" + \
            version_text(qt=qVersion())

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Clinic Intake"), self.about_text())

    def window_title(self) -> str:
        """'Clinic Intake — {clinic}', DEMO first for a demo vault; never a client's name."""
        if self.ctx.vault is None or self._settings is None:
            return _("Clinic Intake")
        title = _("Clinic Intake — {clinic}").format(clinic=self._settings.name)
        return _("DEMO — {title}").format(title=title) if self._settings.demo else title

    # ----- navigation and changes ----------------------------------------------------------------

    def show_page(self, key: str) -> None:
        if key in self.pages:
            self.sidebar.setCurrentRow(list(self.pages).index(key))

    def _open_client(self, client_id: int) -> None:
        self._open_on("clients", "open_client", client_id)

    def _open_case(self, case_id: int) -> None:
        self._open_on("cases", "open_case", case_id)

    def _open_on(self, key: str, method: str, item_id: int) -> None:
        fresh = key in self.pages and not self.pages.is_built(key)
        self.show_page(key)  # the page shows the item itself (it listens to open_client / open_case)
        if fresh and self.pages.is_built(key):
            getattr(self.pages[key], method)(item_id)  # built just now: it missed the signal

    def _ask(self, key: str, method: str, *args) -> None:
        """A button on one screen asks another: "Refer…" (the Referrals page opens the dialog and closes it
        on lock), "Preparedness plan…", the renewal banner's "Show renewals"."""
        if (page := self.pages.get(key)) is not None:
            self.show_page(key)
            getattr(page, method)(*args)

    def show_page_number(self, row: int) -> None:
        if self.ctx.vault is not None and 0 <= row < self.sidebar.count():
            self.sidebar.setCurrentRow(row)
            self.page_stack.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _sidebar_row_changed(self, row: int) -> None:
        if 0 <= row < self.page_stack.count():
            self.page_stack.setCurrentIndex(row)
            if self._deferring:  # at unlock: not in the same GUI-thread turn as opening the workspace
                self._import_first = True
                self._first_page_timer.start()
            else:
                self._build_current_page()

    def _build_current_page(self) -> None:
        """Build (and load) the shown page when first shown; at unlock importing it is a turn, then building it
        (a page that `builds_in_turns`: a step a turn, hidden until done)."""
        row = self.sidebar.currentRow()
        at_unlock, self._import_first = self._import_first, False
        if self.ctx.vault is None or not 0 <= row < len(self.pages):
            return
        key = list(self.pages)[row]
        module, cls_name = next((module, cls) for k, module, cls, _allowed in PAGES if k == key)
        if at_unlock and module not in sys.modules:
            try:
                importlib.import_module(module)
                self._import_first = True  # still at unlock on the next turn
            except Exception:  # noqa: S110 - the build, on the next turn, reports it
                pass
            self._first_page_timer.start()
            return
        cls = getattr(sys.modules.get(module), cls_name, None)
        if at_unlock and getattr(cls, "builds_in_turns", False) and not self.pages.is_built(key):
            self._in_turns.start(key, cls(self.ctx, in_turns=True))  # next turn: the first step
            return
        self.pages.get(key)

    def _data_changed(self, what: str) -> None:
        if what == "settings" and self.ctx.vault is not None:
            VaultOp(self.ctx, self, lambda v: v.settings.get()).failure(lambda _exc: None) \
                .success(self._settings_changed).run()

    def _settings_changed(self, settings) -> None:
        self._settings = settings
        self.idle.set_timeout_minutes(settings.idle_lock_minutes)
        self.retranslate()
