"""Fixtures for the intake screen tests (pytest finds them here; no test module imports another)."""

from __future__ import annotations

import shutil

import pytest

from clinic.home import Home
from clinic.vault import Vault
from tests.fixtures.intake import (
    PASSPHRASE,
    STAFF,
    Template,
    _template,
    close_message_boxes,
    focused,
    show,
)
from ui.context import AppContext
from ui.intake.page import IntakePage


@pytest.fixture(scope="session")
def vault_template(tmp_path_factory) -> Template:
    """One vault per session (admin plus a staff member per role), each account's keys derived once."""
    if not _template:
        home = Home(tmp_path_factory.mktemp("template") / "vault")
        vault, _recovery = Vault.init(home, clinic_name="Test Clinic", admin_name="admin",
                                      passphrase=PASSPHRASE, language="en")
        keys = {"admin": vault.keys.owned()}  # lock() wipes the vault's own copies
        for name, role in STAFF.items():
            vault.staff.add(name, role, PASSPHRASE, language="en")
        vault.lock()
        for name in STAFF:
            keys[name] = Vault.derive(home, name, PASSPHRASE)
        _template.append(Template(home, keys))
    return _template[0]


@pytest.fixture
def open_vault(vault_template, tmp_path):
    """open_vault(name) -> a Vault on this test's own copy of the template, as that staff member."""
    home = Home(tmp_path / "vault")
    shutil.copytree(vault_template.home.path, home.path)
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
