"""A client's file on screen: what each role sees, phone safety in words, reveal (audited), clear()."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from clinic import models as m
from clinic.eligibility.income import line as income_line
from tests.fixtures.intake import (
    CANARY,
    all_texts,
    close_message_boxes,
    draft,
    message_boxes,
    shows,
)
from ui.clients.view import ClientFileView

SEALED = {m.SealedField.A_NUMBER: f"A-{CANARY}-123", m.SealedField.IMMIGRATION_STATUS: f"status {CANARY}"}


def full_draft(**more) -> m.IntakeDraft:
    phones = (m.Phone("555 0101", safe_to_call=True, safe_to_text=False, safe_to_leave_message=False),
              m.Phone("555 0102", safe_to_call=False, safe_to_text=True, safe_to_leave_message=True))
    return draft("María", "García", dt.date(1987, 3, 14), phones=phones, address="12 Main St",
                 household_size=4, income=(income_line("wages", 1200, "year"),), needs=(m.Need.IMMIGRATION, m.Need.HOUSING),
                 urgency=m.Urgency.URGENT, next_date=dt.date(2030, 1, 15), detained_family_member=True,
                 notes="Brother detained last week", sealed=dict(SEALED), **more)


@pytest.fixture
def view_for(qtbot, make_ctx):
    """view_for(name) -> (ClientFileView, ctx) for that staff member."""
    def make(name: str):
        ctx = make_ctx(name)
        view = ClientFileView(ctx)
        qtbot.addWidget(view)
        view.resize(900, 800)
        view.show()
        return view, ctx
    yield make
    close_message_boxes()


@pytest.fixture
def recorded(make_ctx):
    """A client recorded by the volunteer with every field filled, a case note and a document."""
    volunteer = make_ctx("volunteer")
    receipt = volunteer.v.intakes.record(full_draft())
    attorney = make_ctx("attorney")
    attorney.v.cases.add_note(receipt.case_id, "Called the family back")
    attorney.v.documents.attach(receipt.case_id, "notice.pdf", b"%PDF-1.4 test" * 200)
    return receipt


def test_attorney_sees_the_whole_file_but_no_sealed_values(view_for, recorded, qtmodeltester):
    """Person, phones in words, intake, case with its button, notes, documents; sealed names only."""
    view, _ctx = view_for("attorney")
    assert view.load(recorded.client_id)
    texts = "\n".join(all_texts(view))
    for expected in ("María García", recorded.client_ref, "Mar 14, 1987", "12 Main St",
                     "555 0101", "Safe to call · Do NOT text · Do NOT leave a message",
                     "Do NOT call · Safe to text · May leave a message", "Immigration, Housing",
                     "Urgent (detention or hearing within days)", "Jan 15, 2030", "$1,200",
                     "Brother detained last week", "Called the family back", "notice.pdf",
                     "Recorded: Immigration status, A-number", "Reveal attorney-only information"):
        assert expected in texts, expected
    assert CANARY not in texts
    assert list(view.case_buttons) == [recorded.case_id]
    qtmodeltester.check(view.documents_model)


def test_open_case_button_asks_for_the_case(qtbot, view_for, recorded):
    """Each case's button emits open_case with that case's id."""
    view, ctx = view_for("coordinator")
    view.load(recorded.client_id)
    with qtbot.waitSignal(ctx.signals.open_case) as signal:
        view.case_buttons[recorded.case_id].click()
    assert signal.args == [recorded.case_id]


def test_attorney_reveal_is_audited_and_shows_values_until_cleared(qtbot, view_for, recorded, make_ctx):
    """Reveal calls the core (one 'sealed.reveal' audit row), shows the values; clear() drops them."""
    admin = make_ctx("admin")

    def reveals() -> int:
        return sum(1 for e in admin.v.settings.audit_log(1000) if e.action == "sealed.reveal")

    view, _ctx = view_for("attorney")
    view.load(recorded.client_id)
    before = reveals()
    assert not shows(view, CANARY)
    view.reveal_button.click()
    assert reveals() == before + 1
    assert shows(view, SEALED[m.SealedField.A_NUMBER]) and shows(view, SEALED[m.SealedField.IMMIGRATION_STATUS])
    assert "Hide" in view.reveal_button.text()
    view.reveal_button.click()  # hide again
    assert not shows(view, CANARY) and reveals() == before + 1
    view.reveal_button.click()
    assert shows(view, CANARY)
    view.clear()
    assert not shows(view, CANARY) and not shows(view, "María") and view.revealed is None
    assert view.file is None and view.placeholder.isVisible()


def test_coordinator_sees_sealed_names_but_cannot_reveal(view_for, recorded):
    """No VIEW_SEALED: which fields exist, never a reveal button."""
    view, _ctx = view_for("coordinator")
    view.load(recorded.client_id)
    assert shows(view, "Recorded: Immigration status, A-number")
    assert view.reveal_button is None and not shows(view, CANARY)


def test_volunteer_sees_own_recent_intake_without_cases_or_sealed_values(view_for, recorded):
    """A volunteer's own intake of today opens: their intake only, no cases, notes or documents."""
    view, _ctx = view_for("volunteer")
    assert view.load(recorded.client_id)
    assert shows(view, "María García") and shows(view, "You see only the intakes you recorded")
    assert not shows(view, "Called the family back") and not shows(view, "notice.pdf")
    assert view.reveal_button is None and not shows(view, CANARY)


