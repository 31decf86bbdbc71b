-- Migration 1: core.
-- Staff, clients, intakes, cases, notes, sealed values, documents, settings and the audit chain.

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('volunteer','attorney','coordinator','admin')),
    active INTEGER NOT NULL DEFAULT 1,
    language TEXT NOT NULL DEFAULT 'es',
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    given_names TEXT NOT NULL,
    family_name_1 TEXT NOT NULL,
    family_name_2 TEXT NOT NULL DEFAULT '',
    preferred_name TEXT NOT NULL DEFAULT '',
    sort_key TEXT NOT NULL,
    date_of_birth TEXT,
    address TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    interpreter_needed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES staff(id),
    last_visit TEXT,
    is_demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX clients_sort ON clients(sort_key, id);
CREATE INDEX clients_dob ON clients(date_of_birth);
CREATE TABLE phones (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    safe_to_call INTEGER NOT NULL,
    safe_to_text INTEGER NOT NULL,
    safe_to_leave_message INTEGER NOT NULL
);
CREATE INDEX phones_client ON phones(client_id);
CREATE TABLE intakes (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES staff(id),
    site TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('walk-in','phone','outreach')),
    household_size INTEGER,
    monthly_income INTEGER,
    urgency TEXT NOT NULL,
    next_date TEXT,
    detained_family_member INTEGER NOT NULL DEFAULT 0,
    consent_to_store INTEGER NOT NULL CHECK (consent_to_store = 1),
    consent_date TEXT NOT NULL,
    consent_language TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intakes_client ON intakes(client_id, recorded_at);
CREATE INDEX intakes_by ON intakes(recorded_by, recorded_at);
CREATE TABLE intake_needs (
    intake_id INTEGER NOT NULL REFERENCES intakes(id) ON DELETE CASCADE,
    need TEXT NOT NULL,
    PRIMARY KEY (intake_id, need)
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    intake_id INTEGER NOT NULL REFERENCES intakes(id),
    status TEXT NOT NULL,
    need TEXT NOT NULL,
    problem_code INTEGER NOT NULL,
    urgency TEXT NOT NULL,
    next_date TEXT,
    assigned_to INTEGER REFERENCES staff(id),
    funding_source TEXT NOT NULL DEFAULT '',
    opened_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX cases_status ON cases(status, next_date);
CREATE INDEX cases_client ON cases(client_id);
CREATE INDEX cases_assigned ON cases(assigned_to, status);
CREATE TABLE case_status_changes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    by_staff INTEGER NOT NULL REFERENCES staff(id),
    old_status TEXT,
    new_status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    author_id INTEGER NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX notes_case ON notes(case_id, created_at);
-- Sealed values: ciphertext sealed to the clinic's privileged public key; never indexed.
CREATE TABLE sealed_values (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    intake_id INTEGER REFERENCES intakes(id),
    field TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    key_fpr TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX sealed_client ON sealed_values(client_id);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    filename TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    added_at TEXT NOT NULL,
    added_by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX documents_case ON documents(case_id);
CREATE TABLE deadlines (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    due_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deadlines_due ON deadlines(due_date, done);
-- Append-only audit chain: ids and action names only, never names or field values.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE VIRTUAL TABLE client_search USING fts5(
    names, phones, notes, tokenize = 'unicode61 remove_diacritics 2'
);
