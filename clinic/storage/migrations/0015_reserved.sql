-- Placeholder for migration 15, reserved for a branch merged separately (elig-admin). The loader needs
-- numbers without gaps; drop this file at the merge when the real 0015 arrives.
SELECT 1;
