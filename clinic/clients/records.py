"""Clients, intakes, cases, sealed values, documents and settings as the acting user may see them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import mimetypes
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from clinic import models as m
from clinic.access import Can
from clinic.clients import intake as intake_rules
from clinic.clock import now, now_iso
from clinic.crypto import primitives as p
from clinic.errors import NotFound, PermissionDenied, ValidationError, VaultDamaged
from clinic.i18n import _
from clinic.storage.db import transaction
from clinic.storage.fts import fts_query, ref_prefix, tokens
from clinic.storage.repos.clients import (
    CaseRepo,
    ClientRepo,
    DocumentRepo,
    IntakeRepo,
    SealedRepo,
    SettingsRepo,
)
from clinic.storage.repos.conflicts import CaseCodesRepo

if TYPE_CHECKING:
    from clinic.vault import Vault

VOLUNTEER_WINDOW = dt.timedelta(hours=24)
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def _not_found() -> NotFound:
    return NotFound(_("No client with that reference."))


class Clients:
    def __init__(self, vault: Vault):
        self._v = vault

    def _repo(self) -> ClientRepo:
        return ClientRepo(self._v.conn)

    def id_for(self, ref: str) -> m.ClientId:
        client_id = self._repo().id_for_ref(ref)
        if client_id is None:
            raise _not_found()
        return client_id

    def lookup(self, text: str, *, limit: int = 20) -> list[m.ClientMatch]:
        """Is this person already a client? Names only; name, date of birth and last visit back."""
        self._v.require(Can.LOOKUP_CLIENT)
        match = fts_query(text, columns=("names",))
        return self._repo().matches(self._repo().search_ids(match, limit)) if match else []

    def search(self, text: str, *, limit: int = 50) -> list[m.ClientRow]:
        """Names, phones and notes, accent- and case-insensitive; never sealed fields."""
        self._v.require(Can.VIEW_CLIENTS)
        repo = self._repo()
        ref = ref_prefix(text)
        ids = repo.ids_by_ref_prefix(ref, limit) if ref else []
        match = fts_query(text)
        if match and not ids:
            ids = repo.search_ids(match, limit)
        return repo.rows(ids)

    def possible_duplicates(self, *, given_names: str, family_name_1: str, family_name_2: str = "",
                            date_of_birth: dt.date | None = None, limit: int = 5) -> list[m.ClientMatch]:
        """Returning clients that look like the person being typed in, best first."""
        self._v.require(Can.LOOKUP_CLIENT)
        words = [w for w in tokens(f"{given_names} {family_name_1} {family_name_2}") if len(w) >= 2]
        if not words:
            return []
        repo = self._repo()
        # Bounded candidate sets, never a ranking of every client sharing a first name: the whole name;
        # each pair of its words (one of them misspelt); the same date of birth (its index); and single
        # words only when nothing else was found.
        queries = [words] + ([list(pair) for pair in itertools.combinations(words[:4], 2)] if len(words) > 2 else [])
        ids: dict[int, None] = {}
        for group in queries:
            ids.update(dict.fromkeys(repo.search_ids(fts_query(" ".join(group), columns=("names",)), 200)))
        if date_of_birth:
            ids.update(dict.fromkeys(repo.ids_born_on(date_of_birth, 500)))
        if len(ids) < limit:
            for word in words:
                ids.update(dict.fromkeys(repo.search_ids(fts_query(word, columns=("names",)), 50)))
        candidates = repo.matches(list(ids))
        typed = m.display_name(given_names, family_name_1, family_name_2).casefold()
        scored = []
        for c in candidates:
            score = fuzz.token_set_ratio(typed, c.display_name.casefold())
            if date_of_birth and c.date_of_birth == date_of_birth:
                score += 25
            elif date_of_birth and c.date_of_birth:
                score -= 15
            if score >= 70:
                scored.append((score, c))
        scored.sort(key=lambda sc: -sc[0])
        return [c for _s, c in scored[:limit]]

    def page(self, after: tuple[str, int] | None = None, limit: int = 200
             ) -> list[tuple[m.ClientRow, tuple[str, int]]]:
        """A page of every client in name order; pass the last row's key to get the next page."""
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().page(after, limit)

    def count(self) -> int:
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().count()

    def get(self, ref_or_id: str | int) -> m.ClientFile:
        """The client's file as the acting user may see it. Volunteers: only their intakes of the last day."""
        self._v.require(Can.LOOKUP_CLIENT)
        client_id = self.id_for(ref_or_id) if isinstance(ref_or_id, str) else ref_or_id
        client = self._repo().get(client_id)
        if client is None:
            raise _not_found()
        conn = self._v.conn
        intakes = IntakeRepo(conn).for_client(client_id)
        if not self._v.can(Can.VIEW_CLIENTS):
            since = now() - VOLUNTEER_WINDOW
            intakes = [i for i in intakes if i.recorded_by == self._v.user.id and i.recorded_at >= since]
            if not intakes:
                raise PermissionDenied(_("Volunteers can open only intakes they recorded in the last 24 "
                                         "hours. Ask a coordinator or attorney."))
            cases, notes, documents = (), (), ()
            if self._repo().created_by(client_id) != self._v.user.id:
                # A returning client someone else registered: linking an intake to them must not reveal
                # where they live or how to reach them.
                client = dataclasses.replace(client, phones=(), address="")
        else:
            cases = tuple(CaseRepo(conn).for_client(client_id))
            notes = tuple(CaseRepo(conn).notes(client_id=client_id))
            documents = tuple(DocumentRepo(conn).for_client(client_id))
        with transaction(conn):
            self._v.audit("client.view", f"client:{client_id}")
        return m.ClientFile(client, tuple(intakes), cases, notes, documents,
                            tuple(SealedRepo(conn).fields_for_client(client_id)))


