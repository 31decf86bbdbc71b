"""Fixtures for the deadlines screen tests: the cases template (copied per test), a page per role."""

from __future__ import annotations

import pytest

from clinic.i18n import set_language
from tests.fixtures.cases import Template, build_template, page_opener, unlocked_contexts
from tests.fixtures.template import copy_home
from ui.deadlines.page import DeadlinesPage


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Template:
    return build_template(tmp_path_factory)


@pytest.fixture
def make_ctx(template, tmp_path, immediate_runner):
    with unlocked_contexts(template, copy_home(template, tmp_path / "home"), immediate_runner) as make:
        yield make


@pytest.fixture
def page(qtbot, make_ctx):
    set_language("en")
    yield page_opener(qtbot, DeadlinesPage, make_ctx)
    set_language("en")
