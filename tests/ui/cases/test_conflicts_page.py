"""Conflict checks on screen: the volunteer's warning at intake, the attorney's review and decision."""

from __future__ import annotations

import pytest

from clinic import models as m
from clinic.conflicts.parties import VOLUNTEER_NOTICE
from clinic.errors import PermissionDenied
from clinic.i18n import set_language
from tests.fixtures.cases import close_error_dialogs, error_dialogs, widget_texts
from ui.conflicts.page import ConflictsPage
from ui.intake.page import IntakePage


def namesake(ctx) -> m.IntakeReceipt:
    """A new intake for "Maria Garcia": the template already has a client María García."""
    return ctx.v.intakes.record(m.IntakeDraft(given_names="Maria", family_name_1="Garcia", consent_to_store=True,
                                              needs=(m.Need.HOUSING,), site="Centro", channel=m.Channel.PHONE))


@pytest.fixture
def conflicts(qtbot, make_ctx, english):
    def open_page(role: str = "attorney") -> ConflictsPage:
        widget = ConflictsPage(make_ctx(role))
        qtbot.addWidget(widget)
        widget.resize(1166, 728)
        widget.show()
        widget.on_unlocked()
        return widget

    yield open_page
    close_error_dialogs()


def save_namesake_intake(qtbot, ctx, type_text) -> IntakePage:
    """The intake form, shown, with "Maria Garcia" typed (a namesake of the template's client) and saved."""
    page = IntakePage(ctx)
    qtbot.addWidget(page)
    page.show()
    type_text(page.form.given_names, "Maria")
    type_text(page.form.family_name_1, "Garcia")
    page.form.consent.setChecked(True)
    page.save()
    return page


def choose_case(p: ConflictsPage, case_id: int) -> None:
    p.case_table.selectRow([r.id for r in p.cases.rows].index(case_id))


def test_a_volunteer_is_warned_at_intake_without_names(qtbot, make_ctx, english, type_text, template):
    """Saving an intake whose name matches a client shows the notice, and nothing of the other client."""
    page = save_namesake_intake(qtbot, make_ctx("volunteer"), type_text)
    text = page.banner_label.text()
    assert text.startswith("Saved. Client reference: ") and VOLUNTEER_NOTICE in text
    page.ctx.vault.lock()
    everything = "\n".join(widget_texts(page))
    assert "María" not in everything and "Intake note about García" not in everything


def test_no_notice_when_nobody_matches(qtbot, make_ctx, english, type_text):
    """A name nobody in the vault shares saves with the plain banner."""
    page = IntakePage(make_ctx("volunteer"))
    qtbot.addWidget(page)
    type_text(page.form.given_names, "Zebulon")
    type_text(page.form.family_name_1, "Quarrington")
    page.form.consent.setChecked(True)
    page.save()
    assert VOLUNTEER_NOTICE not in page.banner_label.text() and page.banner_label.text().startswith("Saved.")


def test_the_attorney_sees_why_and_clears_so_the_case_can_be_accepted(conflicts, template, type_text):
    """The match shows with its reason; a waiver needs a note (marked); once recorded the core accepts the case."""
    p = conflicts("attorney")
    receipt = namesake(p.ctx)
    p.on_unlocked()
    choose_case(p, receipt.case_id)
    assert "possible conflicts found" in p.summary.text() and "cannot be accepted" in p.summary.text()
    (match,) = p.matches.rows
    assert match.name == "María García" and match.client_ref
    assert "same name" in p.matches.index(0, 5).data()
    with pytest.raises(PermissionDenied):
        p.ctx.v.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "meets the criteria")
    p.result.setCurrentIndex(p.result.findData("waived"))
    p.record_decision()
    assert p.errors.is_marked(p.note)
    type_text(p.note, "Both clients consented in writing")
    p.record_decision()
    assert "Decision: Conflict waived, by you" in p.summary.text()
    assert "Both clients consented in writing" in p.summary.text()
    p.ctx.v.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "meets the criteria")


