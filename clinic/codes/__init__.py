"""LSC CSR problem codes and closure categories (shipped data, cited), and the fixed rejection reasons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import NamedTuple

from clinic.errors import ValidationError
from clinic.i18n import N_, _


@dataclass(frozen=True, slots=True)
class Code:
    code: str  # "63" (two digits as LSC writes them: "01"), or a closure letter "IA"
    category: str
    label_en: str
    label_es: str

    def label(self, language: str) -> str:
        return self.label_es if language == "es" else self.label_en


@cache
def _data() -> dict:
    return json.loads(resources.files("clinic.codes").joinpath("data/lsc_csr_codes.json")
                      .read_text(encoding="utf-8"))


def source() -> str:
    return _data()["source"]


def problem_codes() -> dict[int, Code]:
    """Every LSC CSR legal problem code, by number."""
    return {n: Code(f"{n:02d}", cat, en, es) for n, cat, en, es in _data()["problem_codes"]}


def closure_categories() -> dict[str, Code]:
    """LSC CSR case closure categories A, B, F, G, H, IA, IB, IC, K, L."""
    return {c: Code(c, "closure", en, es) for c, en, es in _data()["closure_categories"]}


class RejectionReason(StrEnum):
    OVER_INCOME = "over_income"
    EXCESSIVE_ASSETS = "excessive_assets"
    OUT_OF_SERVICE_AREA = "out_of_service_area"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    FEE_GENERATING = "fee_generating"
    NON_CRITICAL_NEED = "non_critical_need"
    AFFORDABLE_ALTERNATIVE = "affordable_alternative"
    LSC_EXCLUSION = "lsc_exclusion"
    OTHER = "other"  # needs a text

    @property
    def label(self) -> str:
        return REJECTION_LABELS[self]


REJECTION_LABELS = {
    RejectionReason.OVER_INCOME: N_("Over income"),
    RejectionReason.EXCESSIVE_ASSETS: N_("Excessive assets"),
    RejectionReason.OUT_OF_SERVICE_AREA: N_("Out of service area"),
    RejectionReason.CONFLICT_OF_INTEREST: N_("Conflict of interest"),
    RejectionReason.FEE_GENERATING: N_("Fee generating"),
    RejectionReason.NON_CRITICAL_NEED: N_("Non-critical need"),
    RejectionReason.AFFORDABLE_ALTERNATIVE: N_("Affordable alternative available"),
    RejectionReason.LSC_EXCLUSION: N_("Excluded under LSC rules"),
    RejectionReason.OTHER: N_("Other (explain)"),
}


class CaseCodes(NamedTuple):
    """The closing codes recorded on a case (the problem code lives on the case itself)."""

    closure_category: str | None
    rejection_reason: str | None
    rejection_note: str = ""


def check_status_codes(status: str, *, rejection_reason: str | None, closure_category: str | None,
                       rejection_note: str = "") -> dict[str, str]:
    """The codes a status change must carry, checked: rejecting needs a listed reason ("other" with a
    note), closing needs an LSC closure category; neither may come with another status. Returns the
    columns to store."""
    rejecting, closing = status == "rejected", status == "closed"
    if rejection_reason is not None and not rejecting:
        raise ValidationError("rejection_reason", _("A rejection reason goes only with rejecting a case."))
    if closure_category is not None and not closing:
        raise ValidationError("closure_category", _("A closure category goes only with closing a case."))
    if rejecting:
        if rejection_reason not in set(RejectionReason):
            raise ValidationError("rejection_reason", _("Choose a rejection reason from the list."))
        if rejection_reason == RejectionReason.OTHER and not (rejection_note or "").strip():
            raise ValidationError("rejection_note", _("Say why the case is rejected when the reason is "
                                                      "“other”."))
        return {"rejection_reason": str(rejection_reason), "rejection_note": rejection_note or ""}
    if closing:
        if closure_category not in closure_categories():
            raise ValidationError("closure_category", _("Choose an LSC closure category from the list."))
        return {"closure_category": closure_category}
    return {}


def checked() -> str:
    """When and how far the shipped lists were compared with the Handbook."""
    return _data().get("checked", "")
