"""One way for a screen to do vault work: short calls on the GUI thread, long jobs on a worker, one failure path.

After Anki's `qt/aqt/operations` (CollectionOp / QueryOp):

    VaultOp(self.ctx, self, lambda v: v.referrals.set_outcome(ref_id, outcome)).changes("referrals").run()

    VaultJob(self.ctx, self, lambda v, task: v.verify(progress=task.progress)) \\
        .success(self.show_report).progress(self.bar.set_progress).busy(self.verify_button).run()

- `VaultOp` runs `op(vault)` at once on the GUI thread: for calls of a few milliseconds (one record, one
  list). `run()` returns what `success` returned (or the op's result without one), None when it failed;
  `ok` tells which.
- `VaultJob` runs `op(session)` (or `op(session, task=TaskContext)`, for progress and cancel) on the
  TaskRunner's pool, with a connection of its own (`Vault.in_worker`): for anything that can take longer
  (searches as you type, letters, reports, backups). `run()` returns the TaskHandle (`.cancel()`). The op
  runs on the worker: it must never touch a widget.
- `success(fn)`: fn(result), on the GUI thread. `changes(*what)`: after a success, each is emitted on
  `ctx.signals.changed`, so views decide for themselves what to refresh.
- Failures take one path. A `UserError` goes to `failure(fn)` when one is given, else to
  `ui.kit.errors.show_error`; `after_error(fn)` then cleans up (clear a view). `Cancelled` shows nothing.
  Anything else is a bug: from a worker it goes to show_error (logged with a reference, never its text);
  on the GUI thread it is not caught here and reaches the excepthook, which presents it the same way.
- `when(still_wanted)`: an outcome arriving when still_wanted() is false is dropped, silently (a search
  overtaken by newer typing, a lock meanwhile).
- `busy(*widgets)`: disabled while a job runs, enabled again however it ends. `finished(fn)`: called
  last, however it ended.
- `LocalOp(parent, fn)`: fn() now, for work that needs no vault (a file, a printer), same failure path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtWidgets import QWidget

from clinic.errors import Cancelled, ClinicError, UserError
from ui.kit.errors import show_error
from ui.kit.tasks import TaskHandle, accepts_task

T = TypeVar("T")


class _Op(Generic[T]):
    def __init__(self, ctx: Any, parent: QWidget, op: Callable[..., T]):
        self._ctx, self._parent, self._op = ctx, parent, op
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[UserError], Any] | None = None
        self._after_error: Callable[[BaseException], Any] | None = None
        self._finished: Callable[[], Any] | None = None
        self._changes: tuple[str, ...] = ()
        self._when: Callable[[], bool] | None = None
        self.ok = False

    def success(self, fn: Callable[[T], Any] | None):
        self._success = fn
        return self

    def failure(self, fn: Callable[[UserError], Any] | None):
        """fn(exc) receives a UserError instead of it being shown (mark a field, say it in a label)."""
        self._failure = fn
        return self

    def after_error(self, fn: Callable[[BaseException], Any] | None):
        """fn(exc) after a failure was presented (or given to `failure`): clean-up, not a second message."""
        self._after_error = fn
        return self

    def finished(self, fn: Callable[[], Any] | None):
        self._finished = fn
        return self

    def when(self, still_wanted: Callable[[], bool] | None):
        """Deliver the outcome (success or failure) only if still_wanted() holds when it arrives."""
        self._when = still_wanted
        return self

    def changes(self, *what: str):
        """What a success changed ("clients", "referrals", ...): emitted on ctx.signals.changed."""
        self._changes = what
        return self

    def _wanted(self) -> bool:
        return self._when is None or bool(self._when())

    def _succeeded(self, result: T) -> Any:
        self.ok = True
        try:
            if not self._wanted():
                return None
            value = self._success(result) if self._success is not None else result
            for what in self._changes:
                self._ctx.signals.changed.emit(what)
            return value
        finally:
            self._end()

    def _failed(self, exc: BaseException) -> Any:
        """The one failure path: a person's sentence, silence for a cancel, a logged reference for a bug."""
        self.ok = False
        try:
            if not self._wanted():
                return None
            value = None
            if isinstance(exc, UserError) and self._failure is not None:
                value = self._failure(exc)
            elif not isinstance(exc, Cancelled):
                show_error(self._parent, exc)
            if self._after_error is not None:
                self._after_error(exc)
            return value
        finally:
            self._end()

    def _end(self) -> None:
        if self._finished is not None:
            self._finished()


class LocalOp(_Op[T]):
    """`LocalOp(parent, fn)`: fn() now, on the GUI thread, for work that needs no vault."""

    def __init__(self, parent: QWidget, fn: Callable[[], T]):
        super().__init__(None, parent, fn)

    def run(self) -> Any:
        try:
            result = self._op()
        except ClinicError as exc:
            return self._failed(exc)
        return self._succeeded(result)


class VaultOp(_Op[T]):
    """`VaultOp(ctx, parent, op)`: op(vault) now, on the GUI thread. Keep it short (one record, one list)."""

    def run(self) -> Any:
        try:
            result = self._op(self._ctx.v)
        except ClinicError as exc:  # a UserError or a cancel; a bug goes on to the excepthook
            return self._failed(exc)
        return self._succeeded(result)


class VaultJob(_Op[T]):
    """`VaultJob(ctx, parent, op)`: op(session[, task=...]) on a worker with a connection of its own.

    The outcome reaches the callbacks on the GUI thread, only while `parent` exists.
    """

    def __init__(self, ctx: Any, parent: QWidget, op: Callable[..., T]):
        super().__init__(ctx, parent, op)
        self._progress: Callable[[int, int], None] | None = None
        self._busy: tuple[QWidget, ...] = ()
        self.handle: TaskHandle | None = None

    def progress(self, fn: Callable[[int, int], None] | None):
        """fn(done, total) on the GUI thread, at most about 20 times a second; the op calls task.progress."""
        self._progress = fn
        return self

    def busy(self, *widgets: QWidget):
        self._busy = widgets
        return self

    def run(self) -> TaskHandle | None:
        try:
            vault = self._ctx.v
        except UserError as exc:  # locked meanwhile
            self._failed(exc)
            return None
        op = self._op
        if accepts_task(op):
            def work(*, task):
                return vault.in_worker(lambda session: op(session, task=task))
        else:
            def work():
                return vault.in_worker(op)
        self._set_busy(True)
        self.handle = self._ctx.runner.run(work, owner=self._parent, on_done=self._succeeded,
                                           on_error=self._failed, on_progress=self._progress)
        return self.handle

    def _end(self) -> None:
        self._set_busy(False)
        super()._end()

    def _set_busy(self, busy: bool) -> None:
        for widget in self._busy:
            if shiboken6.isValid(widget):
                widget.setEnabled(not busy)
