"""Which names the intake form marks as organisations (clinic.conflicts.parties.looks_like_organisation)."""

from __future__ import annotations

import pytest

from clinic.conflicts.parties import looks_like_organisation
from tests.fixtures.conflict_pairs import SAME


@pytest.mark.parametrize("name", ["Acme Staffing, Inc.", "Sunrise Property Management, LLC", "Westside L.L.C.",
                                  "Constructora del Valle S.A. de C.V.", "Limpiezas Rápidas S.A.",
                                  "Transportes Rodríguez y Cía.", "Northgate Property Ltd.", "Evergreen Realty, P.C.",
                                  "Empacadora San Joaquín, S. de R.L.", "Golden State Apartments Co.", "Hotel Plaza Real SA",
                                  "Riverside Apartments L.P."])
def test_business_endings_mark_an_organisation(name):
    assert looks_like_organisation(name)


@pytest.mark.parametrize("name", ["José García", "María de la Cruz", "Inc", "Ana Sa", "Rosa Co Pérez", "",
                                  "Luis Colón", "Ana Sá", "Luis Co", "Marta Pc"])
def test_people_are_not_marked(name):
    assert not looks_like_organisation(name)


def test_the_tables_org_pairs_with_an_ending_are_recognised():
    """At least 20 organisation pairs in the matcher's table (tests/core/test_conflict_matcher.py runs them)."""
    orgs = [(a, b) for a, b, kind in SAME if kind == "org"]
    assert len(orgs) >= 27
    assert sum(looks_like_organisation(a[4:]) or looks_like_organisation(b[4:]) for a, b in orgs) >= 20