class Intakes:
    def __init__(self, vault: Vault):
        self._v = vault

    def record(self, draft: m.IntakeDraft, *, is_demo: bool = False) -> m.IntakeReceipt:
        """Validate and save in one transaction; once this returns, the intake survives a crash.

        Then the case is checked for conflicts (the client and every party named); a volunteer learns only
        that there is a possible conflict for an attorney to review."""
        receipt = self.record_many([draft], is_demo=is_demo)[0]
        check = self._v.conflicts.check_case(receipt.case_id)
        return dataclasses.replace(receipt, possible_conflict=check.possible_conflict)

    def record_many(self, drafts: list[m.IntakeDraft], *, is_demo: bool = False) -> list[m.IntakeReceipt]:
        """Save several intakes in one transaction (imports, the demo vault): all or none."""
        self._v.require(Can.RECORD_INTAKE)
        drafts = [intake_rules.validate(intake_rules.with_defaults(d)) for d in drafts]
        sealer = _Sealer(self._v) if any(d.sealed for d in drafts) else None
        with transaction(self._v.conn):
            return [self._record_one(d, sealer, is_demo) for d in drafts]

    def _record_one(self, draft: m.IntakeDraft, sealer: _Sealer | None, is_demo: bool) -> m.IntakeReceipt:
        conn = self._v.conn
        at = now_iso()
        clients = ClientRepo(conn)
        if draft.existing_client is not None:
            existing = clients.get(draft.existing_client)
            if existing is None:
                raise ValidationError("existing_client", _("That returning client no longer exists."))
            client_id, ref, new = existing.id, existing.ref, False
            clients.update_contact(client_id, draft)
        else:
            (client_id, ref), new = clients.insert(draft, created_by=self._v.user.id, is_demo=is_demo,
                                                   at=at), True
        intake_id = IntakeRepo(conn).insert(client_id, draft, recorded_by=self._v.user.id, at=at)
        case_id = CaseRepo(conn).insert(client_id=client_id, intake_id=intake_id, d=draft, at=at)
        for field, value in draft.sealed.items():
            sealer.seal(client_id=client_id, intake_id=intake_id, field=field, value=value)
        conflicts = self._v.conflicts
        conflicts.add_parties(client_id=client_id, case_id=case_id, intake_id=intake_id,
                              drafts=[*draft.adverse_parties, *draft.household_members])
        self._v.eligibility.save_for_intake(intake_id, draft.income, household_size=draft.household_size,
                                            on=dt.date.fromisoformat(at[:10]), region=draft.region)
        clients.touch_visit(client_id, at)
        clients.reindex(client_id)
        c = clients.get(client_id)
        conflicts.index_client(client_id, c.given_names, c.family_name_1, c.family_name_2, c.preferred_name)
        self._v.audit("intake.create", f"intake:{intake_id}", client=client_id, new_client=new,
                      sealed=len(draft.sealed))
        return m.IntakeReceipt(client_id, ref, intake_id, case_id, new)

    def get(self, intake_id: int) -> m.Intake:
        self._v.require(Can.LOOKUP_CLIENT)
        intake = IntakeRepo(self._v.conn).get(intake_id)
        if intake is None:
            raise NotFound(_("No intake with that number."))
        if not self._v.can(Can.VIEW_CLIENTS) and (
                intake.recorded_by != self._v.user.id or intake.recorded_at < now() - VOLUNTEER_WINDOW):
            raise PermissionDenied(_("Volunteers can open only intakes they recorded in the last 24 hours. "
                                     "Ask a coordinator or attorney."))
        with transaction(self._v.conn):
            self._v.audit("intake.view", f"intake:{intake_id}")
        return intake

    def mine_recent(self) -> list[tuple[m.Intake, m.ClientMatch]]:
        """What the acting user recorded in the last 24 hours (a volunteer's own list)."""
        self._v.require(Can.RECORD_INTAKE)
        since = (now() - VOLUNTEER_WINDOW).isoformat(timespec="microseconds")
        intakes = IntakeRepo(self._v.conn).recorded_by_since(self._v.user.id, since)
        matches = {c.id: c for c in ClientRepo(self._v.conn).matches(list({i.client_id for i in intakes}))}
        return [(i, matches[i.client_id]) for i in intakes if i.client_id in matches]


