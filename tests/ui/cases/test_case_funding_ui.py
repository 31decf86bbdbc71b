"""A case's funding source in the case view: an attorney chooses one and sets it; others only read it."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_an_attorney_sets_the_funding_source_from_the_case_view(view, template, qtbot, make_ctx):
    w = view("attorney", template.cases["García"])
    f = w.funding
    assert f.combo.isVisibleTo(w) and f.button.isVisibleTo(w) and not f.value.isVisibleTo(w)
    assert [f.combo.itemData(i) for i in range(f.combo.count())] == ["", "LSC", "County", "Unrestricted"]
    assert f.combo.currentData() == "" and f.note.text() == ""
    f.combo.setFocus()
    qtbot.keyClick(f.combo, Qt.Key.Key_Down)  # keyboard: the next source, LSC
    assert f.combo.currentData() == "LSC" and "LSC-funded" in f.note.text()
    assert "Never ask the person's status" in f.note.text()
    f.button.setFocus()
    qtbot.keyClick(f.button, Qt.Key.Key_Space)
    assert make_ctx("attorney").v.cases.funding_source(template.cases["García"]) == "LSC"
    assert w.funding.combo.currentData() == "LSC"  # the view reloaded with the stored value


def test_a_coordinator_reads_it_without_a_button(view, template, make_ctx):
    make_ctx("attorney").v.cases.set_funding_source(template.cases["García"], "County")
    w = view("coordinator", template.cases["García"])
    f = w.funding
    assert f.value.isVisibleTo(w) and f.value.text() == "County"
    assert not f.combo.isVisibleTo(w) and not f.button.isVisibleTo(w)
