"""Fixtures for the cases screen tests (pytest finds them here; no test module imports another)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

from clinic.home import Home
from clinic.i18n import set_language
from tests.fixtures.cases import Template, build_template, unlocked_contexts
from ui.cases.view import CaseFileView
from ui.context import AppContext


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Template:
    return build_template(tmp_path_factory)


@pytest.fixture
def home(template, tmp_path) -> Home:
    """A private copy of the template vault for this test."""
    target = tmp_path / "home"
    shutil.copytree(template.home.path, target)
    return Home(target)


@pytest.fixture
def make_ctx(template, home, immediate_runner) -> Iterator[Callable[[str], AppContext]]:
    """make_ctx(role) -> an AppContext with the test's vault copy unlocked as that role."""
    with unlocked_contexts(template, home, immediate_runner) as make:
        yield make


@pytest.fixture
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def view(qtbot, make_ctx, english) -> Callable[..., CaseFileView]:
    def open_view(role: str, case_id: int | None = None) -> CaseFileView:
        widget = CaseFileView(make_ctx(role))
        qtbot.addWidget(widget)
        widget.resize(1280, 800)
        widget.show()
        if case_id is not None:
            widget.load(case_id)
        return widget

    return open_view
