"""Fixtures for the referrals screen tests (pytest finds them here; no test module imports another)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

import ui.kit.printing
from clinic import models as m
from clinic.eligibility.income import line as income_line
from clinic.home import Home
from clinic.letters.disclosure import Group
from clinic.vault import Vault
from tests.fixtures.batch import LETTERS
from tests.fixtures.referrals import (
    CANARIES,
    FAMILY,
    NAMES,
    PASS,
    RefTemplate,
    make_referral,
)
from tests.fixtures.template import Account, build_once, require_real_keyring
from ui.context import AppContext
from ui.kit.tasks import TaskRunner


@pytest.fixture(scope="session")
def ref_template(tmp_path_factory) -> RefTemplate:
    """Built once per session (tests.fixtures.template); every copy unlocks with the same keys."""
    require_real_keyring()

    def populate(vault, _t) -> dict:
        clients = []
        for i, canary in enumerate(CANARIES):
            receipt = vault.intakes.record(m.IntakeDraft(
                given_names=canary["identity"], family_name_1=FAMILY[i], date_of_birth=dt.date(1990, 5, i + 1),
                phones=(m.Phone(f"+1 213 555 01{i}9", "mobile"),), address=canary["contact"],
                language="es" if i != 1 else "en", household_size=4 + i,
                income=(income_line("other", int(canary["household"].replace(",", "")), "year"),),
                needs=(m.Need.FOOD, m.Need.HOUSING), next_date=dt.date(int(canary["needs"]), 2, 3),
                consent_to_store=True, notes=canary["case_summary"],
                sealed={m.SealedField.A_NUMBER: canary["sealed"]}))
            clients.append((receipt.client_id, receipt.client_ref))
        food = vault.partners.add(m.PartnerDraft(
            name="Banco de Comida del Valle", services=("food_relief",), phone="+1 213 555 0100",
            disclosure=("identity", "household")))
        legal = vault.partners.add(m.PartnerDraft(
            name="Oficina Legal Popular", services=("legal_representation",), legal_representation=True,
            lsc_funded=True, disclosure=tuple(g.value for g in Group)))
        return {"clients": tuple(clients), "food_id": food.id, "legal_id": legal.id}

    accounts = {role: Account(NAMES[role], m.Role(role), PASS[role])
                for role in ("admin", "attorney", "coordinator", "volunteer")}
    t = build_once("referrals", tmp_path_factory, clinic_name="Clínica Comunitaria", accounts=accounts,
                   populate=populate, clinic_address="100 Main St\nSpringfield")
    return RefTemplate(t.home.path, t.keys, t.clients, t.food_id, t.legal_id)


@pytest.fixture
def ref_home(ref_template, tmp_path) -> Home:
    shutil.copytree(ref_template.path, tmp_path / "home")
    return Home(tmp_path / "home")


@pytest.fixture
def open_ctx(ref_home, ref_template, immediate_runner) -> Iterator:
    """open_ctx(role, runner=None) -> AppContext with that role's vault open on this test's copy."""
    opened: list[AppContext] = []

    def open_as(role: str, runner=None) -> AppContext:
        ctx = AppContext(home=ref_home, runner=runner or immediate_runner)
        ctx.vault = Vault.open(ref_home, ref_template.keys[role])
        opened.append(ctx)
        return ctx

    yield open_as
    for ctx in opened:
        if ctx.vault is not None:
            ctx.vault.lock()


@pytest.fixture
def dialog_for(qtbot, open_ctx, ref_template):
    def make(role: str = "coordinator", client: int = 0):
        from ui.referrals.dialog import ReferralDialog

        ctx = open_ctx(role)
        dialog = ReferralDialog(ctx, ref_template.clients[client][0])
        qtbot.addWidget(dialog)
        dialog.open()
        return ctx, dialog

    return make


@pytest.fixture
def page_for(qtbot, open_ctx):
    def make(role: str = "coordinator"):
        from ui.referrals.page import ReferralsPage

        ctx = open_ctx(role)
        page = ReferralsPage(ctx)
        qtbot.addWidget(page)
        return ctx, page

    return make


@pytest.fixture
def runner(qapp):
    runner = TaskRunner(max_threads=2)
    yield runner
    runner.cancel_all()
    assert runner.wait_idle(30_000)
    runner.deleteLater()


@pytest.fixture
def batch(qtbot, open_ctx, ref_template, runner, tmp_path, monkeypatch):
    """A coordinator with LETTERS pending referrals today, a PDF printer the print dialog 'returns'."""
    ctx = open_ctx("coordinator", runner=runner)
    groups = ({"identity"}, {"identity", "household"})
    for i in range(LETTERS):
        client_id = ref_template.clients[i % 3][0]
        make_referral(ctx, client_id, ref_template.food_id, groups[i % 2], letter_language=("es", "en")[i % 2])
    asked = []
    out = tmp_path / "printer" / "batch.pdf"
    out.parent.mkdir()

    def ask(parent):
        asked.append(parent)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    monkeypatch.setattr(ui.kit.printing, "ask_printer", ask)
    return ctx, asked, out


VAULT_FILES = {"clinic.db", "clinic.db-wal", "clinic.db-shm", "clinic.keys", "clinic.keys.bak"}


@pytest.fixture
def private_tmp(tmp_path, monkeypatch, ref_home):
    """An empty TMPDIR for the test; afterwards it must still be empty and the home only vault files."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    assert list(folder.iterdir()) == []
    assert {p.name for p in ref_home.path.iterdir()} <= VAULT_FILES


@pytest.fixture
def preview(qtbot, open_ctx, ref_template, private_tmp):
    """A coordinator's letter to the food bank (identity and household only), rendered in memory, previewed."""
    from ui.kit.preview import LetterPreview, render_for_preview

    ctx = open_ctx("coordinator")
    referral = make_referral(ctx, ref_template.clients[0][0], ref_template.food_id, {"identity", "household"})
    owner = QWidget()
    qtbot.addWidget(owner)
    got = []
    render_for_preview(ctx, referral.id, owner=owner, on_done=got.append, on_error=lambda exc: pytest.fail(repr(exc)))
    widget = LetterPreview(ctx, ctx.v.referrals.get(referral.id), got[0])
    widget.show()
    yield ctx, referral, widget
    widget.clear()