class _Sealer:
    """Seals attorney-only values to the clinic's privileged public key, after checking it is ours."""

    def __init__(self, vault: Vault):
        self._v = vault
        self.public, self.fpr = vault.privileged_public()
        if p.fingerprint(self.public) != self.fpr or self.fpr != vault.keys.privileged_fpr:
            raise VaultDamaged(_("The clinic's sealing key in the database does not match the one your "
                                 "account was enrolled with. Nothing was saved. Ask the administrator."))

    def seal(self, *, client_id: int, intake_id: int | None, field: m.SealedField, value: str) -> None:
        ad = f"{self._v.vault_id}|{client_id}|{field.value}".encode()
        blob = p.seal(self.public, value.encode("utf-8"), ad)
        SealedRepo(self._v.conn).add(client_id=client_id, intake_id=intake_id, field=field, ciphertext=blob,
                                     key_fpr=self.fpr, by=self._v.user.id)


class Sealed:
    def __init__(self, vault: Vault):
        self._v = vault

    def reveal(self, client_id: int) -> dict[m.SealedField, str]:
        """Decrypt a client's attorney-only values (latest per field). Every reveal is audited."""
        self._v.require(Can.VIEW_SEALED)
        private = self._v.keys.privileged_private
        if private is None:
            raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
        values: dict[m.SealedField, str] = {}
        rows = SealedRepo(self._v.conn).for_client(client_id)
        for _id, _intake, field, blob in rows:
            ad = f"{self._v.vault_id}|{client_id}|{field.value}".encode()
            try:
                values[field] = p.unseal(bytes(private), blob, ad).decode("utf-8")
            except p.DecryptionFailed:
                raise VaultDamaged(_("An attorney-only value could not be decrypted; it may have been "
                                     "altered.")) from None
        with transaction(self._v.conn):
            self._v.audit("sealed.reveal", f"client:{client_id}", fields=sorted(f.value for f in values))
        return values

    def set(self, client_id: int, field: m.SealedField, value: str) -> None:
        """Record a new value for one attorney-only field (the history is kept, sealed)."""
        self._v.require(Can.VIEW_SEALED)
        intake_rules._check_text("sealed", value, m.MAX_SEALED, multiline=True)
        with transaction(self._v.conn):
            _Sealer(self._v).seal(client_id=client_id, intake_id=None, field=m.SealedField(field), value=value)
            self._v.audit("sealed.edit", f"client:{client_id}", field=m.SealedField(field).value)


