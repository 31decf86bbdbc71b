"""Conflict checks as the acting user may see them: run, store, view and clear; parties on a case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic import models as m
from clinic.access import Can
from clinic.clients import intake as intake_rules
from clinic.clients.fields import check_text
from clinic.conflicts import matcher
from clinic.conflicts.parties import (
    PLAN_RELATIONSHIPS,
    ClearResult,
    ConflictCheck,
    ConflictMatch,
    Party,
    PartyDraft,
    PartyKind,
)
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.cases import CaseRepo
from clinic.storage.repos.conflicts import ConflictCheckRepo, ConflictIndexRepo, PartyRepo

if TYPE_CHECKING:
    import datetime as dt


# The records one check examines at most, shared between the names it checks (each name at least
# MIN_PER_NAME): those sharing most of a name's keys first (ConflictIndexRepo.candidates). When more
# shared a key, the check says so (`more_candidates`) and counts as a possible conflict.
CANDIDATE_LIMIT = 5000
MIN_PER_NAME = 200
MAX_PARTIES = 30


def client_names(given: str, family_1: str, family_2: str, preferred: str) -> list[str]:
    """The client's name and, where given, the name they prefer (an alias) with the same family names."""
    names = [m.display_name(given, family_1, family_2)]
    if preferred.strip() and preferred.strip().casefold() != given.strip().casefold():
        names.append(m.display_name(preferred, family_1, family_2))
    return names


def _parsed(text: str, is_org: bool, keys_of: dict[str, str] | None = None,
            folded: dict[str, list[str]] | None = None) -> matcher.Name:
    return matcher.org_name(text) if is_org else matcher.person_name(text, keys_of, folded)


