"""Photos and videos attached to an incident: kept inside the encrypted vault with an append-only custody log.

Stored like case documents (the bytes in a BLOB of the SQLCipher database, read only on request), in
their own table because a medium belongs to an incident, never to a client's case. The SHA-256 is taken
when the file arrives and never changes (a trigger refuses it); the custody log can only grow (triggers
refuse UPDATE and DELETE). Who may see a medium follows the incident's rules. The retention purge
(clinic.maintenance.purge) empties a medium's content once due and appends "purged" to its log.
"""

from __future__ import annotations

import hashlib
import mimetypes

from clinic.access import Can
from clinic.clock import now_iso
from clinic.errors import NotFound, UserError, ValidationError
from clinic.i18n import _
from clinic.incidents import strip
from clinic.incidents.model import MAX_SHORT, check_text
from clinic.incidents.service import Incidents
from clinic.models import hotline as hm
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.hotline import MediaRepo

MAX_MEDIA_BYTES = 100 * 1024 * 1024
MEDIA_TYPES = ("image/", "video/")


class IncidentMedia:
    def __init__(self, session: Session, *, incidents: Incidents):
        self._v = session
        self._incidents = incidents

    def _repo(self) -> MediaRepo:
        return MediaRepo(self._v.conn)

    def attach(self, ref: str, filename: str, content: bytes, *, holder: str, captured_at: str = "",
               mime_type: str = "") -> hm.Media:
        """Store one photo or video; its SHA-256 is taken now, the capture time read from EXIF when there is
        one (else the one typed), and "received" opens its custody log."""
        incident_id = self._incidents.visible_id(ref)
        filename = check_text("filename", filename.replace("/", "_").replace("\\", "_"), MAX_SHORT)
        holder = check_text("holder", holder, MAX_SHORT)
        if not filename:
            raise ValidationError("filename", _("The file needs a name."))
        if not holder:
            raise ValidationError("holder", _("Say who holds the original."))
        if not content or len(content) > MAX_MEDIA_BYTES:
            raise ValidationError("media", _("A photo or video can be at most {mb} MB, and not empty.")
                                  .format(mb=MAX_MEDIA_BYTES // (1024 * 1024)))
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if not mime_type.startswith(MEDIA_TYPES):
            raise ValidationError("media", _("Only photos and videos can be attached to an incident."))
        typed = strip.check_typed_time(check_text("captured_at", captured_at, 19))
        from_exif = strip.exif_capture_time(content) if mime_type.startswith("image/") else ""
        captured, source = ((from_exif, hm.CaptureSource.EXIF) if from_exif else
                            (typed, hm.CaptureSource.TYPED) if typed else ("", hm.CaptureSource.UNKNOWN))
        digest = hashlib.sha256(content).hexdigest()
        repo, at = self._repo(), now_iso()
        with transaction(self._v.conn):
            media_id = repo.add(incident_id, filename=filename, mime_type=mime_type, content=content,
                                sha256=digest, captured_at=captured, captured_source=source, holder=holder,
                                by=self._v.user.id, at=at)
            repo.log(media_id, hm.CustodyAction.RECEIVED, note=holder, by=self._v.user.id, at=at)
            self._v.audit("incident.media.add", f"incident_media:{media_id}", incident=incident_id,
                          size=len(content))
        return repo.get(media_id)[1]

    def for_incident(self, ref: str) -> list[hm.Media]:
        return self._repo().for_incident(self._incidents.visible_id(ref))

    def _get(self, media_id: int) -> hm.Media:
        found = self._repo().get(media_id)
        if found is None:
            raise NotFound(_("No photo or video with that number."))
        self._incidents.visible_id(found[1].incident_ref)
        return found[1]

    def custody(self, media_id: int) -> list[hm.CustodyEntry]:
        self._get(media_id)
        return self._repo().custody(media_id)

    def _present(self, media_id: int) -> hm.Media:
        media = self._get(media_id)
        if media.purged_at is not None:
            raise UserError(_("This photo or video was deleted under the retention settings on {date}; its "
                              "hash and custody log are kept.").format(date=media.purged_at.date().isoformat()))
        return media

    def open(self, media_id: int) -> tuple[hm.Media, bytes]:
        """The original bytes, to look at inside the app; logged as "viewed"."""
        media = self._present(media_id)
        with transaction(self._v.conn):
            self._repo().log(media_id, hm.CustodyAction.VIEWED, note="", by=self._v.user.id, at=now_iso())
            self._v.audit("incident.media.view", f"incident_media:{media_id}")
        return media, self._repo().content(media_id)

    def sharing_copy(self, media_id: int, *, note: str = "") -> hm.SharingCopy:
        """A copy with location and device metadata stripped, for the person to save where they choose;
        logged as "exported a copy". Refuses a format that cannot be stripped (video, HEIC, ...)."""
        self._v.require(Can.VIEW_INCIDENTS)
        media = self._present(media_id)
        note = check_text("note", note, MAX_SHORT)
        content, mime, found = strip.strip_metadata(self._repo().content(media_id))
        stem = media.filename.rsplit(".", 1)[0] or "media"
        filename = f"{stem}-stripped.{'jpg' if mime == 'image/jpeg' else 'png'}"
        with transaction(self._v.conn):
            self._repo().log(media_id, hm.CustodyAction.EXPORTED_COPY,
                             note=" · ".join(x for x in (_("metadata stripped"), note) if x),
                             by=self._v.user.id, at=now_iso())
            self._v.audit("incident.media.copy", f"incident_media:{media_id}")
        return hm.SharingCopy(filename, content, found)

    def hand_over(self, media_id: int, *, to: str, note: str = "") -> hm.Media:
        """The original changes hands: the new holder is recorded and the log says who, when and why."""
        self._v.require(Can.VIEW_INCIDENTS)
        self._get(media_id)
        to = check_text("holder", to, MAX_SHORT)
        if not to:
            raise ValidationError("holder", _("Say who holds the original."))
        note = check_text("note", note, MAX_SHORT)
        with transaction(self._v.conn):
            self._repo().set_holder(media_id, to)
            self._repo().log(media_id, hm.CustodyAction.HANDED_OVER, note=" · ".join(x for x in (to, note) if x),
                             by=self._v.user.id, at=now_iso())
            self._v.audit("incident.media.handover", f"incident_media:{media_id}")
        return self._get(media_id)
