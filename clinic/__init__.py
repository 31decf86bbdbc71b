"""Clinic Intake: offline, encrypted intake and case review for legal aid clinics.

This package is the core's public face: the UI imports names from here (and from `clinic.models`,
`clinic.errors`, `clinic.i18n`, `clinic.access`), never from the domain packages behind them. Names are
resolved on first use, so `import clinic.models` stays cheap and reportlab loads only when a letter is
made. An import-linter contract in pyproject.toml keeps the UI to this face.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from clinic.version import __version__

# name -> "module" (the module itself) or "module:attribute"
_FACE = {
    "Vault": "clinic.vault:Vault",
    "Home": "clinic.home:Home",
    "UnlockGuard": "clinic.keys.unlock_guard:UnlockGuard",
    "atomic_write": "clinic.files:atomic_write",
    "version_text": "clinic.about:version_text",
    "cli_main": "clinic.cli.main:main",
    "intake_rules": "clinic.clients.intake",
    "client_details_problems": "clinic.clients.details:problems",
    "MAX_DOCUMENT_BYTES": "clinic.clients.documents:MAX_DOCUMENT_BYTES",
    "MAX_CSV_BYTES": "clinic.referrals.csvfile:MAX_CSV_BYTES",
    "read_csv_text": "clinic.referrals.csvfile:read_csv_text",
    "lsc_warning": "clinic.referrals.partners:lsc_warning",
    "Group": "clinic.models.referrals:Group",
    "Service": "clinic.models.referrals:Service",
    "LetterRequest": "clinic.letters.compose:LetterRequest",
    "default_filename": "clinic.letters.compose:default_filename",
    "compose_letter": "clinic.letters.compose:compose_letter",
    "render_letter": "clinic.letters.render:render_letter",
    "warm_letters": "clinic.letters.render:warm_letters",
    "render_recovery_kit": "clinic.letters.render:render_recovery_kit",
    "incident_model": "clinic.incidents.model",
    "incident_problems": "clinic.incidents.checks:problems",
    "public_report": "clinic.reports.public",
    "lsc_codes": "clinic.codes",
    "plan_model": "clinic.preparedness.model",
    "ClearResult": "clinic.conflicts.parties:ClearResult",
    "CONFLICT_NOTICE": "clinic.conflicts.parties:VOLUNTEER_NOTICE",
    "conflict_parties": "clinic.conflicts.parties",
    "income_model": "clinic.eligibility.income",
    "asset_model": "clinic.eligibility.assets",
    "GuidelineRegion": "clinic.eligibility.guidelines:Region",
    "assess_income": "clinic.eligibility.assess:assess_on",
    "qualify_funding": "clinic.eligibility.funding:qualify",
    "FundingSource": "clinic.eligibility.funding:FundingSource",
    "read_guideline_csv": "clinic.eligibility.guidelines:read_csv_file",
    "Retention": "clinic.maintenance.retention:Retention",
    "RetentionSettings": "clinic.maintenance.retention:RetentionSettings",
    "purge": "clinic.maintenance.purge",
    "make_backup": "clinic.maintenance.backup:make_backup",
    "backup_status": "clinic.maintenance.backup:status",
    "backup_reminder": "clinic.maintenance.backup:reminder",
    "may_back_up": "clinic.maintenance.backup:may_back_up",
    "verify_backup": "clinic.maintenance.verify_backup:verify_backup",
    "restore_backup": "clinic.maintenance.restore:restore_backup",
    "stage_restore_over": "clinic.maintenance.restore:stage_replacement",
    "restore_over": "clinic.maintenance.restore:replace_with",
}

__all__ = ["__version__", *_FACE]


def __getattr__(name: str):
    target = _FACE.get(name)
    if target is None:
        raise AttributeError(f"module 'clinic' has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    value = getattr(module, attribute) if attribute else module
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and editors: the same names, statically
    from clinic import codes as lsc_codes  # noqa: F401
    from clinic import models as models
    from clinic.about import version_text as version_text
    from clinic.cli.main import main as cli_main  # noqa: F401
    from clinic.clients import intake as intake_rules  # noqa: F401
    from clinic.clients.details import problems as client_details_problems  # noqa: F401
    from clinic.clients.documents import MAX_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES
    from clinic.conflicts import parties as conflict_parties  # noqa: F401
    from clinic.conflicts.parties import VOLUNTEER_NOTICE as CONFLICT_NOTICE  # noqa: F401
    from clinic.conflicts.parties import ClearResult as ClearResult
    from clinic.eligibility import assets as asset_model  # noqa: F401
    from clinic.eligibility import income as income_model  # noqa: F401
    from clinic.eligibility.assess import assess_on as assess_income  # noqa: F401
    from clinic.eligibility.funding import FundingSource as FundingSource
    from clinic.eligibility.funding import qualify as qualify_funding  # noqa: F401
    from clinic.eligibility.guidelines import Region as GuidelineRegion  # noqa: F401
    from clinic.eligibility.guidelines import read_csv_file as read_guideline_csv  # noqa: F401
    from clinic.files import atomic_write as atomic_write
    from clinic.home import Home as Home
    from clinic.incidents import model as incident_model  # noqa: F401
    from clinic.incidents.checks import problems as incident_problems  # noqa: F401
    from clinic.keys.unlock_guard import UnlockGuard as UnlockGuard
    from clinic.letters.compose import LetterRequest as LetterRequest
    from clinic.letters.compose import compose_letter as compose_letter
    from clinic.letters.compose import default_filename as default_filename
    from clinic.letters.render import render_letter as render_letter
    from clinic.letters.render import render_recovery_kit as render_recovery_kit
    from clinic.letters.render import warm_letters as warm_letters
    from clinic.maintenance import purge as purge  # noqa: F401
    from clinic.maintenance.backup import make_backup as make_backup
    from clinic.maintenance.backup import may_back_up as may_back_up
    from clinic.maintenance.backup import reminder as backup_reminder  # noqa: F401
    from clinic.maintenance.backup import status as backup_status  # noqa: F401
    from clinic.maintenance.restore import replace_with as restore_over  # noqa: F401
    from clinic.maintenance.restore import restore_backup as restore_backup
    from clinic.maintenance.restore import stage_replacement as stage_restore_over  # noqa: F401
    from clinic.maintenance.retention import Retention as Retention
    from clinic.maintenance.retention import RetentionSettings as RetentionSettings
    from clinic.maintenance.verify_backup import verify_backup as verify_backup
    from clinic.models.referrals import Group as Group
    from clinic.models.referrals import Service as Service
    from clinic.preparedness import model as plan_model  # noqa: F401
    from clinic.referrals.csvfile import MAX_CSV_BYTES as MAX_CSV_BYTES
    from clinic.referrals.csvfile import read_csv_text as read_csv_text
    from clinic.referrals.partners import lsc_warning as lsc_warning
    from clinic.reports import public as public_report  # noqa: F401
    from clinic.vault import Vault as Vault
