-- Intake means (issue 10): the region asked at intake, asset lines, and the old monthly income moved
-- into income lines.
-- intake_region: the poverty-guideline region the intake chose (48 contiguous states and DC, Alaska,
-- Hawaii), kept even when no income was given; older intakes take the region of their stored result.
-- asset_lines: what the household owns (cash or bank, home, vehicle, other) and its value; `excluded`
-- marks the home lived in and the one vehicle used for transport, which do not count.
-- eligibility_results.countable_assets: the sum of the counted assets at save (NULL: none were asked).
-- intakes.monthly_income (one whole-dollar figure) becomes an income line "other, per month" wherever the
-- intake has no income lines yet, and the column is emptied (kept, always NULL, read and written by
-- nothing: a table rebuild of every intake is not worth it): income lives in one place. Their results
-- (% of the guideline) are computed at the next unlock with the table in force on the intake's date
-- (clinic.eligibility.service.Eligibility.backfill).

CREATE TABLE intake_region (
    intake_id INTEGER PRIMARY KEY REFERENCES intakes(id),
    region TEXT NOT NULL CHECK (region IN ('contiguous', 'alaska', 'hawaii'))
);
INSERT INTO intake_region (intake_id, region)
    SELECT intake_id, region FROM eligibility_results WHERE region IN ('contiguous', 'alaska', 'hawaii');

CREATE TABLE asset_lines (
    id INTEGER PRIMARY KEY,
    intake_id INTEGER NOT NULL REFERENCES intakes(id),
    kind TEXT NOT NULL CHECK (kind IN ('cash', 'home', 'vehicle', 'other')),
    value TEXT NOT NULL,
    excluded INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1))
);
CREATE INDEX asset_lines_intake ON asset_lines(intake_id);

ALTER TABLE eligibility_results ADD COLUMN countable_assets TEXT;

INSERT OR REPLACE INTO settings (key, value)
    SELECT 'eligibility_backfill', '1' WHERE EXISTS (SELECT 1 FROM intakes WHERE monthly_income IS NOT NULL);
INSERT INTO income_lines (intake_id, source, amount, per)
    SELECT id, 'other', printf('%d.00', monthly_income), 'month' FROM intakes
    WHERE monthly_income IS NOT NULL AND monthly_income >= 0
      AND id NOT IN (SELECT intake_id FROM income_lines);
UPDATE intakes SET monthly_income = NULL WHERE monthly_income IS NOT NULL;
