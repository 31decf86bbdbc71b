"""LSC CSR problem codes and closure categories as shipped data; codes on a case, set by attorneys."""

from __future__ import annotations

import pytest

from clinic import codes
from clinic import models as m
from clinic.conflicts.parties import ClearResult
from clinic.errors import PermissionDenied, ValidationError


def test_the_lists_are_the_handbooks():
    """The full problem code list (with the defaults per need) and the ten closure categories, cited."""
    pc = codes.problem_codes()
    assert len(pc) >= 70 and set(m.NEED_PROBLEM_CODES.values()) <= set(pc)
    assert pc[63].label_en == "Private Landlord/Tenant" and pc[86].label_es == "Trata de personas"
    assert pc[1].code == "01" and all(c.label_es and c.label_en for c in pc.values())
    assert list(codes.closure_categories()) == ["A", "B", "F", "G", "H", "IA", "IB", "IC", "K", "L"]
    assert "(CSR) Handbook, 2017 Edition" in codes.source() and "lsc.gov" in codes.source()
    assert codes.closure_categories()["F"].label_en == "Negotiated Settlement Without Litigation"
    assert "not yet checked" in codes.checked()  # says plainly what was and was not compared


def test_attorney_sets_any_problem_code_and_closing_codes(open_vault):
    """An attorney picks any listed problem code; a rejection reason and a closure category are stored."""
    receipt = open_vault("volunteer").intakes.record(m.IntakeDraft(
        given_names="Teodoro", family_name_1="Villalobos", needs=(m.Need.HOUSING,), consent_to_store=True))
    att = open_vault("attorney")
    assert att.cases.get(receipt.case_id).problem_code == 63
    assert att.cases.set_problem_code(receipt.case_id, 66).problem_code == 66
    with pytest.raises(ValidationError):
        att.cases.set_problem_code(receipt.case_id, 83)
    with pytest.raises(ValidationError):
        att.cases.set_status(receipt.case_id, m.CaseStatus.REJECTED, "x", closure_category="A")
    att.conflicts.clear(receipt.case_id, ClearResult.NO_CONFLICT)
    att.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "Eligible")
    att.cases.set_status(receipt.case_id, m.CaseStatus.CLOSED, "Advice given", closure_category="A")
    assert att.cases.codes(receipt.case_id) == ("A", None, "")
    with pytest.raises(PermissionDenied):
        open_vault("coordinator").cases.set_problem_code(receipt.case_id, 63)


def test_a_rejection_reason_comes_from_the_fixed_list(open_vault):
    """Rejecting with a listed reason stores it; an unlisted one is refused."""
    receipt = open_vault("volunteer").intakes.record(m.IntakeDraft(
        given_names="Ofelia", family_name_1="Saucedo", needs=(m.Need.FOOD,), consent_to_store=True))
    att = open_vault("attorney")
    with pytest.raises(ValidationError) as e:
        att.cases.set_status(receipt.case_id, m.CaseStatus.REJECTED, "Lives elsewhere", rejection_reason="far")
    assert e.value.field == "rejection_reason"
    att.cases.set_status(receipt.case_id, m.CaseStatus.REJECTED, "Lives elsewhere",
                         rejection_reason=codes.RejectionReason.OUT_OF_SERVICE_AREA)
    assert att.cases.codes(receipt.case_id) == (None, "out_of_service_area", "")


def _open_case(open_vault, family: str):
    receipt = open_vault("volunteer").intakes.record(m.IntakeDraft(
        given_names="Ofelia", family_name_1=family, needs=(m.Need.FOOD,), consent_to_store=True))
    return receipt.case_id, open_vault("attorney")


def test_closing_requires_a_closure_category(open_vault):
    """The core refuses to close a case without an LSC closure category, or with one not on the list."""
    case_id, att = _open_case(open_vault, "Quintana")
    for category in (None, "Z", "C"):  # C (referred after legal assessment) is no longer a CSR category
        with pytest.raises(ValidationError) as e:
            att.cases.set_status(case_id, m.CaseStatus.CLOSED, "Advice given", closure_category=category)
        assert e.value.field == "closure_category"
    assert att.cases.get(case_id).status is m.CaseStatus.OPEN and att.cases.codes(case_id).closure_category is None
    att.cases.set_status(case_id, m.CaseStatus.CLOSED, "Advice given", closure_category="IB")
    assert att.cases.get(case_id).status is m.CaseStatus.CLOSED and att.cases.codes(case_id).closure_category == "IB"


def test_rejecting_requires_a_listed_reason_and_other_needs_a_note(open_vault):
    """No reason, or "other" without a note, is refused at its field; "other" with a note is kept."""
    case_id, att = _open_case(open_vault, "Rentería")
    with pytest.raises(ValidationError) as e:
        att.cases.set_status(case_id, m.CaseStatus.REJECTED, "Not for us")
    assert e.value.field == "rejection_reason"
    with pytest.raises(ValidationError) as e:
        att.cases.set_status(case_id, m.CaseStatus.REJECTED, "Not for us", rejection_reason="other",
                             rejection_note="  ")
    assert e.value.field == "rejection_note"
    assert att.cases.get(case_id).status is m.CaseStatus.OPEN
    att.cases.set_status(case_id, m.CaseStatus.REJECTED, "Not for us", rejection_reason="other",
                         rejection_note="Already represented by another clinic")
    assert att.cases.codes(case_id) == (None, "other", "Already represented by another clinic")


def test_codes_go_only_with_their_status(open_vault):
    """A closure category on a rejection, or a rejection reason on a referral, is refused."""
    case_id, att = _open_case(open_vault, "Saldívar")
    with pytest.raises(ValidationError):
        att.cases.set_status(case_id, m.CaseStatus.REFERRED, "To the food bank", rejection_reason="over_income")
    with pytest.raises(ValidationError):
        att.cases.set_status(case_id, m.CaseStatus.REJECTED, "x", rejection_reason="over_income",
                             closure_category="A")
