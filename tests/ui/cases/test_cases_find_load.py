"""The case list's find box reads on a worker with its own connection; an answer overtaken by newer typing is
dropped, and the GUI thread never waits for it."""

from __future__ import annotations

import threading

import pytest

from clinic import Vault
from ui.cases.page import CasesPage
from ui.context import AppContext
from ui.kit.tasks import TaskRunner

WAIT_MS = 10_000


@pytest.fixture
def runner(qapp):
    runner = TaskRunner(max_threads=2)
    yield runner
    runner.cancel_all()
    assert runner.wait_idle(WAIT_MS)
    runner.deleteLater()


@pytest.fixture
def threaded_page(qtbot, home, template, runner, english):
    vault = Vault.open(home, template.keys["attorney"])
    ctx = AppContext(home, runner=runner)
    ctx.vault = vault
    page = CasesPage(ctx)
    qtbot.addWidget(page)
    yield ctx, page
    runner.cancel_all()
    runner.wait_idle(WAIT_MS)
    vault.lock()


def test_typing_reads_off_the_gui_thread_and_only_the_newest_answer_lands(qtbot, threaded_page, runner,
                                                                         monkeypatch):
    ctx, page = threaded_page
    threads, release = [], threading.Event()
    real_list = type(ctx.vault.cases).list

    def slow_list(service, case_filter, *args, **kwargs):
        threads.append(threading.current_thread())
        release.wait(WAIT_MS / 1000)
        return real_list(service, case_filter, *args, **kwargs)

    monkeypatch.setattr(type(ctx.vault.cases), "list", slow_list)
    page.text.setText("nunez")
    page.refresh()
    page.text.setText("garcia")
    page.refresh()
    assert page.model.rowCount() == 0  # nothing yet: the GUI thread did not wait for either read
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0 and page.model.rowCount() > 0, timeout=WAIT_MS)
    assert threads and threading.main_thread() not in threads
    assert {row.client_name.split()[-1] for row in page.model.rows} == {"García"}  # "nunez" was dropped


def test_an_answer_arriving_after_the_lock_is_dropped(qtbot, threaded_page, runner, monkeypatch):
    ctx, page = threaded_page
    release = threading.Event()
    real_list = type(ctx.vault.cases).list
    monkeypatch.setattr(type(ctx.vault.cases), "list",
                        lambda service, *a, **k: release.wait(WAIT_MS / 1000) and real_list(service, *a, **k))
    page.refresh()
    vault, ctx.vault = ctx.vault, None
    page.clear()
    release.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=WAIT_MS)
    assert page.model.rowCount() == 0
    ctx.vault = vault
