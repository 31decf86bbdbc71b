"""The one clock tests can set, and the Session every service shares with the Vault."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from clinic import clock
from clinic import models as m
from clinic.clients import intake as intake_rules
from clinic.errors import PermissionDenied


def _draft() -> m.IntakeDraft:
    return m.IntakeDraft(given_names="Julián", family_name_1="Ortega", date_of_birth=dt.date(1990, 1, 2),
                         phones=(m.Phone("+1 626 555 0123"),), needs=(m.Need.WORKPLACE,), consent_to_store=True)


def test_moving_the_clock_closes_the_volunteers_24_hour_window(open_vault):
    """Set the clock, record as a volunteer, move it on: at 23 hours the file opens, at 25 it does not."""
    vault = open_vault("volunteer")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)  # in the past, so the audit log stays in order
    with clock.frozen(start) as c:
        receipt = vault.intakes.record(_draft())
        assert vault.intakes.get(receipt.intake_id).recorded_at == start
        c.advance(hours=23)
        assert vault.clients.get(receipt.client_ref).intakes
        assert [i.id for i, _match in vault.intakes.mine_recent()] == [receipt.intake_id]
        c.advance(hours=2)
        with pytest.raises(PermissionDenied):
            vault.clients.get(receipt.client_ref)
        with pytest.raises(PermissionDenied):
            vault.intakes.get(receipt.intake_id)
        assert vault.intakes.mine_recent() == []
    assert clock.now() > start + dt.timedelta(days=2)  # running again afterwards


def test_the_clock_sets_today_for_the_validation_rules_too():
    """A date of birth is "in the future" relative to the clock, not to the machine's calendar."""
    draft = dataclasses.replace(_draft(), date_of_birth=dt.date(2031, 5, 1))
    with clock.frozen(dt.date(2031, 4, 30)):
        assert clock.today() == dt.date(2031, 4, 30)
        assert "date_of_birth" in [p.field for p in intake_rules.problems(draft)]
    with clock.frozen(dt.date(2031, 5, 2)):
        assert "date_of_birth" not in [p.field for p in intake_rules.problems(draft)]


def test_a_stopped_clock_moves_only_when_told():
    with clock.frozen(dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)) as c:
        assert clock.now() == clock.now() == dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)
        c.advance(dt.timedelta(minutes=5))
        assert clock.now_iso().startswith("2030-01-01T09:05:00")
    with pytest.raises(RuntimeError):
        clock.CLOCK.advance(hours=1)


def test_the_services_share_the_vaults_session_and_lock_with_it(open_vault):
    """Every service holds the same Session; locking the vault drops its keys and every service refuses."""
    vault = open_vault("coordinator")
    session = vault.session
    assert vault.conn is session.conn and vault.user is session.user and vault.keys is session.keys
    assert session.clock is clock.CLOCK
    for service in (vault.clients, vault.intakes, vault.cases, vault.referrals, vault.partners, vault.plans,
                    vault.conflicts, vault.eligibility, vault.incidents, vault.staff, vault.settings):
        assert service._v is session, service
    vault.lock()
    assert session.keys is None and session.data_key is None and not session.is_open
    with pytest.raises(PermissionDenied):
        vault.clients.search("ortega")
    with pytest.raises(PermissionDenied):
        vault.cases.list()
    with pytest.raises(PermissionDenied):
        session.audit("x")
