"""Follow-up from an incident: the link to an intake, referrals by service and "reported to the city" (ids only)."""
