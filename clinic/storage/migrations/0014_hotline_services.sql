-- The pilot's services counted from the normal flow, and incident media that retention may purge.
-- incident_followups gains the kind 'consultation' (an attorney's legal consultation for a client
-- linked to the incident) and the ids of the referral or case that a follow-up recorded automatically,
-- unique per kind, so recording is idempotent. It keeps ids only, as before.
-- incident_media gains purged_at: a purge empties a medium's content (and its file name) and stamps
-- it; the hash, size and custody log stay. The trigger still refuses every other change of content,
-- hash, size or incident. incident_custody gains the action 'purged', still append-only.

CREATE TABLE incident_followups_new (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    person INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('intake', 'referral', 'city', 'consultation')),
    client_id INTEGER,
    intake_id INTEGER,
    service TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by INTEGER NOT NULL REFERENCES staff(id),
    referral_id INTEGER,
    case_id INTEGER
);
INSERT INTO incident_followups_new (id, incident_id, person, kind, client_id, intake_id, service, note, at, by)
    SELECT id, incident_id, person, kind, client_id, intake_id, service, note, at, by FROM incident_followups;
DROP TABLE incident_followups;
ALTER TABLE incident_followups_new RENAME TO incident_followups;
CREATE INDEX incident_followups_incident ON incident_followups(incident_id);
CREATE INDEX incident_followups_at ON incident_followups(kind, at);
CREATE INDEX incident_followups_client ON incident_followups(client_id) WHERE client_id IS NOT NULL;
CREATE UNIQUE INDEX incident_followups_referral ON incident_followups(incident_id, referral_id)
    WHERE referral_id IS NOT NULL;
CREATE UNIQUE INDEX incident_followups_case ON incident_followups(incident_id, kind, case_id)
    WHERE case_id IS NOT NULL;

ALTER TABLE incident_media ADD COLUMN purged_at TEXT;
DROP TRIGGER incident_media_fixed;
CREATE TRIGGER incident_media_fixed BEFORE UPDATE OF content, sha256, size, incident_id, purged_at ON incident_media
WHEN NOT (OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL AND length(NEW.content) = 0
          AND NEW.sha256 = OLD.sha256 AND NEW.size = OLD.size AND NEW.incident_id = OLD.incident_id)
BEGIN
    SELECT RAISE(ABORT, 'a medium''s content and hash cannot be changed');
END;

CREATE TABLE incident_custody_new (
    id INTEGER PRIMARY KEY,
    media_id INTEGER NOT NULL REFERENCES incident_media(id),
    action TEXT NOT NULL CHECK (action IN ('received', 'viewed', 'exported_copy', 'handed_over', 'purged')),
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by INTEGER NOT NULL REFERENCES staff(id)
);
INSERT INTO incident_custody_new SELECT id, media_id, action, note, at, by FROM incident_custody;
DROP TABLE incident_custody;
ALTER TABLE incident_custody_new RENAME TO incident_custody;
CREATE INDEX incident_custody_media ON incident_custody(media_id);
CREATE TRIGGER incident_custody_no_update BEFORE UPDATE ON incident_custody
BEGIN
    SELECT RAISE(ABORT, 'the custody log is append-only');
END;
CREATE TRIGGER incident_custody_no_delete BEFORE DELETE ON incident_custody
BEGIN
    SELECT RAISE(ABORT, 'the custody log is append-only');
END;
