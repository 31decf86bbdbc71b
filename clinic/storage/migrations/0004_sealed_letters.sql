-- Migration 4: sealed letters.
-- A letter that discloses sealed details is itself sealed to the privileged key (like any sealed value):
-- the database key alone must not open it.

ALTER TABLE letters ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
