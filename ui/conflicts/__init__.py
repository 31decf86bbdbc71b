"""Conflict checks: what an attorney reviews and clears before a case is accepted."""
