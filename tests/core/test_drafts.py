"""Drafts (issue 11, item 8): kept in the vault, only for their owner, purged after a day, audited by id."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from clinic import clock
from clinic.errors import NotFound, ValidationError
from clinic.storage import migrate

CANARY = "Canary-Draft-7f3a"


def test_the_owner_keeps_lists_opens_replaces_and_discards_a_draft(open_vault):
    vault = open_vault("volunteer")
    draft_id = vault.drafts.keep("intake", {"fields": [CANARY, True, 2]})
    [info] = vault.drafts.mine()
    assert (info.id, info.kind) == (draft_id, "intake")
    assert vault.drafts.open(draft_id).payload == {"fields": [CANARY, True, 2]}
    assert vault.drafts.keep("intake", {"fields": ["later"]}, draft_id) == draft_id  # replaced, not added
    assert [d.id for d in vault.drafts.mine("intake")] == [draft_id]
    assert vault.drafts.mine("incident") == []
    assert vault.drafts.open(draft_id).payload == {"fields": ["later"]}
    assert vault.drafts.discard(draft_id)
    assert vault.drafts.mine() == []
    with pytest.raises(NotFound):
        vault.drafts.open(draft_id)


@pytest.mark.parametrize("other", ["admin", "attorney", "coordinator"])
def test_nobody_else_lists_reads_resumes_or_discards_it_not_even_an_admin(open_vault, other):
    mine = open_vault("volunteer")
    draft_id = mine.drafts.keep("incident", {"fields": [CANARY]})
    theirs = open_vault(other)
    assert theirs.drafts.mine() == [] and theirs.drafts.mine("incident") == []
    with pytest.raises(NotFound):
        theirs.drafts.open(draft_id)
    assert not theirs.drafts.discard(draft_id)
    # Their "replace" of my id makes a draft of theirs; mine is untouched.
    their_id = theirs.drafts.keep("incident", {"fields": ["theirs"]}, draft_id)
    assert their_id != draft_id
    assert mine.drafts.open(draft_id).payload == {"fields": [CANARY]}
    assert [d.id for d in mine.drafts.mine()] == [draft_id]


def test_a_draft_untouched_for_a_day_is_purged_at_unlock(open_vault):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)  # in the past, so the audit log stays in order
    with clock.frozen(start) as c:
        vault = open_vault("volunteer")
        old = vault.drafts.keep("intake", {"fields": ["old"]})
        c.advance(hours=20)
        fresh = vault.drafts.keep("intake", {"fields": ["fresh"]})
        vault.lock()
        c.advance(hours=5)  # old: 25 hours; fresh: 5 hours
        again = open_vault("volunteer")
        assert [d.id for d in again.drafts.mine()] == [fresh]
        with pytest.raises(NotFound):
            again.drafts.open(old)
        c.advance(hours=20)
        assert again.drafts.mine() == []  # a day old: not offered even before it is purged
        with pytest.raises(NotFound):
            again.drafts.open(fresh)
        assert again.drafts.purge_stale() == 1
        assert again.conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0


def test_the_audit_log_names_draft_ids_only(open_vault):
    vault = open_vault("volunteer")
    draft_id = vault.drafts.keep("intake", {"fields": [CANARY]})
    vault.drafts.open(draft_id)
    vault.drafts.discard(draft_id)
    rows = vault.conn.execute("SELECT action, target, detail FROM audit WHERE action LIKE 'draft.%'").fetchall()
    assert [r[0] for r in rows] == ["draft.keep", "draft.open", "draft.discard"]
    assert all(r[1] == f"draft:{draft_id}" for r in rows)
    assert CANARY not in json.dumps([list(r) for r in rows])


def test_bad_kind_and_oversized_payload_are_refused(open_vault):
    vault = open_vault("volunteer")
    with pytest.raises(ValidationError):
        vault.drafts.keep("letter", {})
    with pytest.raises(ValidationError):
        vault.drafts.keep("intake", {"fields": ["x" * 300_000]})
    assert vault.drafts.mine() == []


def test_the_drafts_table_is_in_the_latest_schema(open_vault):
    vault = open_vault("volunteer")
    assert migrate.version(vault.conn) == migrate.LATEST
    assert vault.conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0
