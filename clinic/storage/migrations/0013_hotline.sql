-- Follow-up from an incident, and its media with a custody log.
-- incident_followups links an incident (and "person N" of it) to what was done for them: an intake
-- (ids only: neither record copies the other's details), a referral by service, or "reported to the
-- city". incident_media keeps photos and videos inside the encrypted vault, with the SHA-256 taken when
-- they arrived; incident_custody is append-only (the triggers refuse any UPDATE or DELETE), and a
-- medium's content and hash cannot be changed once stored.

CREATE TABLE incident_followups (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    person INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('intake', 'referral', 'city')),
    client_id INTEGER,
    intake_id INTEGER,
    service TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX incident_followups_incident ON incident_followups(incident_id);
CREATE INDEX incident_followups_at ON incident_followups(kind, at);

CREATE TABLE incident_media (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    filename TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    captured_at TEXT NOT NULL DEFAULT '',
    captured_source TEXT NOT NULL CHECK (captured_source IN ('exif', 'typed', 'unknown')),
    holder TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL,
    added_by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX incident_media_incident ON incident_media(incident_id);
CREATE TRIGGER incident_media_fixed BEFORE UPDATE OF content, sha256, size, incident_id ON incident_media
BEGIN
    SELECT RAISE(ABORT, 'a medium''s content and hash cannot be changed');
END;

CREATE TABLE incident_custody (
    id INTEGER PRIMARY KEY,
    media_id INTEGER NOT NULL REFERENCES incident_media(id),
    action TEXT NOT NULL CHECK (action IN ('received', 'viewed', 'exported_copy', 'handed_over')),
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX incident_custody_media ON incident_custody(media_id);
CREATE TRIGGER incident_custody_no_update BEFORE UPDATE ON incident_custody
BEGIN
    SELECT RAISE(ABORT, 'the custody log is append-only');
END;
CREATE TRIGGER incident_custody_no_delete BEFORE DELETE ON incident_custody
BEGIN
    SELECT RAISE(ABORT, 'the custody log is append-only');
END;
