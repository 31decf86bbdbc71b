"""The unlock screen: choose your name, type your passphrase; the key is derived in the background.

Vault.derive (Argon2id, slow) and Vault.open (the key file, roster and database checks) run in the
TaskRunner with the form disabled and the busy bar showing (`Vault.open_elsewhere`). The worker closes its
connection; the GUI thread then opens its own with the raw data key (`HandedOver.take`, about a
millisecond), because a connection belongs to the thread that opened it (check_same_thread). An attempt
abandoned meanwhile (lock, panic key, window closing) wipes the keys it handed over. No nested event loop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clinic import Vault
from clinic.errors import KeyringUnavailable, TooManyAttempts, UserError, WrongPassphrase
from clinic.i18n import LANGUAGES, _, current_language, set_language
from ui.kit import theme
from ui.kit.errors import show_error
from ui.kit.format import NATIVE_NAMES
from ui.kit.forms import labelled
from ui.kit.ops import LocalOp

# Each language's name in itself: a person who cannot read the current language still finds theirs.


class LanguageSwitch(QWidget):
    """ES | EN as two checkable buttons; `chosen(lang)` when the person picks one (not on set_current)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, long_names: bool = False):
        super().__init__(parent)
        self.setObjectName("languageSwitch")
        self.setStyleSheet(  # the chosen language must be obvious at a glance, not a faint grey
            f"QToolButton {{ padding: 3px 8px; }} QToolButton:checked {{ background: {theme.COLORS['focus']}; "
            f"color: {theme.COLORS['highlight_text']}; font-weight: bold; border-radius: 3px; }}"
            # The style's own focus rectangle is lost under a style sheet: draw one a keyboard user sees.
            f"QToolButton:focus {{ border: 2px solid {theme.COLORS['focus']}; border-radius: 3px; }}")
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for lang in ("es", "en"):
            button = QToolButton()
            button.setObjectName(f"language_{lang}")
            button.setCheckable(True)
            button.setText(NATIVE_NAMES[lang] if long_names else lang.upper())
            button.setToolTip(NATIVE_NAMES[lang])
            button.setAccessibleName(NATIVE_NAMES[lang])
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.clicked.connect(lambda _checked=False, lang=lang: self._clicked(lang))
            self._group.addButton(button)
            self.buttons[lang] = button
            layout.addWidget(button)
        self.set_current(current_language())

    def set_current(self, lang: str) -> None:
        if lang in self.buttons:
            self.buttons[lang].setChecked(True)

    def current(self) -> str:
        return next((lang for lang, b in self.buttons.items() if b.isChecked()), current_language())

    def _clicked(self, lang: str) -> None:
        if lang != current_language():
            self.chosen.emit(lang)


