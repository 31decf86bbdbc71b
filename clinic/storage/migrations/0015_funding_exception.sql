-- A case tagged with a funding source over the source's income ceiling but within its exception ceiling
-- (45 CFR 1611.5: an LSC-funded source may serve a household between 125% and 200% of the guideline under
-- a policy its board adopted) records the reason here; '' when the tag needs no exception. The reason is
-- client data: it stays in the vault and never goes into the audit log.
ALTER TABLE cases ADD COLUMN funding_exception_reason TEXT NOT NULL DEFAULT '';