class Cases:
    def __init__(self, vault: Vault):
        self._v = vault

    def _repo(self) -> CaseRepo:
        return CaseRepo(self._v.conn)

    def list(self, f: m.CaseFilter | None = None, *, limit: int = 500) -> list[m.CaseRow]:
        self._v.require(Can.VIEW_CLIENTS)
        f = f or m.CaseFilter()
        ids = None
        if f.text.strip():
            match = fts_query(f.text)
            ids = ClientRepo(self._v.conn).search_ids(match, 1000) if match else []
        return self._repo().list(f, ids, limit)

    def get(self, case_id: int) -> m.Case:
        self._v.require(Can.VIEW_CLIENTS)
        case = self._repo().get(case_id)
        if case is None:
            raise NotFound(_("No case with that number."))
        return case

    def set_status(self, case_id: int, status: m.CaseStatus, reason: str, *,
                   rejection_reason: str | None = None, closure_category: str | None = None) -> m.Case:
        """Change a case's status. Accepting needs a cleared conflict check; a rejection may carry a reason
        from the fixed list, a closing an LSC closure category."""
        from clinic import codes

        self._v.require(Can.REVIEW_CASES)
        self.get(case_id)
        extra: dict[str, str] = {}
        if rejection_reason is not None:
            if m.CaseStatus(status) is not m.CaseStatus.REJECTED or rejection_reason not in set(
                    codes.RejectionReason):
                raise ValidationError("rejection_reason", _("Choose a rejection reason from the list, and only "
                                                            "when rejecting."))
            extra["rejection_reason"] = rejection_reason
        if closure_category is not None:
            if m.CaseStatus(status) is not m.CaseStatus.CLOSED or closure_category not in codes.closure_categories():
                raise ValidationError("closure_category", _("Choose an LSC closure category from the list, and "
                                                            "only when closing."))
            extra["closure_category"] = closure_category
        reason = intake_rules._check_text("reason", reason, m.MAX_SHORT, multiline=True,
                                          required=status in (m.CaseStatus.REJECTED, m.CaseStatus.CLOSED))
        if m.CaseStatus(status) is m.CaseStatus.ACCEPTED:
            self._v.conflicts.require_cleared(case_id)
        with transaction(self._v.conn):
            old = self._repo().set_status(case_id, m.CaseStatus(status), by=self._v.user.id, reason=reason)
            if extra:
                CaseCodesRepo(self._v.conn).set(case_id, **extra)
            self._v.audit("case.status", f"case:{case_id}", old=old.value, new=m.CaseStatus(status).value)
        return self.get(case_id)

    def set_problem_code(self, case_id: int, code: int) -> m.Case:
        """Attorneys may set any LSC CSR problem code (the full list, not only the need's default)."""
        from clinic import codes

        self._v.require(Can.REVIEW_CASES)
        self.get(case_id)
        if isinstance(code, bool) or code not in codes.problem_codes():
            raise ValidationError("problem_code", _("That is not an LSC problem code."))
        with transaction(self._v.conn):
            CaseCodesRepo(self._v.conn).set_problem_code(case_id, code)
            self._v.audit("case.problem_code", f"case:{case_id}", code=code)
        return self.get(case_id)

    def codes(self, case_id: int) -> tuple[str | None, str | None]:
        """(LSC closure category, rejection reason) recorded on the case, if any."""
        self._v.require(Can.VIEW_CLIENTS)
        closure, rejection, _note = CaseCodesRepo(self._v.conn).get(case_id)
        return closure, rejection

    def history(self, case_id: int) -> list[m.StatusChange]:
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().history(case_id)

    def assign(self, case_id: int, staff_id: int | None) -> m.Case:
        self._v.require(Can.REVIEW_CASES)
        self.get(case_id)
        with transaction(self._v.conn):
            self._repo().assign(case_id, staff_id)
            self._v.audit("case.assign", f"case:{case_id}", staff=staff_id)
        return self.get(case_id)

    def add_note(self, case_id: int, body: str) -> m.Note:
        self._v.require(Can.ADD_NOTES)
        case = self.get(case_id)
        intake_rules._check_text("notes", body, m.MAX_NOTES, multiline=True, required=True)
        with transaction(self._v.conn):
            note_id = self._repo().add_note(case_id, author=self._v.user.id, body=body)
            ClientRepo(self._v.conn).reindex(case.client_id)
            self._v.audit("note.add", f"case:{case_id}", note=note_id)
        return next(n for n in self.notes(case_id) if n.id == note_id)

    def notes(self, case_id: int) -> list[m.Note]:
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().notes(case_id=case_id)


