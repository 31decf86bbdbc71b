"""Incident media: SHA-256 on arrival, EXIF capture time, append-only custody, a stripped copy for sharing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from clinic.errors import PermissionDenied, UserError, ValidationError
from clinic.incidents import model as im
from clinic.models import hotline as hm

DAY = dt.date(2026, 11, 10)
GPS_IFD, EXIF_IFD = 0x8825, 0x8769


def _draft(**kw) -> im.IncidentDraft:
    base = dict(date=DAY, activities=(im.Activity.DETAINING,), warrant="administrative",
                people=(im.Person(detained=True),))
    return im.IncidentDraft(**(base | kw))


def jpeg_with_gps() -> bytes:
    """A JPEG carrying GPS position, camera make/model, a capture time and an XMP packet."""
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CANARYMAKE"  # Make
    exif[0x0110] = "CANARYPHONE"  # Model
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(EXIF_IFD)[36867] = "2026:11:10 07:31:05"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (34.0, 3.0, 8.0), 3: "W", 4: (118.0, 14.0, 37.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>CANARYXMP</x:xmpmeta>")
    return out.getvalue()


@pytest.fixture
def vault(open_vault):
    return open_vault("coordinator")


def test_media_arrive_with_their_hash_capture_time_and_holder(vault):
    """The SHA-256 of exactly the bytes received, the EXIF capture time, the holder, and "received" logged."""
    incident = vault.incidents.record(_draft())
    content = jpeg_with_gps()
    media = vault.incident_media.attach(incident.ref, "foto.jpg", content, holder="Ana (observer)",
                                        captured_at="2020-01-01 00:00")
    assert media.sha256 == hashlib.sha256(content).hexdigest()
    assert (media.captured_at, media.captured_source) == ("2026-11-10 07:31:05", hm.CaptureSource.EXIF)
    assert media.holder == "Ana (observer)" and media.mime_type == "image/jpeg"
    video = vault.incident_media.attach(incident.ref, "clip.mp4", b"\x00\x00\x00\x18ftypmp42",
                                        holder="Ana", captured_at="2026-11-10 07:40")
    assert (video.captured_at, video.captured_source) == ("2026-11-10 07:40", hm.CaptureSource.TYPED)
    got, data = vault.incident_media.open(media.id)
    assert data == content
    assert [e.action for e in vault.incident_media.custody(media.id)] == [hm.CustodyAction.RECEIVED,
                                                                           hm.CustodyAction.VIEWED]
    with pytest.raises(ValidationError) as err:
        vault.incident_media.attach(incident.ref, "notes.txt", b"hello", holder="Ana")
    assert err.value.field == "media"
    with pytest.raises(ValidationError) as err:
        vault.incident_media.attach(incident.ref, "x.jpg", content, holder=" ")
    assert err.value.field == "holder"


def test_the_custody_log_and_the_hash_cannot_be_changed(vault):
    """A raw UPDATE or DELETE of the custody log, or of a medium's bytes or hash, is refused by the vault."""
    incident = vault.incidents.record(_draft())
    media = vault.incident_media.attach(incident.ref, "foto.jpg", jpeg_with_gps(), holder="Ana")
    vault.incident_media.hand_over(media.id, to="City Attorney's office", note="by hand")
    conn = vault.conn
    for sql in ("UPDATE incident_custody SET note = 'edited'", "DELETE FROM incident_custody",
                "UPDATE incident_media SET sha256 = 'x'", "UPDATE incident_media SET content = x'00'"):
        with pytest.raises(Exception, match="append-only|cannot be changed"):
            conn.execute(sql)
    log = vault.incident_media.custody(media.id)
    assert [e.action for e in log] == [hm.CustodyAction.RECEIVED, hm.CustodyAction.HANDED_OVER]
    assert "City Attorney" in log[1].note and log[1].by_name
    assert vault.incident_media.for_incident(incident.ref)[0].holder == "City Attorney's office"


