"""Nothing typed is lost to a lock (issue 11, item 8): a form's hook, the lock's save, the unlock banner.

A screen with a form gives itself a hook in a few lines:

    self.draft_hook = DraftHook(ctx, self, "intake", read=..., write=...)   # read() -> dict | None
    def resume_draft(self, draft_id): self.draft_hook.resume(draft_id)    # the banner's Resume
    ... after a successful save: self.draft_hook.saved()

`keep_all(vault, pages)` runs in MainWindow.lock() (idle, panic key, Lock, closing the window) BEFORE the
pages are cleared: every page whose form has something typed keeps it as a draft in the vault
(`vault.drafts`: only its owner gets it back, gone after a day). `capture`/`restore` read and write a
list of widgets by position; the screen leaves its sealed (attorney-only) fields out of that list, so they
are never in a draft. `DraftBanner` (registered in ui/banners.py) offers the newest draft after unlock:
"Resume your unsaved intake from 14:32" / "Discard". Not a pop-up.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from clinic.i18n import _, ngettext
from ui.kit.errors import format_exception_safely
from ui.kit.ops import VaultOp

log = logging.getLogger(__name__)

PAGE_FOR_KIND = {"intake": "intake", "incident": "incidents"}  # which page of ui.pages resumes a kind
FORMAT = 1


# ----- widgets <-> JSON ------------------------------------------------------------------------------

def _value(w: QWidget) -> Any:
    if isinstance(w, QLineEdit):
        return ["text", w.text()]
    if isinstance(w, QPlainTextEdit):
        return ["text", w.toPlainText()]
    if isinstance(w, QComboBox):
        data = w.currentData()
        return ["choice", w.currentIndex(), data if isinstance(data, (str, int, float, bool)) else None]
    if isinstance(w, QAbstractButton) and w.isCheckable():
        return ["check", w.isChecked()]
    return None  # a plain button: nothing typed


def capture(widgets: Iterable[QWidget]) -> list:
    """What each widget holds, by position (JSON-ready)."""
    return [_value(w) for w in widgets]


def restore(widgets: Iterable[QWidget], values: list) -> None:
    """Put back what `capture` read; a value that no longer fits its widget (the form changed) is skipped."""
    for w, value in zip(list(widgets), values or [], strict=False):
        if not isinstance(value, list) or not value:
            continue
        kind = value[0]
        if kind == "text" and isinstance(w, QLineEdit) and isinstance(value[1], str):
            w.setText(value[1])
        elif kind == "text" and isinstance(w, QPlainTextEdit) and isinstance(value[1], str):
            w.setPlainText(value[1])
        elif kind == "choice" and isinstance(w, QComboBox):
            found = w.findData(value[2]) if value[2] is not None else -1
            index = found if found >= 0 else value[1]
            if isinstance(index, int) and 0 <= index < w.count():
                w.setCurrentIndex(index)
        elif kind == "check" and isinstance(w, QAbstractButton) and w.isCheckable():
            if bool(value[1]) or not w.autoExclusive():  # an exclusive radio is unticked by its neighbour
                w.setChecked(bool(value[1]))


# ----- a page's hook ---------------------------------------------------------------------------------

class DraftHook:
    """One form's draft: `read()` gives the payload (None when nothing was typed), `write(payload)` fills
    the form back. Remembers the draft it resumed, so a second lock replaces it and a save deletes it."""

    def __init__(self, ctx, page: QWidget, kind: str, *, read: Callable[[], dict | None],
                 write: Callable[[dict], None]):
        self.ctx, self.page, self.kind = ctx, page, kind
        self._read, self._write = read, write
        self.draft_id: int | None = None

    @classmethod
    def for_widgets(cls, ctx, page: QWidget, kind: str, *, widgets: Callable[[], list[QWidget]],
                    reset: Callable[[], None], dirty: Callable[[], bool] | None = None,
                    extra: Callable[[], dict] = dict, prepare: Callable[[dict], None] = lambda _p: None):
        """The usual hook: the form's widgets (sealed ones left out) by position; `reset` empties the form
        before it is filled back; `dirty` tells whether anything was typed (default: anything differs from
        the form as it was at `mark_clean()`, first called now); `extra`/`prepare` keep and re-create what
        the widget list depends on (rows added to a form)."""
        def write(payload: dict) -> None:
            reset()
            prepare(payload)
            restore(widgets(), payload.get("fields") or [])

        def read() -> dict | None:
            fields = capture(widgets())
            typed = dirty() if dirty is not None else fields != hook._blank
            return {"fields": fields, **extra()} if typed else None

        hook = cls(ctx, page, kind, read=read, write=write)
        hook._widgets = widgets
        hook.mark_clean()
        return hook

    def mark_clean(self) -> None:
        """The form as it is now counts as nothing typed (after a reset, or a list filled in at unlock)."""
        widgets = getattr(self, "_widgets", None)
        self._blank = capture(widgets()) if widgets is not None else None

    def keep(self, vault) -> None:
        """On lock, with the vault still open: keep what is typed (or drop the resumed draft if cleared)."""
        payload = self._read()
        if payload is None:
            if self.draft_id is not None:
                vault.drafts.discard(self.draft_id)
        else:
            self.draft_id = vault.drafts.keep(self.kind, {"format": FORMAT, **payload}, self.draft_id)

    def resume(self, draft_id: int) -> bool:
        draft = VaultOp(self.ctx, self.page, lambda v: v.drafts.open(draft_id)).run()
        if draft is None or draft.kind != self.kind:
            return False
        self._write(draft.payload)
        self.draft_id = draft.id
        return True

    def saved(self) -> None:
        """The form was saved: its draft is of no more use."""
        draft_id, self.draft_id = self.draft_id, None
        if draft_id is not None:
            VaultOp(self.ctx, self.page, lambda v: v.drafts.discard(draft_id)).failure(lambda _exc: None).run()


def keep_all(vault, pages: Iterable[QWidget]) -> None:
    """Called by the lock before any page is cleared. Locking goes on whatever happens here."""
    if vault is None or not vault.is_open:
        return
    for page in pages:
        hook = getattr(page, "draft_hook", None)
        if hook is None:
            continue
        try:
            hook.keep(vault)
        except Exception as exc:  # a lock must always lock: the failure is logged (without its text)
            log.error("keeping a draft failed\n%s", format_exception_safely(exc))


# ----- the unlock banner -----------------------------------------------------------------------------

def _kind_text(kind: str) -> str:
    return _("Resume your unsaved intake from {time}") if kind == "intake" else \
        _("Resume your unsaved incident report from {time}")


def _when(at: dt.datetime) -> str:
    local = at.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


class DraftBanner(QWidget):
    """After unlock: the person's newest draft, with Resume and Discard. Hidden when they have none."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("draftBanner")
        self.ctx = ctx
        self.drafts: list = []
        self._taken: set[int] = set()
        self.text = QLabel(objectName="draftBannerText", wordWrap=True)
        self.resume_button = QPushButton(objectName="draftResumeButton")
        self.discard_button = QPushButton(objectName="draftDiscardButton")
        self.resume_button.clicked.connect(self.resume)
        self.discard_button.clicked.connect(self.discard)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#draftBanner { background: #e3f0fb; } QLabel { color: #0b3d66; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.resume_button)
        row.addWidget(self.discard_button)
        self.hide()
        ctx.signals.unlocked.connect(self.refresh)
        ctx.signals.locked.connect(self._clear)
        ctx.signals.language_changed.connect(self._language_changed)  # a method: gone with the banner

    @property
    def current(self):
        return next((d for d in self.drafts if d.id not in self._taken), None)

    def refresh(self) -> None:
        vault = self.ctx.vault
        if vault is None or not vault.is_open:
            self._clear()
            return
        found = VaultOp(self.ctx, self, lambda v: v.drafts.mine()).failure(lambda _exc: None).run()
        self.drafts = list(found or [])
        self.retranslate()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def _clear(self) -> None:
        self.drafts, self._taken = [], set()
        self.text.clear()
        self.hide()

    def retranslate(self) -> None:
        self.resume_button.setText(_("Resume"))  # no Alt-letter: the screens below use them all (Tab reaches it)
        self.discard_button.setText(_("Discard"))
        draft = self.current
        if draft is None:
            self.text.clear()
            self.hide()
            return
        text = _kind_text(draft.kind).format(time=_when(draft.updated_at))
        more = sum(1 for d in self.drafts if d.id not in self._taken) - 1
        if more:
            text += " " + ngettext("(and {n} more draft)", "(and {n} more drafts)", more).format(n=more)
        text += "\n" + _("Sealed fields are not kept in a draft. A draft is deleted after a day.")
        self.text.setText(text)
        self.show()

    def resume(self) -> None:
        draft = self.current
        if draft is None:
            return
        self._taken.add(draft.id)  # the form holds it now; it is deleted when the form is saved
        self.retranslate()
        self.ctx.signals.resume_draft.emit(draft.kind, draft.id)

    def discard(self) -> None:
        draft = self.current
        if draft is None:
            return
        VaultOp(self.ctx, self, lambda v: v.drafts.discard(draft.id)).run()
        self._taken.add(draft.id)
        self.retranslate()
