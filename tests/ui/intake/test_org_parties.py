"""An organisation on the other side ("Inc.", "LLC", "S.A.") is marked as one as it is typed and is checked
for conflicts as a business (matcher.org_name), not as a person."""

from __future__ import annotations

from PySide6.QtCore import Qt

from clinic.conflicts.parties import PartyKind
from tests.fixtures.intake import fill_person


def test_a_business_name_is_marked_and_saved_as_an_organisation(qtbot, page, type_text, open_vault):
    box = page.form.parties_box
    fill_person(page, type_text, "Elvira", "Santamaría")
    type_text(box.rows[0][0], "Sunrise Property Management, LLC")
    type_text(box.rows[1][0], "Juan Pérez")
    assert box.orgs[0].isChecked() and not box.orgs[1].isChecked()
    type_text(box.rows[2][0], "Empacadora San Joaquín, S. de R.L.")
    assert box.orgs[2].isChecked()
    box.orgs[2].setFocus()
    qtbot.keyClick(box.orgs[2], Qt.Key.Key_Space)  # the person typing knows better: a family name
    type_text(box.rows[2][0], " ")
    assert not box.orgs[2].isChecked()  # changed by hand: typing no longer overrides it
    box.orgs[2].setFocus()
    qtbot.keyClick(box.orgs[2], Qt.Key.Key_Space)
    page.form.consent.setChecked(True)
    with qtbot.waitSignal(page.ctx.signals.intake_recorded, timeout=2000) as saved:
        page.save()
    assert not any(o.isChecked() for o in box.orgs)  # a fresh form
    type_text(box.rows[0][0], "Acme Inc")
    assert box.orgs[0].isChecked()  # the hand-set mark went with the form

    attorney = open_vault("attorney")
    parties = {p.name: p.is_org for p in attorney.conflicts.parties(saved.args[0].case_id)
               if p.kind is PartyKind.ADVERSE}
    assert parties == {"Sunrise Property Management, LLC": True, "Juan Pérez": False,
                       "Empacadora San Joaquín, S. de R.L.": True}
    as_org = attorney.conflicts.check_names([("SUNRISE PROPERTY MANAGEMENT", None, True)])
    assert [("organisation" in x.reasons, x.name) for x in as_org.matches if x.source == "adverse"] == [
        (True, "Sunrise Property Management, LLC")]
    as_person = attorney.conflicts.check_names([("Sunrise Property Management", None, False)])
    assert not [x for x in as_person.matches if x.source == "adverse"]
