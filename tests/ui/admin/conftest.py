"""Fixtures for the Administration screen's tests: the cases template vault, copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest

from clinic.home import Home
from clinic.i18n import set_language
from tests.fixtures.cases import Template, build_template, unlocked_contexts
from ui.context import AppContext


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Template:
    return build_template(tmp_path_factory)


@pytest.fixture
def make_ctx(template, tmp_path, immediate_runner) -> Iterator[Callable[[str], AppContext]]:
    """make_ctx(role) -> an AppContext with this test's copy of the vault unlocked as that role."""
    target = tmp_path / "home"
    shutil.copytree(template.home.path, target)
    with unlocked_contexts(template, Home(target), immediate_runner) as make:
        yield make


@pytest.fixture
def lang(request) -> Iterator[str]:
    """Parametrise with indirect=True to run a test in "en" and "es"; English afterwards."""
    chosen = getattr(request, "param", "en")
    set_language(chosen)
    yield chosen
    set_language("en")
