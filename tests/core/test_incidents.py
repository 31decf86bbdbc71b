"""Incident reports in the vault: field marking, sealed reporter, roles, verification history, public report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader

from clinic.errors import PermissionDenied, UserError, ValidationError
from clinic.incidents import model as im
from clinic.storage import audit
from clinic.storage.repos.incidents import PUBLIC_COLUMNS

DAY = dt.date(2026, 11, 10)


def draft(**kw) -> im.IncidentDraft:
    base = dict(date=DAY, neighbourhood="Centro", activities=(im.Activity.DETAINING,), faces_covered="yes",
                warrant="administrative", people=(im.Person(detained=True),))
    base.update(kw)
    return im.IncidentDraft(**base)


@pytest.fixture
def vault(open_vault):
    v = open_vault("admin")
    v.incidents.set_neighbourhoods(["Centro", "Norte", "<b>Sur</b> & =1+1"])
    return v


def test_every_field_is_marked_public_or_never():
    """FIELD_POLICY names every field of IncidentDraft, and the report's query reads only PUBLIC ones."""
    assert set(im.FIELD_POLICY) == {f.name for f in dataclasses.fields(im.IncidentDraft)}
    public = {n for n, p in im.FIELD_POLICY.items() if p is im.Publicity.PUBLIC}
    assert {"occurred_on" if c == "occurred_on" else c for c in PUBLIC_COLUMNS} == \
        {"occurred_on" if n == "date" else n for n in public}
    for never in ("address", "notes", "equipment", "reporter_name", "reporter_phone", "start_time"):
        assert im.FIELD_POLICY[never] is im.Publicity.NEVER


def test_reporter_is_sealed_and_only_attorneys_and_admins_read_it(template, open_vault, raw_db, home):
    """Name and phone are not in the database as text; attorney and admin read them; others are refused."""
    v = open_vault("volunteer")
    incident = v.incidents.record(draft(neighbourhood="", reporter_name="Lupe Canaria",
                                        reporter_phone="+1 555 0199"))
    assert incident.draft.reporter_name == "" and incident.has_reporter
    with pytest.raises(PermissionDenied):
        v.incidents.reporter(incident.ref)
    coordinator = open_vault("coordinator")
    with pytest.raises(PermissionDenied):
        coordinator.incidents.reporter(incident.ref)
    for role in ("attorney", "admin"):
        assert open_vault(role).incidents.reporter(incident.ref) == {"name": "Lupe Canaria",
                                                                      "phone": "+1 555 0199"}
    data_key = open_vault("admin").data_key
    with raw_db(home.db, data_key) as conn:
        dump = repr(conn.execute("SELECT * FROM incidents").fetchall())
        assert b"Lupe" not in conn.execute("SELECT reporter_sealed FROM incidents").fetchone()[0]
    assert "Lupe Canaria" not in dump and "555 0199" not in dump


def test_a_volunteer_sees_only_their_own_recent_reports(open_vault):
    """Volunteers list and open what they recorded in the last day; coordinators see every report."""
    admin_ref = open_vault("admin").incidents.record(draft(neighbourhood="")).ref
    v = open_vault("volunteer")
    own = v.incidents.record(draft(neighbourhood="")).ref
    assert [r.ref for r in v.incidents.list()] == [own]
    with pytest.raises(PermissionDenied):
        v.incidents.get(admin_ref)
    assert {r.ref for r in open_vault("coordinator").incidents.list()} >= {own, admin_ref}


def test_bad_input_names_the_field(vault):
    """Unknown neighbourhood, bad enum, bad time: ValidationError with the field."""
    for kw, field in (({"neighbourhood": "Atlantis"}, "neighbourhood"), ({"warrant": "maybe"}, "warrant"),
                      ({"start_time": "25:99"}, "start_time"), ({"agents": -1}, "agents")):
        with pytest.raises(ValidationError) as e:
            vault.incidents.record(draft(**kw))
        assert e.value.field == field
    with pytest.raises(ValidationError):
        im.draft_from_json({"date": "2026-11-10", "name_of_victim": "x"})


