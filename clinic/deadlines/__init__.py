"""Deadlines at a glance: every upcoming hearing, ICE check-in and filing deadline across a person's cases."""