def test_volunteer_cannot_open_another_volunteers_client(view_for, recorded):
    """Another volunteer's intake: the core's sentence in a dialog, and nothing on screen."""
    view, _ctx = view_for("volunteer2")
    assert not view.load(recorded.client_id)
    boxes = message_boxes()
    assert [b.text() for b in boxes] == ["Volunteers can open only intakes they recorded in the last 24 "
                                         "hours. Ask a coordinator or attorney."]
    assert boxes[0].icon() == QMessageBox.Icon.Warning
    assert view.file is None and not shows(view, "María")


def test_clear_removes_every_canary(view_for, make_ctx):
    """After clear() no child widget holds any string of the client's file."""
    volunteer = make_ctx("volunteer")
    receipt = volunteer.v.intakes.record(
        draft(f"Ana {CANARY}", f"Ruiz {CANARY}", preferred_name=CANARY, address=f"{CANARY} St",
              phones=(m.Phone(number="555 0101"),), notes=f"notes {CANARY}", site=CANARY))
    attorney = make_ctx("attorney")
    attorney.v.cases.add_note(receipt.case_id, f"note {CANARY}")
    attorney.v.documents.attach(receipt.case_id, f"{CANARY}.txt", b"x")
    view, _ctx = view_for("attorney")
    view.load(receipt.client_id)
    assert sum(CANARY in t for t in all_texts(view)) >= 6
    view.clear()
    assert not shows(view, CANARY) and not shows(view, "555 0101")


def test_never_a_client_name_in_a_window_title(view_for, recorded):
    """Window titles never carry the client's name."""
    view, _ctx = view_for("attorney")
    view.load(recorded.client_id)
    assert all("María" not in w.windowTitle() for w in [view, *view.findChildren(QWidget)])


def test_user_text_is_never_markup(view_for, make_ctx):
    """A name or note that looks like HTML is shown as typed, not interpreted."""
    volunteer = make_ctx("volunteer")
    receipt = volunteer.v.intakes.record(draft("<b>Ana</b>", "Ruiz", notes="<img src='/etc/passwd'>"))
    view, _ctx = view_for("attorney")
    view.load(receipt.client_id)
    holding = [lab for lab in view.findChildren(QLabel) if "<b>Ana</b>" in lab.text() or "<img" in lab.text()]
    assert len(holding) >= 2
    assert all(lab.textFormat() == Qt.TextFormat.PlainText for lab in holding)


def test_spanish_view_formats_dates_and_flags_in_spanish(view_for, recorded, spanish):
    """In Spanish: dates like '14 mar 1987', money like "$1,200" (one format: es_US, as in English), flags in Spanish."""
    view, _ctx = view_for("attorney")
    view.load(recorded.client_id)
    texts = "\n".join(all_texts(view))
    assert "14 mar 1987" in texts and "$1,200" in texts and "US$" not in texts
    assert "NO deje mensaje" in texts


# ----- issue 14 -----------------------------------------------------------------------------------------


def test_the_file_scrolls_with_page_down_and_end(qtbot, view_for, recorded):
    """From the keyboard alone the attorney-only section at the bottom is reachable (issue 14)."""
    view, _ctx = view_for("attorney")
    view.resize(900, 400)
    assert view.load(recorded.client_id)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=2000)
    view.scroll.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(view.scroll.hasFocus, timeout=2000)
    bar = view.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    assert bar.value() == 0
    qtbot.keyClick(view.scroll, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    qtbot.keyClick(view.scroll, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    qtbot.keyClick(view.scroll, Qt.Key.Key_Home)
    assert bar.value() == 0
    view.reveal_button.setFocus()
    qtbot.keyClick(view.reveal_button, Qt.Key.Key_End)
    assert bar.value() == bar.maximum(), "End works from a button in the file too"
