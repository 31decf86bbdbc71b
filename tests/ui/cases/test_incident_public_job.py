"""The public report is published and written on a worker (VaultJob), with progress and Cancel."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic.errors import Cancelled
from clinic.incidents import model as im
from tests.fixtures.cases import close_error_dialogs
from ui.incidents import public
from ui.kit.tasks import TaskContext, TaskRunner


class HeldRunner(TaskRunner):
    """Keeps each job until the test releases it, as a real worker would still be running it."""

    def __init__(self):
        super().__init__()
        self.held = []

    def _start(self, job) -> None:
        self.held.append(job)


@pytest.fixture
def dialog(qtbot, make_ctx, english):
    ctx = make_ctx("coordinator")
    for i in range(12):
        ref = ctx.v.incidents.record(im.IncidentDraft(date=dt.date(2026, 11, 3 + i))).ref
        ctx.v.incidents.verify(ref, status=im.Status.VERIFIED, reason="ok")
    ctx.runner = HeldRunner()
    d = public.PublicReportDialog(ctx, today=dt.date(2026, 12, 5))
    qtbot.addWidget(d)
    d.show()
    yield d
    close_error_dialogs()


def _published(ctx) -> int:
    return ctx.v.conn.execute("SELECT count(*) FROM public_reports").fetchone()[0]


def test_the_pdf_is_made_off_the_gui_thread_with_progress(dialog, tmp_path, monkeypatch):
    """save() returns at once with the buttons disabled and a progress bar; the job then writes the PDF."""
    dialog.make_preview()
    target = tmp_path / "r.pdf"
    monkeypatch.setattr(public.filedialogs, "ask_save", lambda *a: str(target))
    assert dialog.save("pdf")
    assert not target.exists() and _published(dialog.ctx) == 0  # nothing done on the GUI thread
    assert not dialog.pdf_button.isEnabled() and not dialog.preview_button.isEnabled()
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    [job] = dialog.ctx.runner.held
    job.run()
    assert target.read_bytes().startswith(b"%PDF") and _published(dialog.ctx) == 1
    assert not dialog.progress.isVisible() and dialog.pdf_button.isEnabled()
    assert "Published and saved" in dialog.status.text()


def test_cancel_before_publishing_publishes_and_writes_nothing(dialog, tmp_path, monkeypatch):
    """Cancel while the job waits: no report is recorded, no file appears, the dialog is usable again."""
    dialog.make_preview()
    target = tmp_path / "r.csv"
    monkeypatch.setattr(public.filedialogs, "ask_save", lambda *a: str(target))
    dialog.save("csv")
    dialog.cancel()
    dialog.ctx.runner.held[0].run()
    assert not target.exists() and _published(dialog.ctx) == 0
    assert dialog.csv_button.isEnabled() and not dialog.cancel_button.isVisible()


def test_a_cancel_during_rendering_stops_before_the_report_is_recorded(dialog, tmp_path):
    """publish_and_write checks for a cancel after rendering and before publishing."""
    calls = []
    task = TaskContext(lambda done, total: calls.append((done, total)))
    task._cancel.set()
    with pytest.raises(Cancelled):
        dialog.ctx.vault.in_worker(lambda v: public.publish_and_write(
            v, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "pdf", tmp_path / "x.pdf", task))
    # progress is throttled (PROGRESS_INTERVAL_S), so (2, 4) may or may not be reported: what matters is
    # that nothing after the cancel point ran
    assert not {(3, 4), (4, 4)} & set(calls)
    assert not (tmp_path / "x.pdf").exists() and _published(dialog.ctx) == 0
