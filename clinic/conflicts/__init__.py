"""Conflict-of-interest checks: parties on a case, a Spanish-aware name matcher, clearing before acceptance."""
