"""The operation pattern: VaultOp on the GUI thread, VaultJob on a worker with its own connection, one failure path."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QPushButton, QWidget

import ui.kit.ops
from clinic.errors import Cancelled, NotFound, PermissionDenied, UserError
from ui.context import AppContext
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.tasks import TaskRunner

WAIT_MS = 5000


@pytest.fixture
def shown(monkeypatch):
    """What reached the one error presenter, as (parent, exception) pairs."""
    seen: list[tuple[QWidget, BaseException]] = []
    monkeypatch.setattr(ui.kit.ops, "show_error", lambda parent, exc: seen.append((parent, exc)))
    return seen


@pytest.fixture
def owner(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def changed(make_ctx):
    """(ctx, kinds): a coordinator's context and every kind emitted on its `changed` signal."""
    ctx = make_ctx("coordinator")
    kinds: list[str] = []
    ctx.signals.changed.connect(kinds.append)
    return ctx, kinds


def test_op_runs_now_returns_what_success_returns_and_emits_its_changes(changed, owner, shown):
    """A VaultOp calls the vault at once on the GUI thread, hands the result to success and says what changed."""
    ctx, kinds = changed
    threads = []

    def op(v):
        threads.append(threading.current_thread())
        return v.clients.count()

    run = VaultOp(ctx, owner, op).success(lambda n: ("counted", n)).changes("clients", "cases")
    assert run.run() == ("counted", ctx.vault.clients.count())
    assert run.ok and threads == [threading.main_thread()]
    assert kinds == ["clients", "cases"] and shown == []


def test_op_user_error_goes_to_the_presenter_once_and_changes_nothing(changed, owner, shown):
    """A UserError is shown through show_error with the op's parent; no success, no change signal; clean-up runs."""
    ctx, kinds = changed
    calls = []

    def op(v):
        raise NotFound("That client is not in the vault.")

    run = VaultOp(ctx, owner, op).success(calls.append).changes("clients").after_error(
        lambda exc: calls.append(("after", type(exc))))
    assert run.run() is None and not run.ok
    assert [(p, str(e)) for p, e in shown] == [(owner, "That client is not in the vault.")]
    assert calls == [("after", NotFound)] and kinds == []


def test_failure_receives_the_user_error_instead_of_a_dialog(changed, owner, shown):
    """With failure(fn), the UserError goes to fn (to mark a field, say) and nothing is presented."""
    ctx, _kinds = changed
    got = []
    result = VaultOp(ctx, owner, lambda v: v.clients.get(999_999)).failure(lambda exc: got.append(exc) or "marked").run()
    assert result == "marked" and isinstance(got[0], UserError) and shown == []


def test_a_locked_vault_is_said_in_a_sentence(changed, owner, shown):
    """After a lock the op never reaches the vault; the person reads that it is locked."""
    ctx, _kinds = changed
    ctx.vault.lock()
    reached = []
    assert VaultOp(ctx, owner, lambda v: reached.append(v)).run() is None
    assert reached == [] and isinstance(shown[0][1], PermissionDenied)


def test_cancelled_shows_nothing(changed, owner, shown):
    """A Cancelled from the op ends it quietly: no dialog, no success, but finished still runs."""
    ctx, _kinds = changed
    ends = []

    def op(v):
        raise Cancelled()

    VaultOp(ctx, owner, op).success(ends.append).finished(lambda: ends.append("end")).run()
    assert ends == ["end"] and shown == []


def test_a_bug_on_the_gui_thread_is_not_swallowed(changed, owner, shown):
    """Anything but a ClinicError is a bug: it propagates (to the excepthook in the app), never hidden here."""
    ctx, _kinds = changed

    def op(v):
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        VaultOp(ctx, owner, op).run()
    assert shown == []


@pytest.fixture
def threaded(make_ctx, qapp):
    """A coordinator's context whose runner really uses worker threads."""
    ctx = make_ctx("coordinator")
    runner = TaskRunner(max_threads=2)
    threaded_ctx = AppContext(ctx.home, runner=runner, vault=ctx.vault)
    yield threaded_ctx
    runner.cancel_all()
    assert runner.wait_idle(WAIT_MS)
    runner.deleteLater()


def test_job_runs_on_a_worker_with_a_connection_of_its_own(threaded, owner, qtbot, shown):
    """A VaultJob's op runs off the GUI thread on a session with its own connection; success comes back on the GUI."""
    seen = {}

    def op(session):
        seen["thread"] = threading.current_thread()
        seen["same_conn"] = session.conn is threaded.vault.conn
        return session.clients.count()

    def done(n):
        seen["n"], seen["done_on"] = n, threading.current_thread()

    job = VaultJob(threaded, owner, op).success(done)
    handle = job.run()
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert seen["thread"] is not threading.main_thread() and seen["same_conn"] is False
    assert seen["done_on"] is threading.main_thread() and seen["n"] == threaded.vault.clients.count()
    assert job.ok and shown == []


def test_job_reports_progress_and_keeps_its_button_disabled_until_it_ends(threaded, owner, qtbot, shown):
    """Progress reaches the GUI thread; the busy button is disabled while the job runs and enabled after."""
    button = QPushButton(owner)
    started, release = threading.Event(), threading.Event()
    progress = []

    def op(session, *, task):
        started.set()
        release.wait(WAIT_MS / 1000)
        for done in range(1, 4):
            task.progress(done, 3)
        return "done"

    handle = VaultJob(threaded, owner, op).progress(lambda d, t: progress.append((d, t))).busy(button).run()
    assert started.wait(WAIT_MS / 1000)
    assert not button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert button.isEnabled() and progress[-1] == (3, 3) and shown == []


def test_a_cancelled_job_says_nothing_and_calls_no_success(threaded, owner, qtbot, shown):
    """cancel() on the handle: the op sees it, stops with Cancelled; no dialog, no success, finished is called."""
    started, release = threading.Event(), threading.Event()
    calls = []

    def op(session, *, task):
        started.set()
        release.wait(WAIT_MS / 1000)
        task.raise_if_cancelled()
        return "too late"

    handle = VaultJob(threaded, owner, op).success(calls.append).finished(lambda: calls.append("end")).run()
    assert started.wait(WAIT_MS / 1000)
    handle.cancel()
    release.set()
    qtbot.waitUntil(lambda: handle.finished, timeout=WAIT_MS)
    assert calls == ["end"] and shown == []


def test_a_failing_job_goes_to_the_presenter(make_ctx, owner, shown):
    """A job's UserError and its bugs both reach show_error, on the GUI thread, with the job's parent."""
    ctx = make_ctx("coordinator")

    def user_error(session):
        raise UserError("Nothing to print today.")

    def bug(session):
        raise KeyError("x")

    VaultJob(ctx, owner, user_error).run()
    VaultJob(ctx, owner, bug).run()
    assert [(p, type(e)) for p, e in shown] == [(owner, UserError), (owner, KeyError)]


def test_a_job_on_a_locked_vault_never_starts(make_ctx, owner, shown):
    """Once locked, a job is refused with the locked sentence and the runner is never asked."""
    ctx = make_ctx("coordinator")
    ctx.vault.lock()
    assert VaultJob(ctx, owner, lambda s: s.clients.count()).run() is None
    assert isinstance(shown[0][1], PermissionDenied) and ctx.runner.pending == 0
