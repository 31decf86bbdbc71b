"""Deleting what the clinic should no longer hold, for good: the retention purge and "forget a client".

    plan = purge.plan(vault)                 # counts only: what the retention settings make due
    purge.run(vault, plan)                   # admins; refused if the counts changed since they were shown
    purge.forget(vault, "C-7K3M-9QXD", reason="the client asked")   # admins and attorneys

Both delete rows, sealed values, documents, letters and search-index entries in one transaction, then
make the bytes unrecoverable: secure_delete is on for every connection (freed cells are zeroed), the
search index is merged so no old segment keeps a deleted term, the WAL is checkpointed and truncated,
and VACUUM rewrites the file without free pages. Audit rows keep ids only; the purge itself is audited.
"""

from __future__ import annotations

import contextlib
import errno
from dataclasses import dataclass, fields

from clinic.access import Can
from clinic.clock import now_iso
from clinic.errors import NotFound, PermissionDenied, UserError, ValidationError
from clinic.i18n import _, ngettext
from clinic.maintenance.retention import Retention, check_reason, cutoffs
from clinic.storage.db import DatabaseError, transaction
from clinic.storage.repos.clients import ClientRepo
from clinic.storage.repos.retention import RetentionRepo


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    clients: int = 0
    intakes: int = 0
    cases: int = 0
    notes: int = 0
    documents: int = 0
    letters: int = 0
    sealed_values: int = 0
    incident_media: int = 0  # photos and videos of incidents (their content; hash and custody log stay)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def lines(self) -> list[str]:
        """One translated line per kind, for a person to confirm (counts only, never names)."""
        return [
            ngettext("{n} client", "{n} clients", self.clients).format(n=self.clients),
            ngettext("{n} intake", "{n} intakes", self.intakes).format(n=self.intakes),
            ngettext("{n} case", "{n} cases", self.cases).format(n=self.cases),
            ngettext("{n} case note", "{n} case notes", self.notes).format(n=self.notes),
            ngettext("{n} document", "{n} documents", self.documents).format(n=self.documents),
            ngettext("{n} letter", "{n} letters", self.letters).format(n=self.letters),
            ngettext("{n} attorney-only value", "{n} attorney-only values", self.sealed_values)
            .format(n=self.sealed_values),
            ngettext("{n} incident photo or video", "{n} incident photos or videos", self.incident_media)
            .format(n=self.incident_media),
        ]


@dataclass(frozen=True, slots=True)
class _Due:
    clients: list[int]
    cases: list[int]
    intakes: list[int]
    letters: list[int]
    documents: list[int]
    media: list[int]


def _due(vault) -> _Due:
    limits = cutoffs(Retention(vault).settings())
    repo = RetentionRepo(vault.conn)
    clients = repo.clients_due(intake_before=limits["intake"], case_before=limits["case"])
    cases = repo.cases_due(intake_before=limits["intake"], case_before=limits["case"], skip_clients=clients)
    intakes = repo.intakes_due(intake_before=limits["intake"], skip_clients=clients, skip_cases=cases)
    return _Due(clients, cases, intakes, repo.letters_due(before=limits["letter"]),
                repo.documents_due(before=limits["document"]),
                repo.media_due(before=limits["media"], fact_before=limits["media_fact"]))


def _count(repo: RetentionRepo, due: _Due) -> PurgeCounts:
    cases = sorted({*due.cases, *repo.cases_of(due.clients)})
    intakes = sorted({*due.intakes, *repo.intakes_of(due.clients)})
    referrals = {*repo.select("referrals", "client_id", due.clients), *repo.select("referrals", "case_id", cases)}
    letters = {*due.letters, *repo.select("letters", "referral_id", sorted(referrals))}
    documents = {*due.documents, *repo.select("documents", "case_id", cases)}
    return PurgeCounts(
        clients=len(due.clients), intakes=len(intakes), cases=len(cases),
        notes=repo.count("notes", "case_id", cases), documents=len(documents), letters=len(letters),
        sealed_values=repo.count("sealed_values", "client_id", due.clients)
        + repo.count("sealed_values", "intake_id", due.intakes), incident_media=len(due.media))


def plan(vault) -> PurgeCounts:
    """What a purge would delete now, as counts (never names). Admins only."""
    vault.require(Can.PURGE)
    return _count(RetentionRepo(vault.conn), _due(vault))


def run(vault, shown: PurgeCounts) -> PurgeCounts:
    """Delete what is due, after an admin confirmed `shown` (refused if anything changed since)."""
    vault.require(Can.PURGE)
    repo = RetentionRepo(vault.conn)
    with _nothing_deleted_when_full(), transaction(vault.conn):
        due = _due(vault)
        counts = _count(repo, due)
        if counts != shown:
            raise UserError(_("What is due for deletion changed since the counts were shown. Nothing was "
                              "deleted; look at the counts again."))
        repo.delete_letters(due.letters)
        repo.delete_documents(due.documents)
        touched = {repo.client_of_case(k) for k in due.cases} | set(repo.clients_of_intakes(due.intakes))
        repo.delete_cases(due.cases)
        repo.delete_intakes(due.intakes)
        repo.delete_clients(due.clients)
        repo.purge_media(due.media, by=vault.user.id, at=now_iso())
        clients = ClientRepo(vault.conn)
        for client_id in sorted(touched - set(due.clients)):
            clients.reindex(client_id)  # their deleted intakes' and cases' notes leave the search index
        vault.audit("retention.purge", **counts.as_dict())
    _scrub(vault)
    return counts


def forget(vault, ref: str, *, reason: str) -> None:
    """Delete one client entirely (their request), with a reason; refused while a case is on legal hold.

    The reason is kept in the audit log, so it must not name the client."""
    vault.require(Can.FORGET_CLIENT)
    reason = check_reason(reason)
    clients = ClientRepo(vault.conn)
    client_id = clients.id_for_ref(ref)
    if client_id is None:
        raise NotFound(_("There is no client with the reference {ref}.").format(ref=ref.strip().upper()))
    repo = RetentionRepo(vault.conn)
    folded = reason.casefold()
    if any(len(n) > 2 and n.casefold() in folded for n in repo.client_names(client_id)):
        raise ValidationError("reason", _("The reason is kept in the audit log: do not write the client's name "
                                          "in it."))
    held = repo.held_cases_of(client_id)
    if held:
        raise PermissionDenied(_("Case {id} of this client is on legal hold; nothing of the client can be "
                                 "deleted until an attorney lifts the hold.").format(id=held[0]))
    with _nothing_deleted_when_full(), transaction(vault.conn):
        repo.delete_clients([client_id])
        vault.audit("client.forget", f"client:{client_id}", reason=reason)
    _scrub(vault)


@contextlib.contextmanager
def _nothing_deleted_when_full():
    """A full disk fails the deleting transaction, which is rolled back: say so in one sentence."""
    try:
        yield
    except (DatabaseError, OSError) as exc:
        if "full" in str(exc).lower() or getattr(exc, "errno", None) == errno.ENOSPC:
            raise UserError(_("The disk is full, so nothing was deleted. Free some space and try again.")) \
                from None
        raise


def _scrub(vault) -> None:
    try:
        RetentionRepo(vault.conn).scrub()
    except BlockingIOError:
        raise UserError(_("The records were deleted, but another window of Clinic Intake still has the vault "
                          "open, so the freed space could not be wiped yet. Close it and run the purge "
                          "again.")) from None
    except DatabaseError as exc:
        if "full" in str(exc).lower():
            raise UserError(_("The records were deleted, but the disk is too full to wipe the freed space. "
                              "Free some space and run the purge again.")) from None
        raise
