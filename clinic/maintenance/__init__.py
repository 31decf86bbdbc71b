"""Keeping a vault safe over time: backups, verifying and restoring them (and, beside them, retention)."""