class Documents:
    """Files attached to a case, stored inside the encrypted database; opened only on request."""

    def __init__(self, vault: Vault):
        self._v = vault

    def attach(self, case_id: int, filename: str, content: bytes, mime_type: str = "") -> m.DocumentInfo:
        self._v.require(Can.ATTACH_DOCUMENTS)
        self._v.cases.get(case_id)
        filename = intake_rules._check_text("filename", filename.replace("/", "_").replace("\\", "_"),
                                            m.MAX_NAME, required=True)
        if len(content) > MAX_DOCUMENT_BYTES:
            raise ValidationError("document", _("Documents can be at most {mb} MB.")
                                  .format(mb=MAX_DOCUMENT_BYTES // (1024 * 1024)))
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        repo = DocumentRepo(self._v.conn)
        with transaction(self._v.conn):
            doc_id = repo.add(case_id, filename=filename, mime_type=mime_type, content=content,
                              by=self._v.user.id)
            self._v.audit("document.attach", f"document:{doc_id}", case=case_id, size=len(content))
        return repo.info(doc_id)

    def for_case(self, case_id: int) -> list[m.DocumentInfo]:
        """The documents attached to one case (names and sizes; contents only through open)."""
        self._v.require(Can.VIEW_CLIENTS)
        return DocumentRepo(self._v.conn).for_case(case_id)

    def open(self, doc_id: int) -> tuple[m.DocumentInfo, bytes]:
        self._v.require(Can.VIEW_CLIENTS)
        repo = DocumentRepo(self._v.conn)
        info = repo.info(doc_id)
        if info is None:
            raise NotFound(_("No document with that number."))
        with transaction(self._v.conn):
            self._v.audit("document.open", f"document:{doc_id}")
        return info, repo.content(doc_id)

    def record_export(self, doc_id: int) -> None:
        """Audit that a person saved a document out of the vault (the UI warns them first)."""
        self._v.require(Can.VIEW_CLIENTS)
        with transaction(self._v.conn):
            self._v.audit("document.export", f"document:{doc_id}")


class Settings:
    def __init__(self, vault: Vault):
        self._v = vault

    def get(self) -> m.ClinicSettings:
        s = SettingsRepo(self._v.conn)
        return m.ClinicSettings(name=s.get("clinic_name"), address=s.get("clinic_address"),
                                phone=s.get("clinic_phone"),
                                idle_lock_minutes=int(s.get("idle_lock_minutes", "5") or 5),
                                demo=s.get("demo") == "1")

    def update(self, settings: m.ClinicSettings) -> m.ClinicSettings:
        self._v.require(Can.MANAGE_SETTINGS)
        intake_rules._check_text("clinic_name", settings.name, m.MAX_NAME, required=True)
        intake_rules._check_text("clinic_address", settings.address, m.MAX_SHORT, multiline=True)
        intake_rules._check_text("clinic_phone", settings.phone, 60)
        if not 1 <= settings.idle_lock_minutes <= 120:
            raise ValidationError("idle_lock_minutes", _("The idle lock must be between 1 and 120 minutes."))
        s = SettingsRepo(self._v.conn)
        with transaction(self._v.conn):
            s.set("clinic_name", settings.name.strip())
            s.set("clinic_address", settings.address.strip())
            s.set("clinic_phone", settings.phone.strip())
            s.set("idle_lock_minutes", str(settings.idle_lock_minutes))
            s.set("demo", "1" if settings.demo else "")
            self._v.audit("settings.update")
        return self.get()

    def audit_log(self, limit: int = 200) -> list[m.AuditEntry]:
        from clinic.clock import parse_ts
        from clinic.storage import audit

        self._v.require(Can.VIEW_AUDIT)
        return [m.AuditEntry(r[0], parse_ts(r[1]), r[2], r[3], r[4]) for r in audit.recent(self._v.conn, limit)]