def test_a_copy_for_sharing_has_no_location_or_device_metadata(vault):
    """The copy re-read by Pillow has no EXIF, GPS or XMP and says what was stripped; the original keeps it."""
    incident = vault.incidents.record(_draft())
    original = jpeg_with_gps()
    media = vault.incident_media.attach(incident.ref, "foto.jpg", original, holder="Ana")
    copy = vault.incident_media.sharing_copy(media.id, note="for the city")
    assert {"EXIF", "GPS", "XMP"} <= set(copy.stripped) and copy.filename == "foto-stripped.jpg"
    img = Image.open(io.BytesIO(copy.content))
    assert img.format == "JPEG" and img.size == (64, 48)
    assert len(img.getexif()) == 0 and not img.getexif().get_ifd(GPS_IFD)
    assert "xmp" not in img.info and "exif" not in img.info
    for needle in (b"CANARYMAKE", b"CANARYPHONE", b"CANARYXMP", b"2026:11:10"):
        assert needle not in copy.content
        assert needle in original
    assert vault.incident_media.open(media.id)[1] == original
    entry = vault.incident_media.custody(media.id)[-2]
    assert entry.action is hm.CustodyAction.EXPORTED_COPY and "for the city" in entry.note


def test_formats_that_cannot_be_stripped_are_refused(vault, open_vault):
    """A video gets no copy for sharing (one sentence, nothing logged); a volunteer may not make copies."""
    incident = vault.incidents.record(_draft())
    video = vault.incident_media.attach(incident.ref, "clip.mp4", b"\x00\x00\x00\x18ftypmp42", holder="Ana")
    with pytest.raises(UserError, match="JPEG and PNG"):
        vault.incident_media.sharing_copy(video.id)
    assert [e.action for e in vault.incident_media.custody(video.id)] == [hm.CustodyAction.RECEIVED]
    png = io.BytesIO()
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Comment", "CANARYPNG")
    Image.new("P", (8, 8)).save(png, "PNG", pnginfo=info)
    pic = vault.incident_media.attach(incident.ref, "p.png", png.getvalue(), holder="Ana")
    assert b"CANARYPNG" not in vault.incident_media.sharing_copy(pic.id).content
    v = open_vault("volunteer")
    mine = v.incidents.record(_draft())
    own = v.incident_media.attach(mine.ref, "foto.jpg", jpeg_with_gps(), holder="me")
    with pytest.raises(PermissionDenied):
        v.incident_media.sharing_copy(own.id)
    with pytest.raises(PermissionDenied):
        v.incident_media.custody(video.id)  # not their incident


def test_the_public_report_never_carries_media_hashes_or_follow_up_notes(open_vault):
    """Canaries: media hashes, file names, holders and follow-up notes reach neither the PDF nor the CSV."""
    v = open_vault("admin")
    hashes, refs = [], []
    for i in range(12):
        incident = v.incidents.record(_draft())
        v.incidents.verify(incident.ref, status="verified", reason="seen", method="photo_or_video")
        media = v.incident_media.attach(incident.ref, f"CANARYFILE{i}.jpg", jpeg_with_gps(),
                                        holder=f"CANARYHOLDER{i}")
        v.followups.refer(incident.ref, person=1, service="legal_help", note=f"CANARYFOLLOW{i}")
        v.followups.reported_to_city(incident.ref, note="CANARYCITY")
        hashes.append(media.sha256)
        refs.append(incident.ref)
    report = v.public_reports.publish(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    pdf = v.public_reports.pdf(report)
    texts = {"pdf": "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages),
             "csv": v.public_reports.csv(report), "raw": pdf.decode("latin-1")}
    needles = [*hashes, *(h[:16] for h in hashes), *refs, "CANARYFILE", "CANARYHOLDER", "CANARYFOLLOW",
               "CANARYCITY", "CANARYMAKE"]
    for where, text in texts.items():
        for needle in needles:
            assert needle not in text, (where, needle)
    assert "Legal help" in texts["csv"]
