"""Partner organisations and referrals (issue 4): filled in with the letters work."""

from __future__ import annotations


class Partners:
    def __init__(self, vault):
        self._v = vault


class Referrals:
    def __init__(self, vault):
        self._v = vault
