"""Referral letters and the recovery kit: compose (data -> translated text) and render (text -> PDF bytes)."""
