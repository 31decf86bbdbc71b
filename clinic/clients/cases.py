"""Cases: the queue, status changes, notes, deadlines, and who may see what."""

from __future__ import annotations

from collections.abc import Callable

from clinic import models as m
from clinic.access import Can
from clinic.clients import intake as intake_rules
from clinic.clients.fields import check_date, check_text
from clinic.conflicts.service import Conflicts
from clinic.eligibility.service import Eligibility
from clinic.errors import NotFound, ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.fts import fts_query
from clinic.storage.repos.cases import CaseRepo, DeadlineRepo
from clinic.storage.repos.clients import ClientRepo
from clinic.storage.repos.conflicts import CaseCodesRepo
from clinic.storage.repos.history import HistoryRepo


class Cases:
    def __init__(self, session: Session, *, conflicts: Conflicts, eligibility: Eligibility,
                 on_status: Callable[[int], object] | None = None):
        """`on_status(case_id)` runs inside each status change's transaction (the facade counts a legal
        consultation for an incident the client came from); cases never import incidents."""
        self._v = session
        self._on_status = on_status
        self._conflicts = conflicts
        self._eligibility = eligibility

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
                   rejection_reason: str | None = None, closure_category: str | None = None,
                   rejection_note: str = "") -> m.Case:
        """Change a case's status. Accepting needs a cleared conflict check; rejecting needs a reason from
        the fixed list ("other" with a note); closing needs an LSC closure category."""
        from clinic import codes

        self._v.require(Can.REVIEW_CASES)
        self.get(case_id)
        status = m.CaseStatus(status)
        extra = codes.check_status_codes(status, rejection_reason=rejection_reason,
                                         closure_category=closure_category, rejection_note=rejection_note)
        check_text("rejection_note", rejection_note, m.MAX_SHORT, multiline=True)
        reason = check_text("reason", reason, m.MAX_SHORT, multiline=True,
                            required=status in (m.CaseStatus.REJECTED, m.CaseStatus.CLOSED))
        if status is m.CaseStatus.ACCEPTED:
            self._conflicts.require_cleared(case_id)
        with transaction(self._v.conn):
            old = self._repo().set_status(case_id, status, by=self._v.user.id, reason=reason)
            if extra:
                CaseCodesRepo(self._v.conn).set(case_id, **extra)
            self._v.audit("case.status", f"case:{case_id}", old=old.value, new=status.value,
                          code=extra.get("closure_category") or extra.get("rejection_reason"))
            if self._on_status:
                self._on_status(case_id)
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

    def funding_source(self, case_id: int) -> str:
        """The funding source the case is tagged with ("" while none is), as the funder report reads it."""
        return self.funding(case_id).source

    def funding(self, case_id: int) -> m.CaseFunding:
        """The case's funding tag and the reason noted when the tag took an exception."""
        self.get(case_id)
        return m.CaseFunding(*self._repo().funding(case_id))

    def set_funding_source(self, case_id: int, name: str, *, exception_reason: str = "") -> str:
        """An attorney tags the case with one of the configured funding sources ("" takes the tag off).

        Over the source's income ceiling but within its exception ceiling (45 CFR 1611.5), the tag needs
        `exception_reason`, stored with it (in the vault only: the audit says just that there was one).
        Within the ceiling no reason is kept; over the exception ceiling the tag is refused
        (Eligibility.check_tag)."""
        self._v.require(Can.REVIEW_CASES)
        case = self.get(case_id)
        name = name.strip() if isinstance(name, str) else name
        sources = {s.name: s for s in self._eligibility.sources()}
        if name != "" and name not in sources:
            raise ValidationError("funding_source", _("Funding source must be one of: {sources}.")
                                  .format(sources=", ".join(sources)))
        reason = ""
        if name and self._eligibility.check_tag(case.intake_id, sources[name]):
            reason = check_text("funding_exception_reason", exception_reason, m.MAX_SHORT, multiline=True)
            if not reason.strip():
                raise ValidationError("funding_exception_reason", _(
                    "{source} takes this household only as an exception under the policy it adopted (45 CFR "
                    "1611.5): note the reason.").format(source=name))
            reason = reason.strip()
        with transaction(self._v.conn):
            old = self._repo().set_funding_source(case_id, name, reason)
            self._v.audit("case.funding_source", f"case:{case_id}", old=old, new=name, exception=bool(reason))
        return name

    def codes(self, case_id: int):
        """The LSC closure category, rejection reason and its note recorded on the case (clinic.codes.CaseCodes)."""
        from clinic import codes

        self._v.require(Can.VIEW_CLIENTS)
        return codes.CaseCodes(*CaseCodesRepo(self._v.conn).get(case_id))

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
        check_text("notes", body, m.MAX_NOTES, multiline=True, required=True)
        with transaction(self._v.conn):
            note_id = self._repo().add_note(case_id, author=self._v.user.id, body=body)
            ClientRepo(self._v.conn).reindex(case.client_id)
            self._v.audit("note.add", f"case:{case_id}", note=note_id)
        return next(n for n in self.notes(case_id) if n.id == note_id)

    def notes(self, case_id: int) -> list[m.Note]:
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().notes(case_id=case_id)


    # ----- hearings and deadlines (attorneys); the case's next date is the soonest one not done -----

    def deadlines(self, case_id: int) -> list[m.Deadline]:
        self._v.require(Can.VIEW_CLIENTS)
        self.get(case_id)
        return DeadlineRepo(self._v.conn).for_case(case_id)

    @staticmethod
    def _check_deadline(d: m.DeadlineDraft) -> m.DeadlineDraft:
        try:
            kind = m.DeadlineKind(d.kind)
        except ValueError:
            raise ValidationError("deadline_kind", _("Choose what kind of date this is from the list.")) from None
        if d.due_date is None:
            raise ValidationError("due_date", _("{field} is required.").format(field=intake_rules.label("due_date")))
        check_date("due_date", d.due_date)
        note = check_text("deadline_note", d.note, m.MAX_SHORT, multiline=True)
        return m.DeadlineDraft(kind, d.due_date, note, bool(d.done))

    @staticmethod
    def _deadline_text(d: m.DeadlineDraft | m.Deadline) -> dict[str, str]:
        return {"deadline_kind": d.kind.value, "due_date": d.due_date.isoformat(), "deadline_note": d.note,
                "done": "yes" if d.done else "no"}

    def _record(self, case: m.Case, deadline_id: int, changed: list[tuple[str, str, str]], action: str) -> None:
        ids = HistoryRepo(self._v.conn).add(client_id=case.client_id, target=f"deadline:{deadline_id}",
                                            changes=changed, by=self._v.user.id)
        DeadlineRepo(self._v.conn).sync_next_date(case.id)
        self._v.audit(action, f"case:{case.id}", deadline=deadline_id, changes=ids)

    def add_deadline(self, case_id: int, draft: m.DeadlineDraft) -> m.Deadline:
        """Add a hearing, check-in or deadline. The date the intake gave becomes the case's first entry."""
        self._v.require(Can.REVIEW_CASES)
        case = self.get(case_id)
        d = self._check_deadline(draft)
        repo = DeadlineRepo(self._v.conn)
        with transaction(self._v.conn):
            if case.next_date and not repo.for_case(case_id):
                repo.add(case_id, m.DeadlineDraft(m.DeadlineKind.OTHER, case.next_date))
            deadline_id = repo.add(case_id, d)
            added = [(k, "", v) for k, v in self._deadline_text(d).items() if v and (k, v) != ("done", "no")]
            self._record(case, deadline_id, added, "deadline.add")
        return repo.get(deadline_id)

    def edit_deadline(self, deadline_id: int, draft: m.DeadlineDraft) -> m.Deadline:
        """Change a deadline's kind, date, note or whether it is done; the old values go to the history."""
        self._v.require(Can.REVIEW_CASES)
        repo = DeadlineRepo(self._v.conn)
        old = repo.get(deadline_id)
        if old is None:
            raise NotFound(_("No deadline with that number."))
        case = self.get(old.case_id)
        d = self._check_deadline(draft)
        before, after = self._deadline_text(old), self._deadline_text(d)
        changed = [(k, before[k], after[k]) for k in before if before[k] != after[k]]
        if changed:
            with transaction(self._v.conn):
                repo.update(deadline_id, d)
                self._record(case, deadline_id, changed, "deadline.edit")
        return repo.get(deadline_id)
