"""Synthetic referral data (no real person) for letter previews, benchmarks and tests."""

from __future__ import annotations

import datetime as dt

from clinic.letters.compose import LetterRequest
from clinic.letters.disclosure import Group, collect_fields
from clinic.models import (
    Case,
    CaseId,
    CaseStatus,
    Channel,
    Client,
    ClientId,
    ConsentMethod,
    Intake,
    IntakeId,
    LetterLanguage,
    LetterLayout,
    Need,
    Phone,
    SealedField,
    StaffId,
    Urgency,
)


def sample_client() -> Client:
    return Client(
        id=ClientId(1), ref="CL-7Q2M", given_names="María José", family_name_1="Hernández",
        family_name_2="Nguyễn", preferred_name="Majo", date_of_birth=dt.date(1988, 3, 14),
        phones=(Phone("(555) 010-2233", "mobile", safe_to_call=True, safe_to_text=True,
                      safe_to_leave_message=False),
                Phone("(555) 010-9988", "work", safe_to_call=False, safe_to_text=True,
                      safe_to_leave_message=False)),
        address="1420 Calle Ejemplo, Apt 3\nSpringfield, IL 62704", language="es",
        interpreter_needed=True, created_at=dt.datetime(2026, 1, 5, 10, 0), is_demo=True,
    )


def sample_intake() -> Intake:
    return Intake(
        id=IntakeId(1), client_id=ClientId(1), recorded_at=dt.datetime(2026, 11, 2, 9, 30),
        recorded_by=StaffId(2), recorded_by_name="Volunteer", site="Main office",
        channel=Channel.WALK_IN, household_size=4, annual_income=25800,
        needs=(Need.WORKPLACE, Need.HOUSING), urgency=Urgency.SOON, next_date=dt.date(2026, 12, 3),
        detained_family_member=False, consent_to_store=True, consent_date=dt.date(2026, 11, 2),
        consent_language="es",
        notes="Works at a car wash; the employer has not paid the last three weeks of wages.\n"
              "The landlord raised the rent without notice.",
        sealed_fields=(),
    )


def sample_case() -> Case:
    return Case(
        id=CaseId(1), client_id=ClientId(1), intake_id=IntakeId(1), status=CaseStatus.REFERRED,
        need=Need.WORKPLACE, problem_code=22, assigned_to=None, assigned_name="",
        opened_at=dt.datetime(2026, 11, 2, 9, 45), next_date=None,
    )


def sample_request(language: str = LetterLanguage.ES, layout: str = LetterLayout.SEQUENCE,
                   groups: frozenset[Group] = frozenset(Group) - {Group.SEALED},
                   sealed_values: dict[SealedField, str] | None = None) -> LetterRequest:
    client, intake, case = sample_client(), sample_intake(), sample_case()
    langs = LetterLanguage(language).languages
    disclosed = {lang: collect_fields(groups, client=client, intake=intake, case=case,
                                      sealed_values=sealed_values or {}, lang=lang) for lang in langs}
    return LetterRequest(
        language=language, layout=layout,
        clinic_name="Clínica Comunitaria del Valle",
        clinic_address="200 Main Street, Suite 4\nSpringfield, IL 62701", clinic_phone="(555) 010-4000",
        letter_date=dt.date(2026, 11, 21), referral_ref="RF-8K3D",
        partner_name="Centro de Trabajadores Unidos",
        partner_address="77 Labor Lane\nSpringfield, IL 62702", partner_phone="(555) 010-5000",
        partner_email="intake@example.org", need=Need.WORKPLACE, disclosed=disclosed,
        coordinator_name="Ana Ruiz", coordinator_title="Coordinadora de referidos",
        consent_date=dt.date(2026, 11, 20), consent_method=ConsentMethod.IN_PERSON,
    )
