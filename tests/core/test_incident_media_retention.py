"""Incident media under the retention settings: purged by the ordinary purge (counts first), the content
really gone from the files, the hash and the append-only custody log kept with a new "purged" entry, and
media of an incident linked to a case on legal hold kept."""

from __future__ import annotations

import dataclasses

import pytest

from clinic.errors import UserError
from clinic.incidents import model as im
from clinic.maintenance import purge
from clinic.maintenance.retention import Retention
from clinic.models import hotline as hm
from clinic.storage.db import DatabaseError
from tests.fixtures.core import sample_draft
from tests.fixtures.incident_media import aged_medium
from tests.fixtures.purge import _decrypted_pages, _found

GONE_BYTES = "Zqxmediafalsa"  # inside the purged medium's bytes
GONE_NAME = "Zqxnombrefalso"  # its file name
KEPT = {"verified": "Zqxmediaverif", "recent": "Zqxmediareciente", "held": "Zqxmediaretenida"}


@pytest.fixture
def seeded(open_vault):
    admin = open_vault("admin")
    gone = aged_medium(admin, im.Status.FALSE_ALARM, GONE_BYTES, name=GONE_NAME)
    kept = [aged_medium(admin, im.Status.VERIFIED, KEPT["verified"]),
            aged_medium(admin, None, KEPT["recent"], days=0)]
    held, _m = aged_medium(admin, im.Status.UNABLE_TO_VERIFY, KEPT["held"])
    receipt = admin.followups.record_intake(held.ref, person=1, draft=sample_draft())
    Retention(open_vault("attorney")).hold(receipt.case_id, "orden judicial")
    return admin, gone, kept


def test_due_media_are_counted_first_and_their_content_is_gone_from_the_files(home, seeded):
    admin, (incident, media), _kept = seeded
    pages = _decrypted_pages(home.path, bytes(admin.data_key))
    assert _found(pages, [GONE_BYTES, GONE_NAME, *KEPT.values()]) == {GONE_BYTES, GONE_NAME, *KEPT.values()}
    shown = purge.plan(admin)
    assert shown.incident_media == 1 and shown.clients == 0
    assert "1 incident photo or video" in shown.lines()
    assert purge.run(admin, shown) == shown
    pages = _decrypted_pages(home.path, bytes(admin.data_key))
    assert not _found(pages, [GONE_BYTES, GONE_NAME])
    assert _found(pages, KEPT.values()) == set(KEPT.values())
    [after] = admin.incident_media.for_incident(incident.ref)
    assert after.purged_at is not None and after.sha256 == media.sha256 and after.filename == ""
    log = admin.incident_media.custody(media.id)
    assert [e.action for e in log] == [hm.CustodyAction.RECEIVED, hm.CustodyAction.PURGED]
    with pytest.raises(UserError):
        admin.incident_media.open(media.id)
    with pytest.raises(UserError):
        admin.incident_media.sharing_copy(media.id)
    assert purge.plan(admin).empty
    detail = admin.conn.execute("SELECT detail FROM audit WHERE action = 'retention.purge'").fetchone()[0]
    assert '"incident_media":1' in detail
    assert admin.verify().ok


def test_the_limits_are_settings_and_verified_media_follow_the_years(seeded):
    admin, *_ = seeded
    retention = Retention(admin)
    assert (retention.settings().media_days, retention.settings().media_years) == (90, 7)
    retention.update(dataclasses.replace(retention.settings(), media_days=200))
    assert purge.plan(admin).incident_media == 0
    retention.update(dataclasses.replace(retention.settings(), media_days=30))
    assert purge.plan(admin).incident_media == 1


def test_a_purged_medium_stays_fixed_and_its_log_append_only(seeded):
    """Only the purge's own change passes the trigger; the custody log refuses edits still."""
    admin, (gone, media), kept = seeded
    purge.run(admin, purge.plan(admin))
    assert admin.incident_media.for_incident(gone.ref)[0].purged_at is not None  # the purge's change passed
    conn = admin.conn
    for sql in ("UPDATE incident_media SET content = X'00' WHERE id = ?",
                "UPDATE incident_media SET purged_at = NULL WHERE id = ?",
                "UPDATE incident_custody SET note = 'x' WHERE media_id = ?",
                "DELETE FROM incident_custody WHERE media_id = ?"):
        with pytest.raises(DatabaseError):
            conn.execute(sql, (media.id,))
    live = kept[0][1]
    with pytest.raises(DatabaseError):  # emptying a live medium without the purge's stamp
        conn.execute("UPDATE incident_media SET content = X'' WHERE id = ?", (live.id,))


def test_cli_sets_the_media_limits_and_purges_the_due_media(home, seeded, run_cli):
    """`retention set --media-days` changes what is due; `purge --dry-run` counts the media; `--yes` purges."""
    admin, (_incident, media), _kept = seeded
    admin.lock()
    shown = run_cli("retention", "set", "--media-days", "200", home=home, role="admin")
    assert shown.returncode == 0, shown.stderr
    assert "deleted 200 days after the incident was last reviewed" in shown.stdout
    dry = run_cli("purge", "--dry-run", home=home, role="admin")
    assert "0 incident photos or videos" in dry.stdout
    assert run_cli("retention", "set", "--media-days", "30", home=home, role="admin").returncode == 0
    dry = run_cli("purge", "--dry-run", home=home, role="admin")
    assert "1 incident photo or video" in dry.stdout and GONE_NAME not in dry.stdout
    assert run_cli("retention", "set", "--media-years", "0", home=home, role="admin").returncode != 0
    done = run_cli("purge", "--yes", home=home, role="admin")
    assert done.returncode == 0, done.stderr
    assert "0 incident photos or videos" in run_cli("purge", "--dry-run", home=home, role="admin").stdout
