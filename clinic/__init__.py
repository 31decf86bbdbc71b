"""Clinic Intake: offline, encrypted intake and case review for legal aid clinics."""

__version__ = "0.1.0"
