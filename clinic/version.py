"""The version of Clinic Intake: one place, read by the build and by About."""

__version__ = "0.1.0"
