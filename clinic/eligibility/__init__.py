"""Financial eligibility: income lines, HHS poverty guideline tables and funding sources' ceilings."""