class Conflicts:
    def __init__(self, session: Session):
        self._v = session

    # ----- the name index ---------------------------------------------------------------------------

    def index_client(self, client_id: int, given: str, family_1: str, family_2: str, preferred: str) -> None:
        """Store a client's retrieval keys; call inside the transaction that saved the client."""
        keys: set[str] = set()
        for name in client_names(given, family_1, family_2, preferred):
            keys |= matcher.index_keys(matcher.person_name(name))
        repo = ConflictIndexRepo(self._v.conn)
        repo.put("client", client_id, keys)
        if repo.indexed_upto() == client_id - 1:  # the usual case: the newest client, nothing pending
            repo.mark_indexed_upto(client_id)

    def _index_pending(self) -> None:
        repo = ConflictIndexRepo(self._v.conn)
        pending = repo.pending_clients()
        if not pending:
            return
        if self._v.conn.in_transaction:
            self._index(pending)
        else:
            with transaction(self._v.conn):
                self._index(pending)

    def _index(self, pending) -> None:
        for cid, given, f1, f2, preferred in pending:
            self.index_client(cid, given, f1, f2, preferred)
        ConflictIndexRepo(self._v.conn).mark_indexed_upto(pending[-1][0])

    # ----- parties ------------------------------------------------------------------------------------

    def add_parties(self, *, client_id: int, case_id: int | None, intake_id: int | None,
                    drafts: list[PartyDraft]) -> list[int]:
        """Save parties inside the caller's transaction; the case then needs a new check."""
        repo, index = PartyRepo(self._v.conn), ConflictIndexRepo(self._v.conn)
        ids = []
        for d in drafts:
            pid = repo.add(client_id=client_id, case_id=case_id, intake_id=intake_id, kind=d.kind.value,
                           is_org=d.is_org, name=d.name, date_of_birth=d.date_of_birth,
                           relationship=d.relationship, by=self._v.user.id)
            index.put("party", pid, matcher.index_keys(_parsed(d.name, d.is_org)))
            ids.append(pid)
        return ids

    def index_plan_people(self, client_id: int, people: list[tuple[str, dt.date | None, str]]) -> None:
        """Replace the client's plan people (name, date of birth, one of PLAN_RELATIONSHIPS) as parties of
        that client, so a check on their names finds them; call inside the transaction that saved the plan."""
        repo = PartyRepo(self._v.conn)
        repo.delete(repo.plan_people(client_id, PLAN_RELATIONSHIPS))
        drafts = [PartyDraft(PartyKind.HOUSEHOLD, name.strip(), relationship, dob)
                  for name, dob, relationship in people if name.strip()]
        if any(d.relationship not in PLAN_RELATIONSHIPS for d in drafts):
            raise ValueError("a plan person's relationship must be one of PLAN_RELATIONSHIPS")
        self.add_parties(client_id=client_id, case_id=None, intake_id=None, drafts=drafts)

    def add_party(self, case_id: int, draft: PartyDraft) -> ConflictCheck:
        """Add a party to a case and check the case again at once (the old clearance no longer counts)."""
        self._v.require(Can.VIEW_CLIENTS)
        case = CaseRepo(self._v.conn).get(case_id)
        if case is None:
            raise NotFound(_("No case with that number."))
        draft = intake_rules.check_party(draft)
        if len(self.parties(case_id)) >= MAX_PARTIES:
            raise ValidationError("party_name", _("A case can name at most {n} parties.").format(n=MAX_PARTIES))
        with transaction(self._v.conn):
            (pid,) = self.add_parties(client_id=case.client_id, case_id=case_id, intake_id=None, drafts=[draft])
            self._v.audit("party.add", f"case:{case_id}", party=pid, kind=draft.kind.value)
        return self.check_case(case_id)

    def parties(self, case_id: int) -> list[Party]:
        """Adverse parties and household members on a case (attorneys and coordinators)."""
        self._v.require(Can.VIEW_CLIENTS)
        return [Party(r[0], PartyKind(r[1]), r[3], r[5], r[4], r[2])
                for r in PartyRepo(self._v.conn).for_case(case_id)]

    # ----- checks -------------------------------------------------------------------------------------

    def _candidates(self, parsed: list[tuple[str, dt.date | None, matcher.Name]]
                    ) -> tuple[list[tuple[str, int]], bool]:
        """Each name's most likely records, in a share of the limit; and whether any name had more."""
        index = ConflictIndexRepo(self._v.conn)
        per_name = max(CANDIDATE_LIMIT // max(len(parsed), 1), MIN_PER_NAME)
        found: dict[tuple[str, int], None] = {}
        more = False
        for _text, dob, name in parsed:
            records, over = index.candidates(sorted(matcher.query_keys(name)), per_name, date_of_birth=dob)
            found.update(dict.fromkeys(records))
            more |= over
        return list(found), more

    def _match(self, names: list[tuple[str, dt.date | None, bool]], *, own_client: int | None
               ) -> tuple[list[ConflictMatch], bool]:
        """(matches, more candidates than examined)."""
        self._index_pending()
        index = ConflictIndexRepo(self._v.conn)
        parsed = [(text, dob, _parsed(text, is_org)) for text, dob, is_org in names if text.strip()]
        found, more = self._candidates(parsed)
        client_ids = [rid for src, rid in found if src == "client" and rid != own_client]
        party_rows = PartyRepo(self._v.conn).get_many([rid for src, rid in found if src == "party"])
        party_rows = [r for r in party_rows if r[1] != own_client]
        clients = index.clients(client_ids + list({r[1] for r in party_rows}))
        refs = {c[0]: c[1] for c in clients}
        records = []  # (source, id, client_ref, name variants, dob, is_org)
        wanted = set(client_ids)
        for cid, ref, given, f1, f2, preferred, dob in clients:
            if cid in wanted:
                records.append(("client", cid, ref, client_names(given, f1, f2, preferred), dob, False))
        for pid, cid, _case, kind, is_org, name, dob in party_rows:
            records.append((kind, pid, refs.get(cid, ""), [name], dob, is_org))
        out: dict[tuple[str, int], ConflictMatch] = {}
        # For this check only, then dropped (no name outlives it): phonetic keys by word, each record
        # name parsed once, each pair of names compared once, and each pair of word slots tried for a typo
        # once. Candidates sharing a common name (the checks with thousands of candidates) then cost a
        # dictionary look-up each.
        keys_of: dict[str, str] = {}
        folded: dict[str, list[str]] = {}
        names_of: dict[tuple[str, bool], matcher.Name] = {}
        pairs: dict[tuple[int, str, bool], tuple[int, tuple[str, ...]] | None] = {}
        near: dict = {}
        for n, (text, dob, name) in enumerate(parsed):
            for source, rid, ref, variants, rdob, is_org in records:
                for i, variant in enumerate(variants):
                    named = pairs.get((n, variant, is_org), pairs)
                    if named is pairs:
                        other = names_of.get((variant, is_org))
                        if other is None:
                            other = names_of[(variant, is_org)] = _parsed(variant, is_org, keys_of, folded)
                        named = pairs[(n, variant, is_org)] = matcher.compare_names(
                            name, other, a_text=text, b_text=variant, folded=folded, near=near)
                    c = matcher.with_dates(named, dob, rdob) if named is not None else None
                    if c is None:
                        continue
                    reasons = c.reasons + (("alias",) if i else ())
                    old = out.get((source, rid))
                    if old is None or old.score < c.score:
                        out[(source, rid)] = ConflictMatch(text, source, rid, ref, variants[0], c.score, reasons)
        return sorted(out.values(), key=lambda x: (-x.score, x.source, x.record_id)), more

    def _view(self, row: tuple, *, current: bool) -> ConflictCheck:
        check_id, case_id, _ver, run_at, _by, count, matches, result, note, cleared_by, cleared_at, more = row
        full = self._v.can(Can.VIEW_CLIENTS)
        shown = tuple(ConflictMatch(x["checked"], x["source"], x["id"], x["ref"], x["name"], x["score"],
                                    tuple(x["reasons"])) for x in matches) if full else ()
        return ConflictCheck(check_id, case_id, count > 0 or more, shown, run_at,
                             ClearResult(result) if result else None, note if full else "",
                             cleared_by, cleared_at, current, more)

    def _case_names(self, case: m.Case) -> tuple[list[tuple[str, dt.date | None, bool]], int]:
        conn = self._v.conn
        row = ConflictIndexRepo(conn).clients([case.client_id])[0]
        _cid, _ref, given, f1, f2, preferred, dob = row
        names = [(n, dob, False) for n in client_names(given, f1, f2, preferred)]
        names += [(r[3], r[4], r[2]) for r in PartyRepo(conn).for_case(case.id)]
        return names, ConflictCheckRepo(conn).parties_version(case.id)

    def check_case(self, case_id: int) -> ConflictCheck:
        """Check the client and every party on the case against the whole vault; store and audit it."""
        self._v.require(Can.LOOKUP_CLIENT)
        if CaseRepo(self._v.conn).get(case_id) is None:
            raise NotFound(_("No case with that number."))
        with transaction(self._v.conn):
            self.run_check_in_transaction(case_id)
        return self._view(ConflictCheckRepo(self._v.conn).latest(case_id), current=True)

    def run_check_in_transaction(self, case_id: int) -> bool:
        """The check itself, inside the caller's transaction: stored, audited, and the case's mark as
        awaiting its check at save (if any) dropped with it. True when something matched."""
        case = CaseRepo(self._v.conn).get(case_id)
        names, version = self._case_names(case)
        matches, more = self._match(names, own_client=case.client_id)
        stored = [{"checked": x.checked_name, "source": x.source, "id": x.record_id, "ref": x.client_ref,
                   "name": x.name, "score": x.score, "reasons": list(x.reasons)} for x in matches]
        repo = ConflictCheckRepo(self._v.conn)
        check_id = repo.add(case_id=case_id, parties_version=version, by=self._v.user.id, matches=stored,
                            more_candidates=more)
        repo.drop_pending(case_id)
        self._v.audit("conflict.check", f"case:{case_id}", check=check_id,
                      matched=[f"{x.source}:{x.record_id}" for x in matches], more_candidates=more)
        return bool(matches) or more

    # ----- the check at save ----------------------------------------------------------------------------

    def mark_pending(self, case_ids: list[int]) -> None:
        """Mark new cases as awaiting their check at save; call inside the transaction that saved them."""
        ConflictCheckRepo(self._v.conn).mark_pending(case_ids)

    def run_check_at_save(self, case_id: int) -> bool:
        """The automatic check of a case just saved (marked pending), in its own transaction."""
        with transaction(self._v.conn):
            return self.run_check_in_transaction(case_id)

    def finish_check_at_save(self, case_id: int) -> bool | None:
        """The check a save left to run (`Intakes.record(check_later=True)`), for the person who saved:
        whether it found something (all a volunteer learns). None when the case awaits no check (the
        unlock ran it meanwhile, or it was never marked): nothing is run, nothing is said of the case."""
        self._v.require(Can.RECORD_INTAKE)
        if not ConflictCheckRepo(self._v.conn).is_pending(case_id):
            return None
        return self.run_check_at_save(case_id)

    def run_pending(self) -> int:
        """Run the checks a save marked but did not finish (the app stopped between the intake's commit and
        its check); at unlock. How many ran."""
        if not self._v.can(Can.LOOKUP_CLIENT):
            return 0
        pending = ConflictCheckRepo(self._v.conn).pending()
        for case_id in pending:
            if CaseRepo(self._v.conn).get(case_id) is None:  # purged meanwhile
                with transaction(self._v.conn):
                    ConflictCheckRepo(self._v.conn).drop_pending(case_id)
                continue
            self.run_check_at_save(case_id)
        return len(pending)

    def check_names(self, names: list[tuple[str, dt.date | None, bool]]) -> ConflictCheck:
        """An on-demand check of names not (yet) on a case; audited, not stored."""
        self._v.require(Can.LOOKUP_CLIENT)
        for text, _dob, _org in names:
            check_text("party_name", text, m.MAX_NAME, required=True)
        matches, more = self._match(names, own_client=None)
        with transaction(self._v.conn):
            self._v.audit("conflict.check", "", matched=[f"{x.source}:{x.record_id}" for x in matches],
                          more_candidates=more)
        full = self._v.can(Can.VIEW_CLIENTS)
        return ConflictCheck(0, None, bool(matches) or more, tuple(matches) if full else (),
                             more_candidates=more)

    def latest(self, case_id: int) -> ConflictCheck | None:
        """The case's latest check as the acting user may see it; each view is audited."""
        self._v.require(Can.LOOKUP_CLIENT)
        repo = ConflictCheckRepo(self._v.conn)
        row = repo.latest(case_id)
        if row is None:
            return None
        with transaction(self._v.conn):
            self._v.audit("conflict.view", f"case:{case_id}", check=row[0])
        return self._view(row, current=row[2] == repo.parties_version(case_id))

    def clear(self, case_id: int, result: ClearResult, note: str = "") -> ConflictCheck:
        """Record an attorney's decision on the case's latest check (it must be current)."""
        self._v.require(Can.CLEAR_CONFLICTS)
        result = ClearResult(result)
        note = check_text("note", note, m.MAX_SHORT, multiline=True,
                                        required=result is not ClearResult.NO_CONFLICT)
        repo = ConflictCheckRepo(self._v.conn)
        row = repo.latest(case_id)
        if row is None or row[2] != repo.parties_version(case_id):
            raise PermissionDenied(_("Run a conflict check on this case first: its parties changed or it "
                                     "was never checked."))
        with transaction(self._v.conn):
            repo.clear(row[0], result=result.value, note=note.strip(), by=self._v.user.id)
            self._v.audit("conflict.clear", f"case:{case_id}", check=row[0], result=result.value)
        return self._view(repo.latest(case_id), current=True)

    def require_cleared(self, case_id: int) -> None:
        """Refuse unless the case's latest check is current and cleared as no conflict or waived."""
        repo = ConflictCheckRepo(self._v.conn)
        row = repo.latest(case_id)
        if row is None or row[7] is None or row[2] != repo.parties_version(case_id):
            raise PermissionDenied(_("This case cannot be accepted until an attorney clears its conflict "
                                     "check."))
        if row[7] == ClearResult.REJECTED.value:
            raise PermissionDenied(_("This case's conflict check found a conflict; it cannot be accepted."))
