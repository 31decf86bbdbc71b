"""Issue 14, core side: bidi controls are refused in names, for the form and the intake JSON alike."""

from __future__ import annotations

import pytest

from clinic import models as m
from clinic.clients.intake import BIDI_CONTROLS, draft_from_json, validate
from clinic.errors import ValidationError

NAME_FIELDS = ("given_names", "family_name_1", "family_name_2", "preferred_name")


@pytest.mark.parametrize("ch", sorted(BIDI_CONTROLS))
@pytest.mark.parametrize("field", NAME_FIELDS)
def test_bidi_controls_are_refused_in_every_name_field(field, ch):
    values = {"given_names": "Ana", "family_name_1": "Ruiz", field: f"Ana{ch}ziuR"}
    with pytest.raises(ValidationError) as err:
        validate(m.IntakeDraft(consent_to_store=True, **values))
    assert err.value.field == field
    assert "text-direction" in err.value.message


def test_every_listed_bidi_control_is_in_the_set():
    expected = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
    assert BIDI_CONTROLS == expected


def test_the_intake_json_refuses_a_right_to_left_override():
    with pytest.raises(ValidationError) as err:
        draft_from_json({"given_names": "Ana", "family_names": "\u202eziuR"})
    assert err.value.field == "family_names"


def test_right_to_left_letters_themselves_stay_allowed():
    draft = validate(m.IntakeDraft(given_names="مريم", family_name_1="כהן", consent_to_store=True))
    assert draft.given_names == "مريم"


def test_a_demo_vault_is_marked_on_disk_so_the_locked_screen_can_say_so(tmp_path):
    from clinic.demo.create import create_demo
    from clinic.home import Home

    home = Home(tmp_path / "demo")
    create_demo(home, clients=3)
    assert home.is_demo()
    assert not Home(tmp_path / "other").is_demo()
