"""Who may do what: the one table of role permissions, checked by the core on every call."""

from __future__ import annotations

from enum import StrEnum

from clinic.errors import PermissionDenied
from clinic.i18n import _
from clinic.models import Role


class Can(StrEnum):
    RECORD_INTAKE = "record_intake"
    LOOKUP_CLIENT = "lookup_client"  # name, date of birth and last visit only
    VIEW_CLIENTS = "view_clients"  # whole files, except sealed values
    EDIT_CLIENTS = "edit_clients"  # correct a client's details after intake (kept in the history)
    VIEW_SEALED = "view_sealed"
    REVIEW_CASES = "review_cases"  # status, assignment
    ADD_NOTES = "add_notes"
    ATTACH_DOCUMENTS = "attach_documents"
    MANAGE_PARTNERS = "manage_partners"
    MAKE_REFERRALS = "make_referrals"
    APPROVE_SEALED_DISCLOSURE = "approve_sealed_disclosure"
    MANAGE_STAFF = "manage_staff"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"
    RECORD_INCIDENT = "record_incident"
    VIEW_INCIDENTS = "view_incidents"  # every incident, never the sealed reporter
    VERIFY_INCIDENTS = "verify_incidents"
    MANAGE_NEIGHBOURHOODS = "manage_neighbourhoods"
    PUBLISH_REPORTS = "publish_reports"


    CLEAR_CONFLICTS = "clear_conflicts"  # record the decision on a case's conflict check
    PURGE = "purge"  # apply the retention settings (admins only)
    FORGET_CLIENT = "forget_client"  # delete one client entirely, with a reason
    LEGAL_HOLD = "legal_hold"  # put a case on legal hold, or lift it
    MANAGE_BACKUPS = "manage_backups"  # make and check backups (admins; other roles if the admin allows)
    RESTORE_BACKUP = "restore_backup"  # replace the open vault with a backup, in the app (admins only)
    SUPERVISE_CASES = "supervise_cases"  # see everyone's deadlines (admins; attorneys an admin makes supervising)


_EVERYONE = {Can.RECORD_INTAKE, Can.LOOKUP_CLIENT, Can.RECORD_INCIDENT}
_READERS = _EVERYONE | {Can.VIEW_CLIENTS, Can.EDIT_CLIENTS, Can.ADD_NOTES, Can.ATTACH_DOCUMENTS, Can.MAKE_REFERRALS,
                        Can.VIEW_INCIDENTS, Can.VERIFY_INCIDENTS, Can.PUBLISH_REPORTS}

PERMISSIONS: dict[Role, frozenset[Can]] = {
    Role.VOLUNTEER: frozenset(_EVERYONE),
    Role.COORDINATOR: frozenset(_READERS | {Can.MANAGE_PARTNERS, Can.MANAGE_NEIGHBOURHOODS}),
    Role.ATTORNEY: frozenset(_READERS | {Can.VIEW_SEALED, Can.REVIEW_CASES, Can.APPROVE_SEALED_DISCLOSURE,
                                         Can.MANAGE_PARTNERS, Can.CLEAR_CONFLICTS,
                                         Can.FORGET_CLIENT, Can.LEGAL_HOLD}),
    Role.ADMIN: frozenset(Can),
}


def allowed(role: Role, what: Can) -> bool:
    return what in PERMISSIONS[role]


def require(role: Role, what: Can) -> None:
    if not allowed(role, what):
        raise PermissionDenied(_("Your role ({role}) does not allow this.").format(role=_(role.label)))
