"""TaskRunner: background work, results on the GUI thread, owners that vanish, cancel and progress."""

import threading

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

import ui.kit.tasks
from clinic.errors import Cancelled, UserError
from ui.kit.tasks import TaskRunner

WAIT_MS = 5000


@pytest.fixture
def runner(qapp):
    runner = TaskRunner(max_threads=2)
    yield runner
    runner.cancel_all()
    assert runner.wait_idle(WAIT_MS)
    runner.deleteLater()


@pytest.fixture
def owner(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def shown_errors(monkeypatch):
    shown = []
    monkeypatch.setattr(ui.kit.tasks, "show_error", lambda parent, exc: shown.append((parent, exc)))
    return shown


def test_result_arrives_on_gui_thread(qtbot, runner, owner):
    """fn runs on a worker thread; on_done receives its result on the GUI thread."""
    seen = {}

    def work(a, b):
        seen["worker"] = threading.current_thread()
        return a + b

    def done(result):
        seen["result"] = result
        seen["done"] = threading.current_thread()

    handle = runner.run(work, 2, 3, owner=owner, on_done=done)
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert seen["result"] == 5
    assert seen["worker"] is not threading.main_thread()
    assert seen["done"] is threading.main_thread()


def test_errors_reach_on_error_on_gui_thread(qtbot, runner, owner, shown_errors):
    """An exception raised by fn is passed to on_error, on the GUI thread, and not shown elsewhere."""
    seen = []

    def work():
        raise ValueError("boom")

    handle = runner.run(
        work,
        owner=owner,
        on_done=lambda r: seen.append("done"),
        on_error=lambda exc: seen.append((exc, threading.current_thread())),
    )
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert len(seen) == 1
    exc, thread = seen[0]
    assert isinstance(exc, ValueError) and thread is threading.main_thread()
    assert shown_errors == []


def test_owner_deleted_before_finish_drops_result(qtbot, runner):
    """A task whose owner is destroyed before it finishes neither crashes nor calls on_done."""
    owner = QWidget()
    release = threading.Event()
    done = []

    def work():
        release.wait(WAIT_MS / 1000)
        return "secret result"

    handle = runner.run(work, owner=owner, on_done=done.append)
    shiboken6.delete(owner)  # what closing a WA_DeleteOnClose window does
    assert not shiboken6.isValid(owner)
    release.set()
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    qtbot.wait(20)
    assert done == []
    assert runner.pending == 0


def test_a_result_arriving_after_its_owner_is_gone_goes_to_on_orphaned(qtbot, runner):
    """on_orphaned receives the result of a task whose owner was destroyed (to release it), on_done nothing."""
    owner = QWidget()
    release = threading.Event()
    done, orphaned = [], []

    def work():
        release.wait(WAIT_MS / 1000)
        return "keys to wipe"

    handle = runner.run(work, owner=owner, on_done=done.append, on_orphaned=orphaned.append)
    shiboken6.delete(owner)
    release.set()
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: orphaned == ["keys to wipe"], timeout=WAIT_MS)
    assert done == []


def test_owner_deleted_error_is_not_shown(qtbot, runner, shown_errors):
    """A failure of a task whose owner is gone is dropped, not presented against a dead widget."""
    owner = QWidget()
    release = threading.Event()
    errors = []

    def work():
        release.wait(WAIT_MS / 1000)
        raise RuntimeError("late")

    handle = runner.run(work, owner=owner, on_done=lambda result: None)
    handle_with_callback = runner.run(
        work, owner=owner, on_done=lambda result: None, on_error=errors.append
    )
    shiboken6.delete(owner)
    release.set()
    qtbot.waitUntil(lambda: handle.finished and handle_with_callback.finished, timeout=WAIT_MS)
    assert shown_errors == [] and errors == []


