"""Drafts: an unsaved intake or incident form kept in the vault when the screen locks (issue 11, item 8)."""
