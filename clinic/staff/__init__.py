"""clinic/staff."""
