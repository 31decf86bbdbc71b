"""Suite-wide settings: a modest, reproducible Hypothesis profile that writes nothing into the tree."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def pytest_configure(config) -> None:
    """Load the Hypothesis profile; markers live in pyproject.toml only (`slow`), so none are added here."""
    settings.register_profile(
        "clinic",
        max_examples=60,
        deadline=None,  # each example writes to an encrypted database with fsync: timing is not the point
        database=None,  # no .hypothesis/ folder next to the code
        suppress_health_check=(HealthCheck.too_slow,),
        print_blob=True,  # a failure prints the @reproduce_failure blob instead
    )
    settings.load_profile("clinic")
