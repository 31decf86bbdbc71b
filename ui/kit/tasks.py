"""The one background runner: slow work on a thread pool, results back on the GUI thread, owner-aware."""

from __future__ import annotations

import inspect
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from clinic.errors import Cancelled, UserError
from ui.kit.errors import format_exception_safely, show_error

log = logging.getLogger(__name__)

_DONE, _ERROR, _PROGRESS = "done", "error", "progress"
PROGRESS_INTERVAL_S = 0.05  # progress reaches the GUI at most 20 times a second, plus the last one


class TaskContext:
    """Given to a task that accepts a keyword `task`: lets it see a cancel request and report progress.

    Safe to use from the worker thread; it never touches widgets.
    """

    def __init__(self, report: Callable[[int, int], None]):
        self._cancel = threading.Event()
        self._report = report
        self._last = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise Cancelled when a cancel was requested: a convenient check between steps."""
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= PROGRESS_INTERVAL_S:
            self._last = now
            self._report(done, total)


class TaskHandle:
    """What run() returns: ask the task to stop, and see whether it has finished."""

    def __init__(self, context: TaskContext):
        self._context = context
        self._finished = False

    def cancel(self) -> None:
        """Ask the task to stop. A task that has not started never runs; a running one stops only if it
        checks `task.cancelled`. Whatever the task then does (return or raise) is what is reported."""
        self._context._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._context.cancelled

    @property
    def finished(self) -> bool:
        """Whether the outcome has reached the GUI thread (delivered, or dropped with its owner)."""
        return self._finished


@dataclass
class _Task:
    owner: QWidget
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[int, int], None] | None
    handle: TaskHandle
    on_orphaned: Callable[[Any], None] | None = None


class _Job(QRunnable):
    def __init__(
        self, fn: Callable[[], Any], context: TaskContext, emit: Callable[[str, Any], None]
    ):
        super().__init__()
        self._fn, self._context, self._emit = fn, context, emit

    def run(self) -> None:
        try:
            self._context.raise_if_cancelled()
            result = self._fn()
        except Exception as exc:  # every failure goes to the GUI thread, never lost on the worker
            self._emit(_ERROR, exc)
        else:
            self._emit(_DONE, result)


def accepts_task(fn: Callable[..., Any]) -> bool:
    """Whether `fn` takes a keyword argument named `task` (a **kwargs catch-all does not count)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    param = params.get("task")
    return param is not None and param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY)


class TaskRunner(QObject):
    """Runs callables on a thread pool; delivers their outcome to callbacks on the GUI thread.

    The callable must never touch widgets. Outcomes reach the callbacks through one long-lived signal,
    and only while `owner` still exists; otherwise they are dropped silently.
    """

    _delivered = Signal(int, str, object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        if max_threads:
            self._pool.setMaxThreadCount(max_threads)
        self._tasks: dict[int, _Task] = {}
        self._ids = itertools.count(1)
        self._delivered.connect(self._deliver)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        owner: QWidget,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_orphaned: Callable[[Any], None] | None = None,
    ) -> TaskHandle:
        """Run `fn(*args)` (plus `task=TaskContext` if it accepts one) in the background. GUI thread only.

        on_done(result) / on_error(exc) / on_progress(done, total) are called on the GUI thread while
        `owner` exists. Without on_error, a failure goes to ui.kit.errors.show_error and Cancelled to nobody.
        A result arriving after `owner` is gone goes to on_orphaned(result), to release what it holds (an
        unlock's keys); it must not touch the owner.
        """
        task_id = next(self._ids)

        def emit(kind: str, payload: Any) -> None:
            try:
                self._delivered.emit(task_id, kind, payload)
            except RuntimeError:  # the runner was deleted (the app is quitting): nobody to tell
                pass

        context = TaskContext(lambda done, total: emit(_PROGRESS, (done, total)))
        handle = TaskHandle(context)
        self._tasks[task_id] = _Task(owner, on_done, on_error, on_progress, handle, on_orphaned)
        call = (lambda: fn(*args, task=context)) if accepts_task(fn) else (lambda: fn(*args))
        self._start(_Job(call, context, emit))
        return handle

    def _start(self, job: _Job) -> None:
        self._pool.start(job)

    def cancel_all(self) -> None:
        """Ask every unfinished task to stop (on quit, before wait_idle)."""
        for task in list(self._tasks.values()):
            task.handle.cancel()

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Block until no task is running (tests, shutdown); True if the pool went idle in time.

        Outcomes of finished tasks are delivered later by the event loop, or dropped on quit.
        """
        return self._pool.waitForDone(timeout_ms)

    @property
    def pending(self) -> int:
        """How many tasks have not delivered their outcome yet."""
        return len(self._tasks)

    def _deliver(self, task_id: int, kind: str, payload: Any) -> None:
        task = self._tasks.get(task_id)
        if task is None:
            return
        if kind != _PROGRESS:
            del self._tasks[task_id]
            task.handle._finished = True
        if not shiboken6.isValid(task.owner):
            if kind == _DONE and task.on_orphaned is not None:
                task.on_orphaned(payload)
            if kind == _ERROR and not isinstance(payload, (Cancelled, UserError)):
                log.error(
                    "task failed after its window closed\n%s", format_exception_safely(payload)
                )
            return
        if kind == _PROGRESS:
            if task.on_progress is not None:
                task.on_progress(*payload)
        elif kind == _DONE:
            task.on_done(payload)
        elif task.on_error is not None:
            task.on_error(payload)
        elif not isinstance(payload, Cancelled):
            show_error(task.owner, payload)


class ImmediateTaskRunner(TaskRunner):
    """The same interface, run synchronously on the calling thread: for tests."""

    def _start(self, job: _Job) -> None:
        job.run()
