-- Migration 3: queue indexes.
-- Indexes found by the 100,000-client benchmark: reading an intake's sealed field names scanned the whole
-- sealed table, and the case queue sorted every case.

CREATE INDEX sealed_intake ON sealed_values(intake_id);
CREATE INDEX cases_queue ON cases(status, next_date IS NULL, next_date, CASE urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, opened_at DESC);
CREATE INDEX cases_queue_all ON cases(next_date IS NULL, next_date, CASE urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 ELSE 2 END, opened_at DESC);
CREATE INDEX cases_next_date ON cases(next_date);