class UnlockWidget(QWidget):
    """Name + passphrase -> an open Vault, emitted by `unlocked(vault)` on the GUI thread."""

    unlocked = Signal(object)

    def __init__(self, ctx, *, prefs=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("unlockScreen")
        self.ctx = ctx
        self.prefs = prefs
        self._attempt = 0  # a result from an older attempt (cancelled, window closed) is dropped
        self._busy = False
        self._wait_left = 0
        self._message_prefix = ""
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

        self.language = LanguageSwitch(self)
        self.language.chosen.connect(self._choose_language)
        self.heading = QLabel()
        self.heading.setObjectName("unlockHeading")
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.names = QComboBox()
        self.names.setObjectName("staffName")
        self.names.setMinimumWidth(280)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.setAutoDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.busy = QProgressBar()
        self.busy.setObjectName("unlockBusy")
        self.busy.setRange(0, 0)  # busy mode: derivation has no measurable progress
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        self.message.setProperty(theme.FIELD_ERROR, True)
        self.help = QLabel()
        self.help.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_label = labelled(form, "", self.names)
        self.passphrase_label = labelled(form, "", self.passphrase)
        form.addRow("", self.message)
        row = QHBoxLayout()
        row.addWidget(self.busy, 1)
        row.addStretch(0)
        row.addWidget(self.unlock_button)
        form.addRow("", row)

        self.demo_banner = QLabel()
        self.demo_banner.setObjectName("unlockDemoBanner")
        self.demo_banner.setWordWrap(True)
        self.demo_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.set_flag(self.demo_banner, theme.DEMO, True)
        self.demo_banner.hide()

        card = QFrame()
        card.setObjectName("unlockCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMaximumWidth(560)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.addWidget(self.heading)
        inner.addWidget(self.intro)
        inner.addSpacing(8)
        inner.addLayout(form)
        inner.addSpacing(8)
        inner.addWidget(self.help)

        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.language)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(card, 3)
        middle.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.demo_banner)
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addLayout(middle)
        layout.addStretch(2)
        self.setTabOrder(self.names, self.passphrase)
        self.setTabOrder(self.passphrase, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.language.buttons["es"])
        self.setTabOrder(self.language.buttons["es"], self.language.buttons["en"])
        self.retranslate()

    # ----- state ------------------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        return self._busy

    def refresh(self, preselect: str | None = None) -> None:
        """Reload the staff names from the key file (no database needed) and preselect one."""
        previous = preselect or self.names.currentText()
        self.names.clear()
        try:  # a refusal is said on this screen; an unreadable key file is a sentence, never a traceback
            names = LocalOp(self, lambda: Vault.staff_names(self.ctx.home)) \
                .failure(lambda exc: self._show_message(exc.message)).run() or []
        except Exception as exc:
            show_error(self, exc)
            names = []
        self.names.addItems(names)
        self.demo_banner.setVisible(self.ctx.home.is_demo())
        if previous in names:
            self.names.setCurrentIndex(names.index(previous))
        self._update_enabled()

    def reset(self, last_user: str | None = None) -> None:
        """Back to an empty form (after a lock), with the last user preselected."""
        self.cancel_pending()
        self.passphrase.clear()
        if not self._wait_left:
            self._show_message("")
        self.refresh(last_user)
        self.focus_first()

    def focus_first(self) -> None:
        (self.passphrase if self.names.count() else self.names).setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel_pending(self) -> None:
        """Drop the outcome of a derivation still running (panic lock, window closing)."""
        self._attempt += 1
        self._set_busy(False)

    # ----- unlocking -----------------------------------------------------------------------------------

    def try_unlock(self) -> None:
        if self._busy or not self.unlock_button.isEnabled():
            return
        name, passphrase = self.names.currentText(), self.passphrase.text()
        if not name:
            return
        if not passphrase:
            self._show_message(_("Type your passphrase."))
            self.passphrase.setFocus()
            return
        wait = self.ctx.guard.wait_seconds()
        if wait:
            self._start_countdown(wait, "")
            return
        self._attempt += 1
        attempt = self._attempt
        self._show_message("")
        self._set_busy(True)
        self.ctx.runner.run(
            Vault.open_elsewhere, self.ctx.home, name, passphrase, self.ctx.guard, owner=self,
            on_done=lambda handed: self._opened(attempt, handed),
            on_error=lambda exc: self._failed(attempt, exc),
            on_orphaned=lambda handed: handed.wipe(),  # the window closed meanwhile: drop the keys, audit it
        )

    def _opened(self, attempt: int, handed) -> None:
        if attempt != self._attempt:
            handed.wipe()  # abandoned: never open a vault nobody is waiting for
            return
        self._set_busy(False)
        try:
            vault = handed.take()  # GUI thread: its own connection, opened with the raw key
        except Exception as exc:
            self._failed(attempt, exc)
            return
        self.passphrase.clear()
        self._show_message("")
        self.unlocked.emit(vault)

    def _failed(self, attempt: int, exc: BaseException) -> None:
        if attempt != self._attempt:
            return
        self._set_busy(False)
        self.passphrase.clear()
        if isinstance(exc, WrongPassphrase):
            wait = self.ctx.guard.wait_seconds()
            if wait:
                self._start_countdown(wait, exc.message)
            else:
                self._show_message(exc.message)
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, TooManyAttempts):
            self._start_countdown(exc.seconds, "")
        elif isinstance(exc, (KeyringUnavailable, UserError)):
            self._show_message(exc.message)
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            show_error(self, exc)

    def _start_countdown(self, seconds: int, prefix: str) -> None:
        self._wait_left = max(1, int(seconds))
        self._message_prefix = prefix
        self._countdown.start()
        self._render_countdown()
        self._update_enabled()

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left <= 0:
            self._wait_left = self.ctx.guard.wait_seconds()  # the guard's clock has the last word
        if self._wait_left <= 0:
            self._wait_left = 0
            self._countdown.stop()
            self._show_message(self._message_prefix)
            self._update_enabled()
            return
        self._render_countdown()

    def _render_countdown(self) -> None:
        wait = TooManyAttempts(self._wait_left).message
        self._show_message(f"{self._message_prefix}\n{wait}" if self._message_prefix else wait)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.passphrase.setAccessibleDescription(text)

    def _set_busy(self, on: bool) -> None:
        self._busy = on
        self.busy.setVisible(on)
        self._update_enabled()

    def _update_enabled(self) -> None:
        idle = not self._busy
        self.names.setEnabled(idle and self.names.count() > 0)
        self.passphrase.setEnabled(idle and self.names.count() > 0)
        self.language.setEnabled(idle)
        self.unlock_button.setEnabled(idle and self.names.count() > 0 and not self._wait_left)

    # ----- language ------------------------------------------------------------------------------------

    def _choose_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            return
        set_language(lang)
        if self.prefs is not None:
            self.prefs.set_language(lang)
        self.ctx.signals.language_changed.emit(lang)  # the window retranslates everything, this included

    def retranslate(self) -> None:
        self.language.set_current(current_language())
        self.heading.setText(_("Clinic Intake is locked"))
        self.demo_banner.setText(_("DEMO: a training vault with invented people. Never enter a real "
                                   "client here."))
        self.intro.setText(_("Choose your name and type your passphrase to unlock."))
        self.name_label.setText(_("&Your name:"))
        self.passphrase_label.setText(_("&Passphrase:"))
        self.names.setAccessibleName(_("Your name"))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.unlock_button.setText(_("&Unlock"))
        self.busy.setAccessibleName(_("Unlocking…"))
        self.busy.setFormat(_("Unlocking…"))
        self.help.setText(_("Not on the list, or forgot your passphrase? Ask the clinic's administrator."))
        if self._wait_left:
            self._render_countdown()
        elif not self.message.text():
            self._show_message("")
