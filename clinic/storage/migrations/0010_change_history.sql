-- Corrections after intake (issue 14): each changed field of a client or a case deadline, with its old
-- and new value as text, who and when. The audit row names only the ids; the values live here, inside
-- the encrypted database, so a client's history goes with the client (and a purge or "forget" removes it).
CREATE TABLE change_history (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    target TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    by_staff INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX change_history_client ON change_history(client_id, id);
CREATE INDEX deadlines_case_due ON deadlines(case_id, due_date);
