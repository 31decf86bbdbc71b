-- Migration 7: incidents.
-- Raid-incident reports, apart from client files: the record (lists and vehicles/people as JSON), the
-- reporter sealed to the privileged key, the verification history, links between reports of one event,
-- and every public report as published (to keep later reports consistent with it).

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    occurred_on TEXT NOT NULL,
    precision TEXT NOT NULL,
    start_time TEXT NOT NULL DEFAULT '',
    end_time TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    place_kind TEXT NOT NULL,
    neighbourhood TEXT NOT NULL DEFAULT '',
    activities TEXT NOT NULL DEFAULT '',
    agents INTEGER,
    vehicle_count INTEGER,
    markings TEXT NOT NULL DEFAULT '',
    faces_covered TEXT NOT NULL,
    name_or_badge_visible TEXT NOT NULL,
    identified_when_asked TEXT NOT NULL,
    possible_impersonator TEXT NOT NULL,
    vehicles TEXT NOT NULL DEFAULT '[]',
    warrant TEXT NOT NULL,
    home_entry TEXT NOT NULL,
    consent_asked TEXT NOT NULL,
    people TEXT NOT NULL DEFAULT '[]',
    contact_kind TEXT NOT NULL,
    reporter_relation TEXT NOT NULL,
    equipment TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    reporter_sealed BLOB,
    reporter_fpr TEXT,
    status TEXT NOT NULL DEFAULT 'unverified',
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX incidents_date ON incidents(occurred_on, status);
CREATE INDEX incidents_recorded ON incidents(recorded_by, recorded_at);
CREATE TABLE incident_status (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    status TEXT NOT NULL,
    method TEXT NOT NULL,
    reason TEXT NOT NULL,
    linked TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX incident_status_incident ON incident_status(incident_id);
CREATE TABLE incident_links (
    a INTEGER NOT NULL REFERENCES incidents(id),
    b INTEGER NOT NULL REFERENCES incidents(id),
    PRIMARY KEY (a, b)
);
CREATE TABLE public_reports (
    id INTEGER PRIMARY KEY,
    date_from TEXT NOT NULL,
    date_to TEXT NOT NULL,
    cells TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by INTEGER NOT NULL REFERENCES staff(id)
);