def test_a_coordinator_sees_matches_but_cannot_decide(conflicts, template):
    """Coordinators review and re-run the check; the decision is an attorney's."""
    p = conflicts("coordinator")
    receipt = namesake(p.ctx)
    p.on_unlocked()
    choose_case(p, receipt.case_id)
    assert p.matches.rowCount() == 1
    assert not p.decision_box.isVisibleTo(p)
    p.run_check()
    assert p.matches.rowCount() == 1 and p.check.result is None


def test_a_case_with_no_match_says_so(conflicts, template):
    """The template's cases were checked when recorded and match nobody: the summary says so."""
    p = conflicts("attorney")
    choose_case(p, template.cases["García"])
    assert "no match found" in p.summary.text()
    assert p.matches.rowCount() == 0


def test_clear_and_spanish(conflicts, template):
    """clear() drops the cases and matches; the screen follows the language."""
    p = conflicts("attorney")
    receipt = namesake(p.ctx)
    p.on_unlocked()
    choose_case(p, receipt.case_id)
    p.clear()
    assert "María García" not in "\n".join(widget_texts(p))
    set_language("es")
    p.retranslate()
    assert p.title() == "Conflictos"
    assert not error_dialogs()


def test_a_party_named_at_intake_is_checked_and_reaches_the_attorney(qtbot, make_ctx, english, type_text,
                                                                     conflicts):
    """A landlord typed on the intake form who matches a client warns the volunteer; the attorney sees why."""
    page = IntakePage(make_ctx("volunteer"))
    qtbot.addWidget(page)
    type_text(page.form.given_names, "Zebulon")
    type_text(page.form.family_name_1, "Quarrington")
    name, relationship = page.form.parties_box.rows[0]
    type_text(name, "Pedro Ramirez")
    relationship.setCurrentIndex(relationship.findData("landlord"))
    page.form.consent.setChecked(True)
    page.save()
    assert VOLUNTEER_NOTICE in page.banner_label.text()
    assert name.text() == ""  # a fresh form for the next person
    p = conflicts("attorney")
    case = next(r for r in p.cases.rows if r.client_name == "Zebulon Quarrington")
    choose_case(p, case.id)
    (match,) = p.matches.rows
    assert (match.checked_name, match.name) == ("Pedro Ramirez", "Pedro Ramírez")
    assert "Pedro Ramirez (Adverse party)" in p.parties.text()


def test_a_party_added_to_a_case_is_checked_at_once(conflicts, template, type_text):
    """Naming another party on the case checks it again: a match appears, the earlier decision no longer counts."""
    p = conflicts("attorney")
    choose_case(p, template.cases["García"])
    p.record_decision()  # no conflict, recorded
    assert "Decision: No conflict" in p.summary.text()
    p.add_party()
    assert p.errors.is_marked(p.party_name)  # a party needs a name
    type_text(p.party_name, "Ngozi Okafor")
    p.party_kind.setCurrentIndex(p.party_kind.findData("adverse"))
    p.add_party()
    assert [x.name for x in p.matches.rows] == ["Ngozi Okafor"]
    assert "Not cleared yet" in p.summary.text() and p.party_name.text() == ""
    assert "Ngozi Okafor (Adverse party)" in p.parties.text()


def test_more_candidates_than_examined_are_announced(conflicts, template, monkeypatch):
    """When more records share the name than the check examines, the attorney is told to narrow it by date
    of birth (never a silently short list)."""
    from clinic.conflicts import service

    p = conflicts("attorney")
    namesake(p.ctx)
    monkeypatch.setattr(service, "CANDIDATE_LIMIT", 1)
    monkeypatch.setattr(service, "MIN_PER_NAME", 1)
    receipt = namesake(p.ctx)  # two records now share "Maria Garcia": the template's and the first namesake
    p.on_unlocked()
    choose_case(p, receipt.case_id)
    assert "More possible matches than shown: narrow the check by date of birth." in p.summary.text()
    assert p.matches.rowCount() == 1


