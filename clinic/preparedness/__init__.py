"""Family preparedness plans: the plan, its caregiver packet, the caregiver's affidavit and wallet cards."""
