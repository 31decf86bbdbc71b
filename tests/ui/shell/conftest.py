"""Fixtures for the shell screen tests (pytest finds them here; no test module imports another)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest

from clinic import models as m
from clinic.home import Home
from clinic.i18n import set_language
from tests.fixtures.app import (
    CANARY,
    CLINIC_NAME,
    STAFF,
    UiTemplate,
    show_active,
)
from tests.fixtures.template import Account, build_once, require_real_keyring
from ui.app import Prefs
from ui.context import AppContext


@pytest.fixture(scope="session")
def ui_template(tmp_path_factory) -> UiTemplate:
    """The session's template vault: admin (English), attorney, volunteer (Spanish), one canary client."""
    require_real_keyring()

    def populate(vault, _t) -> dict:
        receipt = vault.intakes.record(m.IntakeDraft(
            given_names="Xiomara", family_name_1=CANARY, date_of_birth=dt.date(1984, 3, 9),
            consent_to_store=True, notes=f"{CANARY} notes", needs=(m.Need.HOUSING,)))
        return {"vault_id": vault.vault_id, "client_id": receipt.client_id, "client_ref": receipt.client_ref}

    accounts = {role: Account(STAFF[role][0], m.Role(role), STAFF[role][1], STAFF[role][2])
                for role in ("admin", "attorney", "volunteer")}
    t = build_once("shell", tmp_path_factory, clinic_name=CLINIC_NAME, accounts=accounts, populate=populate)
    return UiTemplate(t.home.path, t.vault_id, t.client_id, t.client_ref)


@pytest.fixture
def home(ui_template, tmp_path) -> Home:
    """A private copy of the template vault for this test."""
    shutil.copytree(ui_template.path, tmp_path / "home")
    return Home(tmp_path / "home")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Each test starts (and leaves the process) in English."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def prefs(tmp_path) -> Prefs:
    return Prefs(str(tmp_path / "ui.ini"))


@pytest.fixture
def ctx(home, immediate_runner) -> AppContext:
    return AppContext(home=home, runner=immediate_runner)


@pytest.fixture
def window(qtbot, ctx, prefs):
    """The main window on the unlock screen, shown, with an immediate task runner."""
    from ui.main_window import MainWindow

    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    show_active(qtbot, win)
    return win
