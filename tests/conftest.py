"""Suite-wide settings: a modest, reproducible Hypothesis profile that writes nothing into the tree, and
each xdist worker's own keyring (tests/fixtures/keyring_session.py)."""

from __future__ import annotations

import os
import warnings

import pytest
from hypothesis import HealthCheck, settings

from tests.fixtures import keyring_session

_private_keyring: keyring_session.PrivateKeyring | None = None


def pytest_configure(config) -> None:
    """Load the Hypothesis profile; markers live in pyproject.toml only (`slow`), so none are added here."""
    global _private_keyring
    settings.register_profile(
        "clinic",
        max_examples=60,
        deadline=None,  # each example writes to an encrypted database with fsync: timing is not the point
        database=None,  # no .hypothesis/ folder next to the code
        suppress_health_check=(HealthCheck.too_slow,),
        print_blob=True,  # a failure prints the @reproduce_failure blob instead
    )
    settings.load_profile("clinic")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and _private_keyring is None:
        _private_keyring = keyring_session.start(worker)


def pytest_unconfigure(config) -> None:
    global _private_keyring
    if _private_keyring is not None:
        _private_keyring.stop()
        _private_keyring = None


@pytest.fixture(scope="session", autouse=True)
def _keyring_stayed_up():
    """A keyring daemon that died and was started again is said in the summary, not passed over."""
    yield
    if _private_keyring is not None and (starts := _private_keyring.starts()) > 1:
        warnings.warn(f"this worker's gnome-keyring-daemon was started {starts} times: it died during the "
                      f"run (D-Bus log: {_private_keyring.log.read_text(errors='replace')[-1500:]})",
                      stacklevel=1)
