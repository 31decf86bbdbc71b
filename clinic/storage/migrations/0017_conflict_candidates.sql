-- The conflict check's candidates, bounded and ordered (issues 13 and 16).
-- A check now counts, for every record, how many of the checked name's retrieval keys it shares, and
-- examines the records sharing most first (so an exact match of a common name is never the one dropped).
-- An index on (key, source, ref_id) answers that from the index alone: the key-only index it replaces read
-- a table row for every key found (at 1M clients, 114 against 10.5 ms p95 for a given and family name).
-- conflict_checks.more_candidates: 1 when more records shared keys than the check examined (the attorney
-- is told, never silently short). Building the index reads the whole name index once (20 s at 1M clients).
DROP INDEX conflict_keys_key;
CREATE INDEX conflict_keys_key ON conflict_keys(key, source, ref_id);
ALTER TABLE conflict_checks ADD COLUMN more_candidates INTEGER NOT NULL DEFAULT 0;
