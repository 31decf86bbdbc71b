"""Clients as the acting user may see them: find, open, check for duplicates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable

from rapidfuzz import fuzz

from clinic import models as m
from clinic.access import Can
from clinic.clients import details as client_details
from clinic.clients.common import VOLUNTEER_WINDOW, not_found
from clinic.clock import now
from clinic.errors import PermissionDenied
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.fts import fts_query, ref_prefix, tokens, typed_digits
from clinic.storage.repos.cases import CaseRepo
from clinic.storage.repos.clients import ClientRepo, IntakeRepo
from clinic.storage.repos.documents import DocumentRepo
from clinic.storage.repos.history import HistoryRepo
from clinic.storage.repos.sealed import SealedRepo


class Clients:
    def __init__(self, session: Session, *,
                 index_names: Callable[[int, str, str, str, str], None] | None = None):
        self._v = session
        self._index_names = index_names  # the conflict index's (client_id, given, family 1, family 2, preferred)

    def _repo(self) -> ClientRepo:
        return ClientRepo(self._v.conn)

    def id_for(self, ref: str) -> m.ClientId:
        client_id = self._repo().id_for_ref(ref)
        if client_id is None:
            raise not_found()
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
        digits = typed_digits(text)
        if digits and not ids:  # phone digits: a range on their own index, never an FTS prefix merge
            ids = repo.ids_by_phone_digits(digits, limit)
        match = fts_query(text)
        if match and not ids:
            ids = repo.search_ids(match, limit)
        return repo.rows(ids)

    def search_one(self, text: str, client_id: m.ClientId) -> m.ClientRow | None:
        """The client's row if `search(text)` would find them, by the way it would look, else None: a saved
        intake refreshes one row of a search on screen, never the whole search (a few indexed look-ups)."""
        self._v.require(Can.VIEW_CLIENTS)
        repo = self._repo()
        ref, digits, match = ref_prefix(text), typed_digits(text), fts_query(text)
        if ref and repo.ids_by_ref_prefix(ref, 1):
            found = repo.has_ref_prefix(client_id, ref)
        elif digits and repo.ids_by_phone_digits(digits, 1):
            found = repo.has_phone_digits(client_id, digits)
        else:
            found = bool(match) and repo.matches_search(client_id, match)
        return next(iter(repo.rows([client_id])), None) if found else None

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
        # The whole name as typed (its words as prefixes: the last may be half typed); the pairs as whole
        # words: a prefix of a common first name merges every name it begins (maria*: mariana, maribel...)
        # over the whole index, which at 1M clients was most of the hint's time.
        for i, group in enumerate(queries):
            ids.update(dict.fromkeys(repo.search_ids(fts_query(" ".join(group), columns=("names",), prefix=i == 0),
                                                    200, ranked=False)))
        if date_of_birth:
            ids.update(dict.fromkeys(repo.ids_born_on(date_of_birth, 500)))
        if len(ids) < limit:
            for word in words:
                ids.update(dict.fromkeys(repo.search_ids(fts_query(word, columns=("names",)), 50, ranked=False)))
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
        scored.sort(key=lambda sc: (-sc[0], sc[1].id))  # candidates come unranked: ties by id
        return [c for _s, c in scored[:limit]]

    def page(self, after: tuple[str, int] | None = None, limit: int = 200
             ) -> list[tuple[m.ClientRow, tuple[str, int]]]:
        """A page of every client in name order; pass the last row's key to get the next page."""
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().page(after, limit)

    def count(self) -> int:
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().count()

    def page_row(self, client_id: int) -> tuple[m.ClientRow, tuple[str, int]]:
        """One client's row of page(), with its page key: what a list shows after a save, without a reload."""
        self._v.require(Can.VIEW_CLIENTS)
        found = self._repo().page_row(client_id)
        if found is None:
            raise not_found()
        return found

    def get(self, ref_or_id: str | int) -> m.ClientFile:
        """The client's file as the acting user may see it. Volunteers: only their intakes of the last day."""
        self._v.require(Can.LOOKUP_CLIENT)
        client_id = self.id_for(ref_or_id) if isinstance(ref_or_id, str) else ref_or_id
        client = self._repo().get(client_id)
        if client is None:
            raise not_found()
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


    def update(self, client_id: int, details: m.ClientDetails) -> m.Client:
        """Correct a client's details after intake. Each changed field goes to the history with its old
        value; the audit row names only the history rows' ids. Sealed fields are not edited here."""
        self._v.require(Can.EDIT_CLIENTS)
        repo = self._repo()
        old = repo.get(client_id)
        if old is None:
            raise not_found()
        found = client_details.problems(details)
        if found:
            raise found[0]
        details = dataclasses.replace(details, phones=tuple(details.phones),
                                      interpreter_needed=bool(details.interpreter_needed))
        changed = client_details.changes(m.ClientDetails.of(old), details)
        if not changed:
            return old
        conn = self._v.conn
        with transaction(conn):
            repo.update_details(client_id, details)
            ids = HistoryRepo(conn).add(client_id=client_id, target=f"client:{client_id}", changes=changed,
                                        by=self._v.user.id)
            repo.reindex(client_id)
            if self._index_names:
                self._index_names(client_id, details.given_names, details.family_name_1, details.family_name_2,
                                  details.preferred_name)
            self._v.audit("client.edit", f"client:{client_id}", changes=ids)
        return repo.get(client_id)

    def history(self, client_id: int) -> list[m.Change]:
        """Every correction to the client and their cases' deadlines, oldest first (who, when, old, new)."""
        self._v.require(Can.VIEW_CLIENTS)
        return HistoryRepo(self._v.conn).for_client(client_id)
