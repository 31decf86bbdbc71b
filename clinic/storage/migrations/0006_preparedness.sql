-- Migration 6: preparedness.
-- Family preparedness plans (one per client, kept as JSON) and the documents printed from them, as sent.
-- The plan has no field for an immigration status or any sealed value.

CREATE TABLE preparedness_plans (
    client_id INTEGER PRIMARY KEY REFERENCES clients(id),
    plan TEXT NOT NULL,
    affidavit_date TEXT,
    updated_at TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX preparedness_affidavit ON preparedness_plans(affidavit_date);
CREATE TABLE preparedness_documents (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    kind TEXT NOT NULL CHECK (kind IN ('packet','affidavit','cards')),
    language TEXT NOT NULL,
    rendered_at TEXT NOT NULL,
    rendered_by INTEGER NOT NULL REFERENCES staff(id),
    pdf BLOB NOT NULL,
    printed_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX preparedness_documents_client ON preparedness_documents(client_id, kind);
