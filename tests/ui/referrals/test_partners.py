"""The partner directory screen: the table, add/edit with errors at the field, retire, CSV in and out."""

from __future__ import annotations

import csv
import io

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from clinic.letters.disclosure import Group
from tests.fixtures.referrals import CANARIES


@pytest.fixture
def page(qtbot, open_ctx):
    from ui.partners.page import PartnersPage

    ctx = open_ctx("coordinator")
    page = PartnersPage(ctx)
    qtbot.addWidget(page)
    page.on_unlocked()
    return page


def _rows(page):
    return {p.name: p for p in page.model.rows}


def test_table_lists_partners_with_markers(page, qtmodeltester):
    """Every active partner is listed, examples marked EXAMPLE, legal and LSC shown; the model is sound."""
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    rows = _rows(page)
    assert "Oficina Legal Popular" in rows and "Banco de Comida del Valle" in rows
    examples = [p for p in rows.values() if p.is_example]
    assert len(examples) == 5
    texts = {page.model.data(page.model.index(r, c)) for r in range(page.model.rowCount())
             for c in range(page.model.columnCount())}
    assert "EXAMPLE" in texts and "Food relief" in texts and "Identity, Household and income" in texts
    legal_row = [p.name for p in page.model.rows].index("Oficina Legal Popular")
    assert page.model.data(page.model.index(legal_row, 5)) == "Yes"  # legal
    assert page.model.data(page.model.index(legal_row, 6)) == "Yes"  # LSC-funded
    assert page.add_button.isVisible() or not page.isVisible()


def test_add_partner_through_the_dialog(page, qtbot, type_text):
    """Typing a name with accents, ticking services and the profile, Save adds it to the directory."""
    dialog = page.add_partner()
    type_text(dialog.name, "Centro de Trabajadores Unidos — Año Nuevo")
    dialog.service_boxes[list(dialog.service_boxes)[2]].setChecked(True)  # workers' rights
    type_text(dialog.phone, "+1 213 555 0177")
    sealed = dialog.group_boxes[Group.SEALED]
    assert not sealed.isEnabled() and dialog.disclosure.reason.text()
    dialog.legal.setChecked(True)
    assert sealed.isEnabled()
    dialog.legal.setChecked(False)
    assert not sealed.isEnabled()
    dialog.group_boxes[Group.IDENTITY].setChecked(True)
    dialog.group_boxes[Group.NEEDS].setChecked(True)
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = page.ctx.v.partners.by_name("Centro de Trabajadores Unidos — Año Nuevo")
    assert saved.services == ("workers_rights",) and saved.disclosure == ("identity", "needs")
    assert saved.phone == "+1 213 555 0177" and not saved.legal_representation
    assert "Centro de Trabajadores Unidos — Año Nuevo" in _rows(page)
    assert page.selected().id == saved.id


def test_validation_error_is_shown_at_the_field_and_keeps_what_was_typed(page, qtbot, type_text):
    """A duplicate name marks the name field; every typed value stays; fixing it saves."""
    dialog = page.add_partner()
    type_text(dialog.name, "Banco de Comida del Valle")
    type_text(dialog.email, "info@ejemplo.org")
    dialog.address.setPlainText("Calle Río 12\nSan José")
    dialog.group_boxes[Group.HOUSEHOLD].setChecked(True)
    dialog.save()
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.name)
    assert "already" in dialog.errors.message(dialog.name)
    assert dialog.name.text() == "Banco de Comida del Valle"
    assert dialog.email.text() == "info@ejemplo.org"
    assert dialog.address.toPlainText() == "Calle Río 12\nSan José"
    assert dialog.group_boxes[Group.HOUSEHOLD].isChecked()
    type_text(dialog.name, " Norte")
    assert not dialog.errors.is_marked(dialog.name)
    dialog.name.clear()
    dialog.save()
    assert dialog.errors.is_marked(dialog.name)
    type_text(dialog.name, "Banco Norte")
    dialog.save()
    assert page.ctx.v.partners.by_name("Banco Norte").address == "Calle Río 12\nSan José"


def test_edit_and_retire_and_restore(page, qtbot, ref_template):
    """Edit changes a partner; Retire hides it unless 'show retired' is ticked; Restore brings it back."""
    page.select(ref_template.food_id)
    dialog = page.edit_selected()
    assert dialog.name.text() == "Banco de Comida del Valle"
    assert dialog.group_boxes[Group.HOUSEHOLD].isChecked()
    dialog.hours.setText("Lun–Vie 9–5")
    dialog.save()
    assert page.ctx.v.partners.get(ref_template.food_id).hours == "Lun–Vie 9–5"
    page.select(ref_template.food_id)
    assert page.retire_button.text() == "&Retire"
    page.toggle_retired()
    assert "Banco de Comida del Valle" not in _rows(page)
    page.show_retired.setChecked(True)
    assert _rows(page)["Banco de Comida del Valle"].retired
    page.select(ref_template.food_id)
    assert page.retire_button.text() == "&Restore"
    page.toggle_retired()
    assert not page.ctx.v.partners.get(ref_template.food_id).retired


def test_export_writes_exactly_the_chosen_file_and_import_reads_one(page, tmp_path, monkeypatch):
    """Export writes only the chosen path (no client data); import adds and updates by name."""
    out = tmp_path / "export"
    out.mkdir()
    target = out / "directorio.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    page.export_csv()
    assert [p.name for p in out.iterdir()] == ["directorio.csv"]
    text = target.read_text(encoding="utf-8")
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert "Oficina Legal Popular" in names
    assert not any(value in text for canary in CANARIES for value in canary.values())

    source = tmp_path / "import.csv"
    source.write_text("name,services,disclosure,legal_representation\n"
                      "Clínica Legal del Norte,legal_representation,identity;sealed,yes\n"
                      "Banco de Comida del Valle,food_relief,identity,no\n", encoding="utf-8-sig")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(source), "")))
    page.import_csv()
    assert "1 added, 1 updated" in page.status.text()
    assert _rows(page)["Clínica Legal del Norte"].disclosure == ("identity", "sealed")
    assert page.ctx.v.partners.by_name("Banco de Comida del Valle").disclosure == ("identity",)


def test_bad_csv_is_refused_with_a_sentence(page, tmp_path, monkeypatch):
    """A CSV with an unknown column or not in UTF-8 changes nothing and says why."""
    shown = []
    monkeypatch.setattr("ui.kit.ops.show_error", lambda parent, exc: shown.append(exc.message))  # the one failure path
    bad = tmp_path / "bad.csv"
    bad.write_text("name,shoe\nA,1\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), "")))
    before = len(page.model.rows)
    page.import_csv()
    bad.write_bytes("name\nJosé\n".encode("latin-1"))
    page.import_csv()
    assert len(shown) == 2 and "shoe" in shown[0] and "UTF-8" in shown[1]
    assert len(page.model.rows) == before and page.import_button.isEnabled()


def test_partner_list_is_cleared_on_lock(page):
    """clear() empties the table and needs no vault."""
    page.ctx.vault.lock()
    page.clear()
    assert page.model.rowCount() == 0
