"""Nothing typed is lost to a lock (issue 11, item 8): the intake form kept as a draft in the vault at lock,
offered back to the same person only, by a banner; gone after a day; never in a file outside clinic.db."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import Qt

from clinic import clock
from clinic import models as m
from tests.fixtures.app import flush_deletes, unlock
from ui.kit.drafts import DraftBanner

CANARY = "Zorzalcanario"  # typed into the form; must come back after unlock, and be in no loose file
SEALED_CANARY = "A987654321"


def _banner(win) -> DraftBanner:
    return win.findChild(DraftBanner)


def _type_intake(qtbot, win) -> None:
    page = win.pages["intake"]
    f = page.form
    qtbot.keyClicks(f.given_names, "Marisol")
    qtbot.keyClicks(f.family_name_1, CANARY)
    qtbot.keyClicks(f.phones[0].number, "626 555 0199")
    f.household_size.setText("4")
    f.household.new_income().amount.setText("1250")
    asset = f.household.assets.new_asset()
    asset.kind.setCurrentIndex(asset.kind.findData("vehicle"))
    asset.value.setText("3000")
    asset.excluded.setChecked(True)
    f.needs[m.Need.HOUSING].setChecked(True)
    f.urgency[m.Urgency.URGENT].setChecked(True)
    f.notes.setPlainText(f"{CANARY} habló por teléfono\nsegunda línea")
    f.sealed[m.SealedField.A_NUMBER].setText(SEALED_CANARY)
    f.consent.setChecked(True)


def _idle_lock(win) -> None:
    win.idle.went_idle.emit()  # what IdleWatcher emits when the timeout passes
    flush_deletes()


def test_typed_intake_survives_the_idle_lock_and_comes_back_on_resume(qtbot, window, ctx):
    unlock(qtbot, window, "admin")
    _type_intake(qtbot, window)
    _idle_lock(window)
    assert ctx.vault is None
    unlock(qtbot, window, "admin")
    banner = _banner(window)
    assert banner.isVisible()
    assert "Resume your unsaved intake from" in banner.text.text()
    assert "Sealed fields are not kept in a draft" in banner.text.text()
    assert CANARY not in banner.text.text()
    [draft] = ctx.vault.drafts.mine()
    assert SEALED_CANARY not in str(ctx.vault.drafts.open(draft.id).payload)
    qtbot.mouseClick(banner.resume_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    f = window.pages["intake"].form
    assert window.pages.get("intake") is window.page_stack.currentWidget()
    assert (f.given_names.text(), f.family_name_1.text()) == ("Marisol", CANARY)
    assert f.phones[0].number.text() == "626 555 0199"
    assert f.household_size.text() == "4"
    assert [r.amount.text() for r in f.household.incomes] == ["1250"]  # rows added are kept too
    (asset,) = f.household.assets.rows
    assert (asset.kind.currentData(), asset.value.text(), asset.excluded.isChecked()) == ("vehicle", "3000", True)
    assert f.needs[m.Need.HOUSING].isChecked() and not f.needs[m.Need.FOOD].isChecked()
    assert f.urgency[m.Urgency.URGENT].isChecked() and not f.urgency[m.Urgency.ROUTINE].isChecked()
    assert f.notes.toPlainText() == f"{CANARY} habló por teléfono\nsegunda línea"
    assert f.consent.isChecked()
    assert f.sealed[m.SealedField.A_NUMBER].text() == ""  # sealed fields are not kept
    # Locking again replaces the same draft rather than adding one.
    _idle_lock(window)
    unlock(qtbot, window, "admin")
    assert [d.id for d in ctx.vault.drafts.mine()] == [draft.id]
    qtbot.mouseClick(_banner(window).resume_button, Qt.MouseButton.LeftButton)
    page = window.pages["intake"]
    page.save()
    assert page._saved_ref is not None, "the resumed intake saves"
    assert ctx.vault.drafts.mine() == []  # a saved form's draft is deleted


def test_discard_deletes_the_draft(qtbot, window, ctx):
    unlock(qtbot, window, "admin")
    _type_intake(qtbot, window)
    window.lock()  # the Lock button
    unlock(qtbot, window, "admin")
    qtbot.mouseClick(_banner(window).discard_button, Qt.MouseButton.LeftButton)
    assert not _banner(window).isVisible()
    assert ctx.vault.drafts.mine() == []
    assert window.pages["intake"].form.family_name_1.text() == ""


def test_an_untouched_form_keeps_no_draft(qtbot, window, ctx):
    unlock(qtbot, window, "admin")
    _idle_lock(window)
    unlock(qtbot, window, "admin")
    assert ctx.vault.drafts.mine() == [] and not _banner(window).isVisible()


def test_another_staff_member_sees_nothing_not_even_an_admin(qtbot, window, ctx):
    unlock(qtbot, window, "volunteer")
    _type_intake(qtbot, window)
    _idle_lock(window)
    for other in ("admin", "attorney"):
        unlock(qtbot, window, other)
        assert not _banner(window).isVisible()
        assert ctx.vault.drafts.mine() == []
        assert window.pages["intake"].form.family_name_1.text() == ""
        _idle_lock(window)
    unlock(qtbot, window, "volunteer")
    assert _banner(window).isVisible()  # still there for the one who typed it
    assert len(ctx.vault.drafts.mine()) == 1


def test_a_draft_older_than_a_day_is_gone(qtbot, window, ctx):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)  # in the past, so the audit log stays in order
    with clock.frozen(start) as c:
        unlock(qtbot, window, "admin")
        _type_intake(qtbot, window)
        _idle_lock(window)
        c.advance(hours=23)
        unlock(qtbot, window, "admin")
        assert _banner(window).isVisible() and len(ctx.vault.drafts.mine()) == 1  # still offered at 23 hours
        _idle_lock(window)  # not resumed: the draft keeps its time
        c.advance(hours=2)
        unlock(qtbot, window, "admin")
        assert not _banner(window).isVisible()
        assert ctx.vault.drafts.mine() == []
        assert ctx.vault.conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0
        _idle_lock(window)


def _files_holding(text: str, roots: list[Path], since: float) -> list[str]:
    needles = [text.encode("utf-8"), text.encode("utf-16-le")]
    found = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                try:
                    st = path.stat()
                    if st.st_mtime < since or st.st_size > 64 * 1024 * 1024 or not path.is_file():
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(n in data for n in needles):
                    found.append(str(path))
    return found


def test_the_canary_typed_is_in_no_file_but_the_encrypted_vault(qtbot, ctx, prefs, home, immediate_runner):
    from ui.context import AppContext
    from ui.main_window import MainWindow

    since = time.time() - 1
    window = MainWindow(ctx, prefs=prefs)  # not the fixture's: closing deletes it
    window.show()
    unlock(qtbot, window, "admin")
    _type_intake(qtbot, window)
    _idle_lock(window)
    unlock(qtbot, window, "admin")
    assert len(ctx.vault.drafts.mine()) == 1
    window.pages["intake"].form.notes.setPlainText(f"{CANARY} otra vez")
    vault = ctx.vault
    window.close()  # closing the app keeps the draft too (it locks)
    flush_deletes()
    assert ctx.vault is None and not vault.is_open
    roots = [Path.home(), Path(tempfile.gettempdir())]
    assert Path.home() != Path("/root"), "run under .ci/with-keyring (a throw-away HOME)"
    found = _files_holding(CANARY, roots, since) + _files_holding(SEALED_CANARY, roots, since)
    assert home.db.exists()
    assert found == []  # clinic.db (and its journal) is SQLCipher: the canary is not in its bytes either
    ctx = AppContext(home=home, runner=immediate_runner)  # a fresh start of the app
    again = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(again)
    again.show()
    unlock(qtbot, again, "admin")
    newest, older = ctx.vault.drafts.mine()  # not resumed, typed again: a second draft, offered first
    assert newest.id > older.id
    assert "(and 1 more draft)" in _banner(again).text.text()
    qtbot.mouseClick(_banner(again).resume_button, Qt.MouseButton.LeftButton)
    assert again.pages["intake"].form.notes.toPlainText() == f"{CANARY} otra vez"  # the close kept it


def test_a_half_typed_hotline_report_survives_the_lock_without_the_callers_sealed_details(qtbot, window, ctx):
    from clinic.incidents import model as im

    unlock(qtbot, window, "admin")
    window.show_page("incidents")
    page = window.pages["incidents"]
    f = page.form
    qtbot.keyClicks(f.address, f"Calle {CANARY} & 5th")
    f.activities.boxes[im.Activity.DETAINING].setChecked(True)
    f.agents.setText("4")
    f.add_vehicle()
    qtbot.keyClicks(f.vehicle_rows[1].make, "Ford")
    f.add_person()
    f.person_rows[0].detained.setChecked(True)
    f.notes.setPlainText(f"{CANARY} on the phone")
    f.reporter_name.setText("Caller Sealed-Canary")
    _idle_lock(window)
    unlock(qtbot, window, "admin")
    banner = _banner(window)
    assert "Resume your unsaved incident report from" in banner.text.text()
    [draft] = ctx.vault.drafts.mine("incident")
    assert "Sealed-Canary" not in str(ctx.vault.drafts.open(draft.id).payload)
    qtbot.mouseClick(banner.resume_button, Qt.MouseButton.LeftButton)
    page = window.pages["incidents"]
    f = page.form
    assert window.page_stack.currentWidget() is page and page.tabs.currentWidget() is page.entry
    assert f.address.text() == f"Calle {CANARY} & 5th"
    assert f.activities.boxes[im.Activity.DETAINING].isChecked()
    assert f.agents.text() == "4"
    assert len(f.vehicle_rows) == 2 and f.vehicle_rows[1].make.text() == "Ford"
    assert len(f.person_rows) == 1 and f.person_rows[0].detained.isChecked()
    assert f.notes.toPlainText() == f"{CANARY} on the phone"
    assert f.reporter_name.text() == ""
    page.save()
    assert page._saved_ref is not None, "the resumed report saves"
    assert ctx.vault.drafts.mine() == []


def test_an_untouched_hotline_form_keeps_no_draft(qtbot, window, ctx):
    unlock(qtbot, window, "admin")
    window.show_page("incidents")
    qtbot.waitUntil(lambda: window.pages.is_built("incidents"))  # at unlock a page is built a turn later
    _idle_lock(window)
    unlock(qtbot, window, "admin")
    assert ctx.vault.drafts.mine() == [] and not _banner(window).isVisible()


def test_the_banner_shares_no_alt_letter_with_the_screens_in_either_language(qtbot, window, ctx):
    from clinic.i18n import set_language
    from tests.fixtures.mnemonics import problems

    unlock(qtbot, window, "admin")
    _type_intake(qtbot, window)
    _idle_lock(window)
    unlock(qtbot, window, "admin")
    found = []
    for lang in ("en", "es"):
        window.switch_language(lang)
        assert _banner(window).isVisible()
        for key, page in list(window.pages.items()):
            window.show_page(key)
            qtbot.waitUntil(page.isVisible, timeout=2000)
            found += problems(window, f"{key} ({lang})")
        if lang == "es":
            assert _banner(window).resume_button.text() == "Retomar"
            assert "Retomar su entrevista sin guardar de las" in _banner(window).text.text()
    set_language("en")
    assert found == [], "\n".join(found)
