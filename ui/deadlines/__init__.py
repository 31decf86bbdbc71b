"""Deadlines at a glance: the attorney's upcoming hearings, check-ins and filing deadlines."""