def test_verification_keeps_who_when_why_how_and_audits_ids_only(vault, open_vault):
    """Each change is in the history; corroboration links reports; audit rows hold ids, not reasons."""
    a = vault.incidents.record(draft()).ref
    b = vault.incidents.record(draft()).ref
    assert vault.incidents.get(a).status is im.Status.UNVERIFIED
    with pytest.raises(ValidationError):
        vault.incidents.verify(a, status="corroborated", reason="same van")
    with pytest.raises(PermissionDenied):
        open_vault("volunteer").incidents.verify(a, status="false_alarm", reason="x")
    coordinator = open_vault("coordinator")
    coordinator.incidents.verify(a, status="corroborated", reason="razón secreta", method="other_reports",
                                 linked=(b,))
    history = coordinator.incidents.history(a)
    assert [(h.status, h.method, h.reason, h.linked) for h in history] == \
        [(im.Status.CORROBORATED, im.Method.OTHER_REPORTS, "razón secreta", (b,))]
    assert history[0].by_name == "Carlos Coordinador"
    assert coordinator.incidents.linked(b) == [a]
    rows = audit.recent(coordinator.conn, 50)
    assert any(r[3] == "incident.status" for r in rows)
    assert not any("razón" in (r[5] or "") or a in (r[4] or "") for r in rows)


CANARIES = {"address": "CANARYADDR", "equipment": "CANARYEQUIP", "notes": "CANARYNOTE",
            "reporter_name": "CANARYNAME", "reporter_phone": "555-7777-CANARY"}


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_public_report_never_carries_non_public_fields(vault):
    """Canaries in every NEVER field, the reference, the plate and the reason: absent from PDF and CSV."""
    refs = []
    for i in range(14):
        incident = vault.incidents.record(draft(
            **{k: f"{v}{i}" for k, v in CANARIES.items()}, start_time="07:31", end_time="08:46",
            vehicles=(im.Vehicle(make="CANARYMAKE", colour="CANARYCOLOUR", marked="no", plate="partial",
                                 plate_text="CNRY7", state="CANARYSTATE"),)))
        vault.incidents.verify(incident.ref, status="verified", reason="CANARYREASON", method="callback")
        refs.append(incident.ref)
    report = vault.public_reports.publish(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    total = next(c for c in report.cells if c.table == "total")
    assert total.value == 14
    pdf = vault.public_reports.pdf(report)
    texts = {"pdf": _pdf_text(pdf), "csv": vault.public_reports.csv(report), "raw": pdf.decode("latin-1")}
    needles = [*CANARIES.values(), "CANARYMAKE", "CANARYCOLOUR", "CNRY7", "CANARYSTATE", "CANARYREASON",
               "07:31", "08:46", "2026-11-10", *refs]
    for where, text in texts.items():
        for needle in needles:
            assert needle not in text, (where, needle)
    assert "14" in texts["pdf"] and "Hechos verificados" in texts["pdf"] and "Verified incidents" in texts["pdf"]
    assert "<b>Sur</b> & =1+1" in texts["pdf"]  # a hostile neighbourhood name prints literally
    assert "'<b>Sur</b> & =1+1" not in texts["csv"] and "<b>Sur</b> & =1+1" in texts["csv"]


def test_unverified_reports_are_excluded_and_counted_as_excluded(vault):
    """Only verified/corroborated count; the 'not counted' cell says how many were left out (or <11)."""
    for _ in range(12):
        vault.incidents.record(draft())
    report = vault.public_reports.preview(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    cells = {(c.table, c.category): c.value for c in report.cells}
    assert cells[("total", "")] == 0 and cells[("excluded", "")] == 12


def test_published_history_keeps_later_reports_consistent(vault):
    """Two weeks published, then the month: every hidden count stays unsolvable across the three."""
    from tests.fixtures.suppression import recoverable

    for day, n in ((3, 12), (12, 5)):
        for _ in range(n):
            ref = vault.incidents.record(draft(date=dt.date(2026, 11, day))).ref
            vault.incidents.verify(ref, status="verified", reason="seen")
    reports = []
    for start, end in ((1, 7), (8, 14)):
        reports.append(vault.public_reports.publish(dt.date(2026, 11, start), dt.date(2026, 11, end)))
    try:
        reports.append(vault.public_reports.publish(dt.date(2026, 11, 1), dt.date(2026, 11, 14)))
    except UserError:
        pass
    assert recoverable([list(r.cells) for r in reports]) == []
    stored = vault.conn.execute("SELECT count(*) FROM public_reports").fetchone()[0]
    assert stored == len(reports)
    json.dumps([c.to_json() for r in reports for c in r.cells])
