"""The referrals list loads on a worker with its own connection; an answer overtaken or after a lock is dropped."""

from __future__ import annotations

import threading

import pytest

from tests.fixtures.referrals import make_referral
from ui.kit.tasks import TaskRunner
from ui.referrals.page import ReferralsPage

WAIT_MS = 10_000


@pytest.fixture
def runner(qapp):
    runner = TaskRunner(max_threads=2)
    yield runner
    runner.cancel_all()
    assert runner.wait_idle(WAIT_MS)
    runner.deleteLater()


def test_the_list_arrives_from_a_worker_and_only_the_newest_is_shown(qtbot, open_ctx, ref_template, runner,
                                                                     monkeypatch):
    """refresh() returns at once; the list is read off the GUI thread; of two refreshes only the second lands."""
    ctx = open_ctx("coordinator", runner=runner)
    (client, _ref), *_rest = ref_template.clients
    made = make_referral(ctx, client, ref_template.food_id, {"identity"})
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    threads, release = [], threading.Event()
    real_list = type(ctx.vault.referrals).list

    def slow_list(service, *args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(WAIT_MS / 1000)
        return real_list(service, *args, **kwargs)

    monkeypatch.setattr(type(ctx.vault.referrals), "list", slow_list)
    listed = []
    monkeypatch.setattr(page, "_listed", lambda rows: listed.append(rows) or ReferralsPage._listed(page, rows))
    page.refresh()
    page.refresh()
    assert page.model.rowCount() == 0  # nothing yet: the GUI thread did not wait
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_MS)
    assert threads and threading.main_thread() not in threads
    assert [[r.id for r in rows] for rows in listed] == [[made.id]]  # the first answer was dropped
    assert [r.id for r in page.model.rows] == [made.id]


def test_a_list_arriving_after_the_lock_is_dropped(qtbot, open_ctx, ref_template, runner, monkeypatch):
    """Locked while the list was read: nothing is shown and the page stays empty."""
    ctx = open_ctx("coordinator", runner=runner)
    (client, _ref), *_rest = ref_template.clients
    make_referral(ctx, client, ref_template.food_id, {"identity"})
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    release = threading.Event()
    real_list = type(ctx.vault.referrals).list
    monkeypatch.setattr(type(ctx.vault.referrals), "list",
                        lambda service, *a, **k: release.wait(WAIT_MS / 1000) and real_list(service, *a, **k))
    page.refresh()
    vault, ctx.vault = ctx.vault, None
    page.clear()
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_MS)
    assert page.model.rowCount() == 0 and page._all == []
    vault.lock()
