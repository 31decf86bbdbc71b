-- Unsaved forms kept when the screen locks or the app closes (issue 11, item 8): one row per draft,
-- readable only by its owner (enforced in clinic.drafts), purged a day after its last change. The
-- payload is the form's fields as JSON, without the sealed (attorney-only) ones. Inside the encrypted
-- vault like everything else: never QSettings, never a temp file.
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('intake', 'incident')),
    payload TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX drafts_owner ON drafts (owner_id, updated_at);
CREATE INDEX drafts_updated ON drafts (updated_at);
