-- Migration 8: legal aid.
-- Legal-aid intake (issue 10): parties on a case, the conflict-check name index and its checks, income
-- lines with the eligibility result (and the guideline year it used), LSC codes on a case.

CREATE TABLE parties (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    case_id INTEGER REFERENCES cases(id),
    intake_id INTEGER REFERENCES intakes(id),
    kind TEXT NOT NULL CHECK (kind IN ('adverse','household')),
    is_org INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    date_of_birth TEXT,
    relationship TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX parties_case ON parties(case_id);
CREATE INDEX parties_client ON parties(client_id);
CREATE TABLE conflict_keys (
    key TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('client','party')),
    ref_id INTEGER NOT NULL
);
CREATE INDEX conflict_keys_key ON conflict_keys(key);
CREATE INDEX conflict_keys_ref ON conflict_keys(source, ref_id);
-- Per-case legal-aid facts kept beside the case row (older rows read as version 0, no codes).
CREATE TABLE case_legal_aid (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    parties_version INTEGER NOT NULL DEFAULT 0,
    closure_category TEXT,
    rejection_reason TEXT,
    rejection_note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE conflict_checks (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    parties_version INTEGER NOT NULL,
    run_at TEXT NOT NULL,
    run_by INTEGER NOT NULL REFERENCES staff(id),
    match_count INTEGER NOT NULL,
    matches TEXT NOT NULL,
    result TEXT CHECK (result IN ('no_conflict','waived','rejected')),
    note TEXT NOT NULL DEFAULT '',
    cleared_by INTEGER REFERENCES staff(id),
    cleared_at TEXT
);
CREATE INDEX conflict_checks_case ON conflict_checks(case_id, id);
CREATE TABLE income_lines (
    id INTEGER PRIMARY KEY,
    intake_id INTEGER NOT NULL REFERENCES intakes(id),
    source TEXT NOT NULL,
    amount TEXT NOT NULL,
    per TEXT NOT NULL
);
CREATE INDEX income_lines_intake ON income_lines(intake_id);
CREATE TABLE eligibility_results (
    intake_id INTEGER PRIMARY KEY REFERENCES intakes(id),
    household_size INTEGER NOT NULL,
    region TEXT NOT NULL,
    annual_income TEXT NOT NULL,
    table_year INTEGER NOT NULL,
    guideline INTEGER NOT NULL,
    percent TEXT NOT NULL
);
