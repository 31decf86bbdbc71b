"""Drafts of unsaved forms, kept in the encrypted vault and given back only to the person who typed them.

    draft_id = vault.drafts.keep("intake", {"fields": [...]})      # on lock or close; again updates it
    vault.drafts.mine()  -> [DraftInfo(id, kind, updated_at)]       # after unlock: the banner's offer
    vault.drafts.open(draft_id).payload; vault.drafts.discard(draft_id)

Ownership is the rule, not a permission: every query names the session's user, so another staff member,
an administrator included, can neither list, read, resume nor discard someone else's draft. The form
leaves sealed (attorney-only) fields out of the payload. Drafts untouched for a day are purged at
unlock (`purge_stale`, by the session's clock). The audit log records draft ids only, never contents.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

from clinic.errors import NotFound, ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import DatabaseError, transaction
from clinic.storage.repos.drafts import DraftsRepo

log = logging.getLogger(__name__)

KINDS = ("intake", "incident")
MAX_PAYLOAD = 256 * 1024  # characters of JSON: far more than any form holds
KEEP_FOR = dt.timedelta(days=1)


@dataclass(frozen=True)
class DraftInfo:
    id: int
    kind: str
    updated_at: dt.datetime  # UTC


@dataclass(frozen=True)
class Draft(DraftInfo):
    payload: dict[str, Any]


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class Drafts:
    def __init__(self, session: Session):
        self._v = session

    def _repo(self) -> DraftsRepo:
        return DraftsRepo(self._v.conn)  # raises when locked

    def keep(self, kind: str, payload: dict[str, Any], draft_id: int | None = None) -> int:
        """Store (or, given one of the user's own draft ids, replace) a draft; returns its id."""
        if kind not in KINDS:
            raise ValidationError("kind", _("A draft is of an intake or an incident report."))
        if not isinstance(payload, dict):
            raise ValidationError("payload", _("A draft's contents must be a set of named fields."))
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        if len(text) > MAX_PAYLOAD:
            raise ValidationError("payload", _("This form is too large to keep as a draft."))
        repo, owner, at = self._repo(), self._v.user.id, self._v.clock.now_iso()
        with transaction(self._v.conn):
            if draft_id is None or not repo.update(draft_id, owner_id=owner, kind=kind, payload=text, at=at):
                draft_id = repo.add(owner_id=owner, kind=kind, payload=text, at=at)
            self._v.audit("draft.keep", f"draft:{draft_id}")
        return draft_id

    def mine(self, kind: str | None = None) -> list[DraftInfo]:
        """The user's own drafts, newest first (nobody else's, whatever their role)."""
        cutoff = self._cutoff()  # a draft a failed purge left behind is not offered either
        return [DraftInfo(i, k, _when(at)) for i, k, at in self._repo().list(self._v.user.id, kind) if at >= cutoff]

    def open(self, draft_id: int) -> Draft:
        """One of the user's own drafts with its fields; NotFound for anyone else's, as for a missing one."""
        row = self._repo().get(draft_id, self._v.user.id)
        if row is None or row[3] < self._cutoff():
            raise NotFound(_("That draft no longer exists: drafts are kept for a day."))
        i, kind, text, at = row
        with transaction(self._v.conn):
            self._v.audit("draft.open", f"draft:{i}")
        return Draft(i, kind, _when(at), json.loads(text))

    def discard(self, draft_id: int) -> bool:
        """Delete one of the user's own drafts (after it was saved, resumed or declined). False if none."""
        repo = self._repo()
        with transaction(self._v.conn):
            gone = repo.delete(draft_id, self._v.user.id)
            if gone:
                self._v.audit("draft.discard", f"draft:{draft_id}")
        return gone

    def _cutoff(self) -> str:
        return (self._v.clock.now() - KEEP_FOR).isoformat(timespec="microseconds")

    def purge_stale(self) -> int:
        """Delete every draft (anyone's) not changed for a day; called at unlock. Returns how many.

        A failure (a full disk) is logged and unlocking goes on: the stale drafts are not offered anyway,
        and the next unlock tries again."""
        repo = self._repo()
        ids = repo.older_than(self._cutoff())
        if ids:
            try:
                with transaction(self._v.conn):
                    repo.delete_ids(ids)
                    self._v.audit("draft.purge", "", ids=ids)
            except DatabaseError as exc:
                log.warning("could not purge %d stale drafts (%s)", len(ids), type(exc).__name__)
                return 0
        return len(ids)
