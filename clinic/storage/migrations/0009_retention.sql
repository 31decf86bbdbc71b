-- Retention (issue 9): a legal hold on a case, which no purge or "forget this client" touches while it
-- lasts, and the indexes that finding what is due and deleting a client's rows need at 100,000 clients.
CREATE TABLE legal_holds (
    case_id INTEGER PRIMARY KEY REFERENCES cases(id),
    reason TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    placed_by INTEGER NOT NULL REFERENCES staff(id)
);
CREATE INDEX cases_closed ON cases(closed_at);
CREATE INDEX intakes_recorded ON intakes(recorded_at);
CREATE INDEX letters_rendered ON letters(rendered_at);
CREATE INDEX case_status_changes_case ON case_status_changes(case_id);
CREATE INDEX referrals_case ON referrals(case_id);
CREATE INDEX parties_intake ON parties(intake_id);
CREATE INDEX cases_intake ON cases(intake_id);
CREATE INDEX deadlines_case ON deadlines(case_id);
