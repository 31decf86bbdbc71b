"""Issue 14 on screen: attorneys add and change a case's hearings and deadlines in the case view."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel

from clinic import models as m
from tests.fixtures.cases import widget_texts


def test_an_attorney_adds_a_hearing_and_the_next_date_follows(view, template, qtbot):
    w = view("attorney", template.cases["Okafor"])  # no date at intake
    assert w.deadlines.add_button.isVisibleTo(w) and not w.deadlines.table.isVisibleTo(w)
    dialog = w.deadlines.add()
    dialog.kind.setCurrentIndex(dialog.kind.findData(m.DeadlineKind.HEARING.value))
    dialog.due.setText("2027-03-09")
    dialog.note.setPlainText("Courtroom 4")
    dialog._submit()
    assert not dialog.isVisible()
    assert [(d.kind, d.due_date) for d in w.deadlines.model.rows] == [(m.DeadlineKind.HEARING, dt.date(2027, 3, 9))]
    assert "Next hearing or deadline: Mar 9, 2027" in w.facts.text()


def test_changing_a_date_keeps_the_old_one_in_the_history(view, template, make_ctx):
    w = view("attorney", template.cases["Okafor"])
    w.deadlines.add()
    w.deadlines.dialog.due.setText("2027-03-09")
    w.deadlines.dialog._submit()
    dialog = w.deadlines.edit_selected()
    assert dialog.due.date() == dt.date(2027, 3, 9)
    dialog.due.setText("2027-04-01")
    dialog._submit()
    changes = make_ctx("coordinator").v.clients.history(template.clients["Okafor"])
    assert ("due_date", "2027-03-09", "2027-04-01") in [(c.field, c.old_value, c.new_value) for c in changes]


def test_an_impossible_date_is_marked_and_nothing_is_saved(view, template):
    w = view("attorney", template.cases["Okafor"])
    dialog = w.deadlines.add()
    dialog.due.setText("31/02/2027")
    dialog._submit()
    assert dialog.isVisible() and "not a real date" in dialog.errors.message(dialog.due)
    assert not w.deadlines.model.rows


def test_a_coordinator_reads_the_dates_but_cannot_change_them(view, template, make_ctx):
    make_ctx("attorney").v.cases.add_deadline(template.cases["García"],
                                              m.DeadlineDraft(m.DeadlineKind.CHECK_IN, dt.date(2027, 1, 5)))
    w = view("coordinator", template.cases["García"])
    assert "ICE check-in" in widget_texts(w.deadlines)
    assert not w.deadlines.add_button.isVisibleTo(w) and not w.deadlines.edit_button.isVisibleTo(w)
    assert w.deadlines.add() is None


def test_intake_values_are_announced_with_their_field(view, template):
    w = view("attorney", template.cases["Okafor"])
    names = {lab.accessibleName() for lab in w.findChildren(QLabel)}
    assert "Channel: Phone" in names and "Site: Centro" in names