def test_cancel_stops_a_cooperative_task(qtbot, runner, owner):
    """handle.cancel() makes a task that checks task.cancelled stop early, reported as Cancelled."""
    started = threading.Event()
    steps = []
    outcome = []

    def work(total, *, task):
        for i in range(total):
            started.set()
            task.raise_if_cancelled()
            steps.append(i)
            threading.Event().wait(0.005)
        return "finished"

    handle = runner.run(work, 10_000, owner=owner, on_done=outcome.append, on_error=outcome.append)
    assert started.wait(WAIT_MS / 1000)
    handle.cancel()
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert handle.cancelled
    assert len(steps) < 10_000


def test_cancelled_without_on_error_shows_nothing(qtbot, runner, owner, shown_errors):
    """Cancelled with no on_error reaches neither on_done nor the error presenter."""
    done = []

    def work():
        raise Cancelled()

    handle = runner.run(work, owner=owner, on_done=done.append)
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert done == [] and shown_errors == []


def test_failure_without_on_error_goes_to_show_error(qtbot, runner, owner, shown_errors):
    """Without on_error, a UserError or an unexpected error is presented by show_error with the owner."""
    problem = UserError("That did not work.")

    def work():
        raise problem

    handle = runner.run(work, owner=owner, on_done=lambda result: None)
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert shown_errors == [(owner, problem)]


def test_cancel_before_start_never_runs(qtbot, owner):
    """A queued task cancelled before a worker picks it up never runs and reports Cancelled."""
    runner = TaskRunner(max_threads=1)
    release = threading.Event()
    ran, outcome = [], []
    first = runner.run(
        lambda: release.wait(WAIT_MS / 1000), owner=owner, on_done=lambda result: None
    )
    second = runner.run(
        lambda: ran.append(1), owner=owner, on_done=outcome.append, on_error=outcome.append
    )
    second.cancel()
    release.set()
    qtbot.waitUntil(lambda: first.finished and second.finished, timeout=WAIT_MS)
    assert ran == []
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert runner.wait_idle(WAIT_MS)
    runner.deleteLater()


def test_progress_reaches_gui_thread_with_the_last_step(qtbot, runner, owner):
    """task.progress() reports reach on_progress on the GUI thread, the final one always included."""
    reports = []

    def work(*, task):
        for i in range(1, 501):
            task.progress(i, 500)
        return "ok"

    handle = runner.run(
        work,
        owner=owner,
        on_done=lambda result: None,
        on_progress=lambda d, t: reports.append((d, t, threading.current_thread())),
    )
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert reports and reports[-1][:2] == (500, 500)
    assert all(thread is threading.main_thread() for *_, thread in reports)
    assert len(reports) < 500  # throttled: not one queued event per step


def test_task_is_passed_only_to_callables_that_name_it(immediate_runner, owner):
    """A fn without a `task` parameter (even one with **kwargs) is called with its own arguments only."""
    got = []

    def plain(*args, **kwargs):
        return (args, kwargs)

    def wants(x, task=None):
        return task

    immediate_runner.run(plain, 1, 2, owner=owner, on_done=got.append)
    immediate_runner.run(wants, 1, owner=owner, on_done=got.append)
    assert got[0] == ((1, 2), {})
    assert isinstance(got[1], ui.kit.tasks.TaskContext)


def test_immediate_runner_delivers_before_returning(immediate_runner, owner):
    """ImmediateTaskRunner runs fn and its callbacks synchronously on the calling thread."""
    seen = []

    def work(*, task):
        task.progress(1, 1)
        return threading.current_thread()

    handle = immediate_runner.run(
        work, owner=owner, on_done=seen.append, on_progress=lambda d, t: seen.append((d, t))
    )
    assert handle.finished
    assert seen == [(1, 1), threading.main_thread()]


def test_wait_idle_waits_for_running_work(qapp, owner):
    """wait_idle() returns True only once the running work is over."""
    runner = TaskRunner()
    finished = threading.Event()

    def work():
        threading.Event().wait(0.2)
        finished.set()

    runner.run(work, owner=owner, on_done=lambda result: None)
    assert runner.wait_idle(WAIT_MS)
    assert finished.is_set()
    runner.deleteLater()
