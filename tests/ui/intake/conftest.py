"""Fixtures for the intake screen tests (pytest finds them here; no test module imports another)."""

from __future__ import annotations

import pytest

from clinic.vault import Vault
from tests.fixtures.intake import ACCOUNTS, close_message_boxes, focused, show
from tests.fixtures.template import VaultTemplate, build_once, copy_home
from ui.context import AppContext
from ui.intake.page import IntakePage


@pytest.fixture(scope="session")
def vault_template(tmp_path_factory) -> VaultTemplate:
    """One empty vault per session (admin plus a staff member per role), each account's keys derived once."""
    return build_once("intake", tmp_path_factory, clinic_name="Test Clinic", accounts=ACCOUNTS)


@pytest.fixture
def open_vault(vault_template, tmp_path):
    """open_vault(name) -> a Vault on this test's own copy of the template, as that staff member."""
    home = copy_home(vault_template, tmp_path / "vault")
    opened: list[Vault] = []

    def open_(name: str) -> Vault:
        opened.append(Vault.open(home, vault_template.keys[name]))
        return opened[-1]

    yield open_
    for vault in opened:
        vault.lock()


@pytest.fixture
def make_ctx(open_vault, immediate_runner):
    """make_ctx(name) -> an AppContext unlocked as that staff member, with an immediate task runner."""

    def make(name: str) -> AppContext:
        vault = open_vault(name)
        return AppContext(vault.home, runner=immediate_runner, vault=vault)

    return make


@pytest.fixture
def page(qtbot, make_ctx):
    page = IntakePage(make_ctx("volunteer"))
    show(qtbot, page)
    qtbot.waitUntil(lambda: focused() is page.form.given_names)
    yield page
    close_message_boxes()
