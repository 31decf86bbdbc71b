"""Fixtures for the reports screen tests: the cases template (copied per test), the page per role."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

from clinic.home import Home
from clinic.i18n import set_language
from clinic.vault import Vault
from tests.fixtures.cases import Template, build_template
from ui.context import AppContext
from ui.reports.page import ReportsPage


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Template:
    return build_template(tmp_path_factory)


@pytest.fixture
def make_ctx(template, tmp_path, immediate_runner) -> Iterator[Callable[[str], AppContext]]:
    target = tmp_path / "home"
    shutil.copytree(template.home.path, target)
    home = Home(target)
    opened: list[Vault] = []

    def make(role: str) -> AppContext:
        vault = Vault.open(home, template.keys[role])
        opened.append(vault)
        ctx = AppContext(home, runner=immediate_runner)
        ctx.vault = vault
        return ctx

    yield make
    for vault in opened:
        vault.lock()


@pytest.fixture
def page(qtbot, make_ctx) -> Iterator[Callable[..., ReportsPage]]:
    set_language("en")

    def open_page(role: str = "attorney", ctx: AppContext | None = None) -> ReportsPage:
        widget = ReportsPage(ctx or make_ctx(role))
        qtbot.addWidget(widget)
        widget.resize(1366, 768)
        widget.show()
        widget.on_unlocked()
        return widget

    yield open_page
    set_language("en")
