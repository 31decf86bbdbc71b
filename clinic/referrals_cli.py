"""Command-line verbs for partners and referral letters (issue 4)."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Register `partner` and `letter`; filled in with the letters work."""