@pytest.fixture
def threaded_conflicts(qtbot, template, home, english, monkeypatch):
    """The attorney's conflicts page with a real worker pool, and each check_case held until released."""
    import threading

    from clinic.conflicts.service import Conflicts
    from tests.fixtures.cases import unlocked_contexts
    from ui.kit.tasks import TaskRunner

    gates: list[threading.Event] = []
    threads: list[threading.Thread] = []
    real = Conflicts.check_case

    def held(self, case_id):
        gate = threading.Event()
        gates.append(gate)
        threads.append(threading.current_thread())
        assert gate.wait(30), "the test never released this check"
        return real(self, case_id)

    monkeypatch.setattr(Conflicts, "check_case", held)
    runner = TaskRunner(max_threads=2)
    with unlocked_contexts(template, home, runner) as make:
        page = ConflictsPage(make("attorney"))
        qtbot.addWidget(page)
        page.show()
        page.on_unlocked()
        yield page, gates, threads
        for gate in gates:
            gate.set()
        assert runner.wait_idle(30_000)
    runner.deleteLater()
    close_error_dialogs()


def test_a_check_runs_on_a_worker_and_its_answer_waits_for_the_same_case(qtbot, threaded_conflicts, template):
    """Issue 16: "Run the check again" never holds the window (over every client it takes ~100 ms at a
    million); its buttons are greyed meanwhile; an answer for a case no longer on screen is not shown."""
    import threading

    p, gates, threads = threaded_conflicts
    choose_case(p, template.cases["García"])
    assert "no match found" in p.summary.text()
    namesake(p.ctx)  # María García now has a namesake: the next check of her case finds them
    p.run_check()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    assert threading.main_thread() not in threads
    assert not p.run_button.isEnabled() and not p.party_form.isEnabled()
    other = next(r.id for r in p.cases.rows if r.id != template.cases["García"])
    choose_case(p, other)  # the attorney moves on while it runs
    shown = p.summary.text()
    assert not p.run_button.isEnabled()  # still running: not a second check of this one meanwhile
    gates[0].set()
    qtbot.waitUntil(p.run_button.isEnabled, timeout=5000)
    assert p.summary.text() == shown and p.matches.rowCount() == 0  # García's answer is not shown here
    choose_case(p, template.cases["García"])
    assert p.matches.rowCount() == 1  # ... but it was recorded: her case shows it
    p.run_check()
    qtbot.waitUntil(lambda: len(gates) == 2, timeout=5000)
    gates[1].set()
    qtbot.waitUntil(p.run_button.isEnabled, timeout=5000)
    assert [x.name for x in p.matches.rows] == ["Maria Garcia"] and p.party_form.isEnabled()


def test_an_intake_says_saved_at_once_and_its_conflict_notice_follows_from_a_worker(
        qtbot, template, home, english, type_text, monkeypatch):
    """Issue 13: Save shows "Saved" as soon as the intake commits; the conflict check (over every client)
    runs on a worker and its notice joins the banner when it answers."""
    import threading

    from clinic.conflicts.service import Conflicts
    from tests.fixtures.cases import unlocked_contexts
    from ui.kit.tasks import TaskRunner

    gate, threads = threading.Event(), []
    real = Conflicts.finish_check_at_save

    def held(self, case_id):
        threads.append(threading.current_thread())
        assert gate.wait(30)
        return real(self, case_id)

    monkeypatch.setattr(Conflicts, "finish_check_at_save", held)
    runner = TaskRunner(max_threads=2)
    try:
        with unlocked_contexts(template, home, runner) as make:
            page = save_namesake_intake(qtbot, make("volunteer"), type_text)
            assert page.banner_label.text().startswith("Saved. Client reference: ")
            assert VOLUNTEER_NOTICE not in page.banner_label.text()  # the check is still running
            qtbot.waitUntil(lambda: bool(threads), timeout=5000)
            assert threading.main_thread() not in threads
            gate.set()
            qtbot.waitUntil(lambda: VOLUNTEER_NOTICE in page.banner_label.text(), timeout=5000)
            assert runner.wait_idle(10_000)
    finally:
        gate.set()
        runner.deleteLater()
