"""The Hotline's follow-up and media dialogs: referrals, the city mark, attach, custody, a stripped copy."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from PIL import Image

from clinic.incidents import model as im
from clinic.models import hotline as hm
from tests.fixtures.cases import close_error_dialogs, error_dialogs, widget_texts
from ui.incidents import media as media_ui
from ui.incidents.followup import FollowUpDialog
from ui.incidents.media import MediaDialog
from ui.incidents.page import IncidentsPage

HOSTILE = "<b>bold</b> & <img src=x>"
GPS_IFD = 0x8825


def jpeg_with_gps(path) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CANARYMAKE"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (34.0, 3.0, 8.0), 3: "W", 4: (118.0, 14.0, 37.0)})
    Image.new("RGB", (40, 30), (10, 120, 200)).save(path, "JPEG", exif=exif)
    return path.read_bytes()


@pytest.fixture
def incident_page(qtbot, make_ctx, english):
    def open_page(role: str = "coordinator") -> tuple[IncidentsPage, object]:
        ctx = make_ctx(role)
        incident = ctx.v.incidents.record(im.IncidentDraft(date=dt.date.today(), people=(im.Person(),)))
        page = IncidentsPage(ctx)
        qtbot.addWidget(page)
        page.resize(1166, 728)
        page.show()
        page.on_unlocked()
        page.reports.table.selectRow(0)
        return page, incident

    yield open_page
    close_error_dialogs()


def test_a_coordinator_refers_and_marks_reported_to_the_city(incident_page):
    """Both follow-ups are listed with who and when; a hostile note is shown as typed."""
    page, incident = incident_page()
    dialog = page.reports.open_followup()
    assert isinstance(dialog, FollowUpDialog) and dialog.refer_button.isVisible()
    dialog.service.setCurrentIndex(dialog.service.findData(hm.Service.FOOD_RELIEF.value))
    dialog.note.setText(HOSTILE)
    dialog.refer_button.click()
    assert dialog.note.text() == ""
    dialog.city_button.click()
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert len(lines) == 2 and "Food relief" in lines[0] and HOSTILE in lines[0] and "person 1" in lines[0]
    assert "Reported to the city" in lines[1]
    assert [f.kind for f in page.ctx.v.followups.for_incident(incident.ref)] == [hm.FollowUpKind.REFERRAL,
                                                                                 hm.FollowUpKind.CITY]
    assert not error_dialogs()


def test_a_volunteer_sees_only_the_intake_button(incident_page):
    """Volunteers may start an intake from their own report, not refer or mark it."""
    page, _incident = incident_page("volunteer")
    dialog = page.reports.open_followup()
    assert dialog.intake_button.isVisible()
    assert not dialog.refer_button.isVisible() and not dialog.city_button.isVisible()


def test_attach_show_the_custody_log_and_save_a_stripped_copy(incident_page, tmp_path, monkeypatch):
    """A JPEG with GPS is attached with its hash; the copy saved where chosen has no GPS and says so."""
    page, incident = incident_page()
    dialog = page.reports.open_media()
    assert isinstance(dialog, MediaDialog)
    source = tmp_path / "foto.jpg"
    original = jpeg_with_gps(source)
    monkeypatch.setattr(media_ui.filedialogs, "ask_open", lambda *a: str(source))
    dialog.attach_button.click()  # no holder yet: marked at the field, nothing attached
    assert dialog.table.rowCount() == 0 and not error_dialogs()
    dialog.holder.setText(HOSTILE)
    dialog.attach_button.click()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == HOSTILE
    digest = hashlib.sha256(original).hexdigest()
    assert digest in dialog.custody.toPlainText() and "Received" in dialog.custody.toPlainText()
    dialog.view_button.click()
    assert dialog.picture.pixmap() is not None and not dialog.picture.pixmap().isNull()
    assert "Viewed" in dialog.custody.toPlainText()
    target = tmp_path / "out" / "shared.jpg"
    target.parent.mkdir()
    monkeypatch.setattr(media_ui.filedialogs, "ask_save", lambda *a: str(target))
    dialog.copy_button.click()
    copy = Image.open(io.BytesIO(target.read_bytes()))
    assert len(copy.getexif()) == 0 and b"CANARYMAKE" not in target.read_bytes()
    assert "GPS" in dialog.status.text() and "removed" in dialog.status.text()
    assert "Exported a copy" in dialog.custody.toPlainText()
    dialog.new_holder.setText("City Attorney")
    dialog.hand_button.click()
    assert dialog.table.item(0, 2).text() == "City Attorney" and "Handed over" in dialog.custody.toPlainText()
    assert not error_dialogs()


def test_a_video_gets_no_copy_and_is_told_why(incident_page, tmp_path, monkeypatch):
    """A video is attached (typed capture time) but a copy for sharing is refused in one sentence."""
    page, incident = incident_page()
    dialog = page.reports.open_media()
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    monkeypatch.setattr(media_ui.filedialogs, "ask_open", lambda *a: str(clip))
    dialog.holder.setText("Ana")
    dialog.captured.setText("2026-11-10 07:40")
    dialog.attach_button.click()
    assert "2026-11-10 07:40 (typed)" == dialog.table.item(0, 1).text()
    target = tmp_path / "clip-copy.jpg"
    monkeypatch.setattr(media_ui.filedialogs, "ask_save", lambda *a: str(target))
    dialog.copy_button.click()
    assert not target.exists()
    [shown] = error_dialogs()
    assert "JPEG and PNG" in "\n".join(widget_texts(shown))


def test_an_intake_follow_up_opens_the_client_or_the_referral_flow(incident_page):
    """With an intake linked, choosing it enables Open and Refer, which go through the main window's signals."""
    from tests.fixtures.core import sample_draft

    page, incident = incident_page()
    receipt = page.ctx.v.followups.record_intake(incident.ref, person=1, draft=sample_draft())
    dialog = page.reports.open_followup()
    assert not dialog.refer_client_button.isEnabled()
    dialog.list.setCurrentRow(0)
    assert dialog.open_button.isEnabled() and dialog.refer_client_button.isEnabled()
    opened, referred = [], []
    page.ctx.signals.open_client.connect(opened.append)
    page.ctx.signals.refer_client.connect(referred.append)
    dialog.open_button.click()
    dialog.refer_client_button.click()
    assert opened == [receipt.client_id] and referred == [receipt.client_id]


