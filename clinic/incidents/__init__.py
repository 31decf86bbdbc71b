"""Raid-incident reports from the hotline and the street, kept apart from client files."""