def test_a_purged_medium_is_listed_as_deleted_with_its_log_and_cannot_be_opened(incident_page):
    """After the retention purge the row says it was deleted, the custody log ends with it, and View, Copy
    and Hand over are off (the content is gone)."""
    from clinic.maintenance import purge
    from tests.fixtures.incident_media import aged_medium

    page, _incident = incident_page("admin")
    incident, medium = aged_medium(page.ctx.v, im.Status.FALSE_ALARM, "Zqxvideo", name="calle")
    purge.run(page.ctx.v, purge.plan(page.ctx.v))
    page.reports.refresh()
    row = next(i for i, r in enumerate(page.reports.model.rows) if r.ref == incident.ref)
    page.reports.table.selectRow(row)
    dialog = page.reports.open_media()
    assert dialog.table.item(0, 0).text() == "(deleted under the retention settings)"
    assert "Deleted under the retention settings" in dialog.custody.toPlainText()
    assert medium.sha256 in dialog.custody.toPlainText()
    assert dialog.custody.toPlainText().startswith("(deleted under the retention settings)")
    assert not any(b.isEnabled() for b in (dialog.view_button, dialog.copy_button, dialog.hand_button))
    assert not error_dialogs()


def test_normal_flow_referral_and_consultation_show_in_the_follow_ups(incident_page):
    """A referral made with the coordinator's letter and a case the attorney closes, for the client made
    from person 1, are listed on the incident as a referral (Food relief) and a legal consultation."""
    from clinic import models as m
    from tests.fixtures.core import sample_draft

    page, incident = incident_page("admin")
    v = page.ctx.v
    receipt = v.followups.record_intake(incident.ref, person=1, draft=sample_draft())
    food = v.partners.add(m.PartnerDraft(name="Banco de Comida", services=("food_relief",), disclosure=("identity",)))
    v.referrals.create(m.ReferralDraft(client_id=receipt.client_id, partner_id=food.id, need=m.Need.FOOD,
                                       groups=frozenset({"identity"}), consent_date=dt.date.today(),
                                       consent_language="es", consent_method="in_person"))
    v.cases.set_status(receipt.case_id, m.CaseStatus.CLOSED, "Advice given", closure_category="A")
    dialog = page.reports.open_followup()
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert len(lines) == 3 and "Food relief" in lines[1] and "Legal consultation" in lines[2]
    assert all("person 1" in line for line in lines)
