"""The referral screens over a real encrypted vault: the disclosed list, sealed rules, consent, letters, outcomes.

Also the home of the referral fixtures the partner, letter and batch tests import: one template vault per
session (three clients with a canary value in every disclosure group, a legal and a food-bank partner),
copied per test, with keys derived once per role.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from clinic import models as m
from clinic.letters.disclosure import Group
from tests.fixtures.referrals import choose, make_referral
from ui.kit.preview import LetterPreview


def test_dialog_shows_client_and_defaults(dialog_for, ref_template):
    """The dialog names the client (ref and name), defaults the need, consent date and language."""
    _ctx, dialog = dialog_for()
    assert ref_template.clients[0][1] in dialog.heading.text() and "Zenobia" in dialog.heading.text()
    assert dialog.need.currentData() == m.Need.FOOD.value
    assert dialog.consent_date.date() == dt.date.today()
    assert dialog.consent_language.currentData() == "es"
    assert dialog.letter_choice() == ("es", "sequence")
    assert "Zenobia" not in dialog.windowTitle()


def test_disclosed_list_is_profile_and_ticks_and_changes_live(dialog_for, ref_template):
    """The list shows exactly the fields of (partner profile ∩ ticked groups), updated on every change."""
    ctx, dialog = dialog_for()
    choose(dialog.partner, ref_template.legal_id)
    # Issue 14: choosing a partner ticks its whole profile except sealed, as the README says.
    profile = set(dialog.partners[ref_template.legal_id].disclosure)
    assert dialog.ticked() == profile - {"sealed"} and dialog.disclosed_fields()
    for box in dialog.group_boxes.values():
        box.setChecked(False)
    assert dialog.disclosed_fields() == ()
    dialog.group_boxes[Group.IDENTITY].setChecked(True)
    assert {f.group for f in dialog.disclosed_fields()} == {Group.IDENTITY}
    values = [v for _label, v in dialog.disclosed.rows()]
    assert "Zenobia Quiroga" in values and not any("Quetzal" in v for v in values)
    dialog.group_boxes[Group.CONTACT].setChecked(True)
    dialog.group_boxes[Group.CASE_SUMMARY].setChecked(True)
    assert {f.group for f in dialog.disclosed_fields()} == {Group.IDENTITY, Group.CONTACT, Group.CASE_SUMMARY}
    assert any("Calle Quetzal 77" in v for _l, v in dialog.disclosed.rows())
    # The food bank receives identity and household only: contact and case summary drop out at once.
    choose(dialog.partner, ref_template.food_id)
    assert not dialog.group_boxes[Group.CONTACT].isEnabled()
    assert not dialog.group_boxes[Group.CONTACT].isChecked()
    # Another partner: its own profile is ticked (identity and household), never more.
    assert {f.group for f in dialog.disclosed_fields()} == {Group.IDENTITY, Group.HOUSEHOLD}
    dialog.group_boxes[Group.HOUSEHOLD].setChecked(True)
    shown = {f.group.value for f in dialog.disclosed_fields()}
    assert shown == set(ctx.v.referrals.disclosable(ref_template.food_id, dialog.ticked())) == {"identity",
                                                                                                 "household"}
    assert [(f.label, f.value) for f in dialog.disclosed_fields()] == dialog.disclosed.rows()
    assert "LSC" not in dialog.lsc.text()


def test_sealed_checkbox_disabled_for_coordinator_and_for_non_legal_partner(dialog_for, ref_template):
    """Sealed is enabled only for an attorney writing to a legal partner; otherwise the reason is shown."""
    _ctx, dialog = dialog_for("coordinator")
    choose(dialog.partner, ref_template.legal_id)
    sealed = dialog.group_boxes[Group.SEALED]
    assert not sealed.isEnabled()
    assert not dialog.groups.reason.isHidden() and "attorney" in dialog.groups.reason.text()
    assert "LSC-funded" in dialog.lsc.text()
    dialog.close()

    _ctx, dialog = dialog_for("attorney")
    choose(dialog.partner, ref_template.food_id)
    sealed = dialog.group_boxes[Group.SEALED]
    assert not sealed.isEnabled() and "legal representation" in dialog.groups.reason.text()
    choose(dialog.partner, ref_template.legal_id)
    assert sealed.isEnabled() and dialog.groups.reason.isHidden()
    sealed.setChecked(True)
    assert any("A987654321" in v for _l, v in dialog.disclosed.rows())
    choose(dialog.partner, ref_template.food_id)
    assert not sealed.isChecked()
    assert not any("A987654321" in v for _l, v in dialog.disclosed.rows())


def test_consent_checkbox_is_required_and_unticks_when_the_list_changes(dialog_for, ref_template):
    """Create refuses without the consent tick; changing what is shared afterwards asks for consent again."""
    ctx, dialog = dialog_for()
    choose(dialog.partner, ref_template.food_id)
    dialog.group_boxes[Group.IDENTITY].setChecked(True)
    dialog.in_person.setChecked(True)
    assert dialog.create() is None
    assert dialog.errors.is_marked(dialog.consent)
    assert ctx.v.referrals.list() == []
    assert "Banco de Comida del Valle" in dialog.consent_text.text()
    dialog.consent.setChecked(True)
    dialog.group_boxes[Group.HOUSEHOLD].setChecked(False)
    assert not dialog.consent.isChecked() and dialog.consent_note.text()


def test_core_validation_is_shown_at_its_field_keeping_input(dialog_for, ref_template):
    """No consent method chosen: the core's ValidationError marks the method row; the ticks stay."""
    ctx, dialog = dialog_for()
    choose(dialog.partner, ref_template.food_id)
    dialog.group_boxes[Group.IDENTITY].setChecked(True)
    dialog.consent.setChecked(True)
    assert dialog.create() is None
    assert dialog.errors.is_marked(dialog.method)
    assert dialog.group_boxes[Group.IDENTITY].isChecked() and dialog.consent.isChecked()
    assert ctx.v.referrals.list() == []


def test_create_renders_stores_and_previews(dialog_for, ref_template, qtbot):
    """Create records the referral with its consent and previews the letter, which is not kept until it is
    printed or saved (previews do not pile up as stored PDFs)."""
    ctx, dialog = dialog_for()
    changed = []
    ctx.signals.changed.connect(changed.append)
    choose(dialog.partner, ref_template.food_id)
    dialog.group_boxes[Group.IDENTITY].setChecked(True)
    dialog.group_boxes[Group.HOUSEHOLD].setChecked(True)
    dialog.by_phone.setChecked(True)
    dialog.consent.setChecked(True)
    referral = dialog.create()
    assert referral is not None and referral.groups == ("identity", "household")
    assert referral.consent_method == "phone" and referral.letter_language == "es"
    assert ctx.v.referrals.get(referral.id).letters == 0
    preview = dialog.preview
    qtbot.addWidget(preview)
    assert preview.document.pageCount() >= 1 and not preview.stored
    preview.keep()  # what the first print or save does before the letter leaves the vault
    preview.keep()  # once only
    assert ctx.v.referrals.letter_pdf(referral.id) == preview._pdf
    assert ctx.v.referrals.get(referral.id).letters == 1
    assert "Zenobia" not in preview.windowTitle() and referral.ref in preview.windowTitle()
    assert "referrals" in changed
    assert not dialog.isVisible()


def test_lock_clears_the_dialog(dialog_for, ref_template):
    """On lock the dialog forgets the client and closes."""
    ctx, dialog = dialog_for()
    choose(dialog.partner, ref_template.legal_id)
    dialog.group_boxes[Group.CONTACT].setChecked(True)
    ctx.signals.locked.emit()
    assert not dialog.isVisible() and dialog.client_file is None
    assert dialog.disclosed.rows() == [] and dialog.heading.text() == ""


def test_referrals_table_model_and_filters(page_for, ref_template, qtmodeltester):
    """The table model passes Qt's tester; today/all and the client filter (by name too) narrow it."""
    ctx, page = page_for()
    (a, _ref_a), (b, ref_b), _c = ref_template.clients
    make_referral(ctx, a, ref_template.food_id, {"identity"})
    make_referral(ctx, b, ref_template.legal_id, {"contact", "needs"}, need=m.Need.HOUSING)
    page.on_unlocked()
    assert page.model.rowCount() == 2
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    page.filter.setText("Yolotzin")  # a client's name: matched through the search index
    page._search_clients()
    assert [r.client_ref for r in page.model.rows] == [ref_b]
    page.filter.setText(ref_b.lower())
    page._search_clients()
    assert [r.client_ref for r in page.model.rows] == [ref_b]
    page.filter.clear()
    page._search_clients()
    choose(page.period, "all")
    assert page.model.rowCount() == 2


def test_outcome_change_reaches_the_core(page_for, ref_template):
    """Choosing an outcome for the selected referral records it; the row shows it."""
    ctx, page = page_for()
    referral = make_referral(ctx, ref_template.clients[0][0], ref_template.food_id, {"identity"})
    page.on_unlocked()
    page.select(referral.id)
    index = page.outcome.findData("accepted")
    page.outcome.setCurrentIndex(index)
    page.outcome.activated.emit(index)
    assert ctx.v.referrals.get(referral.id).outcome is m.ReferralOutcome.ACCEPTED
    assert page.selected().outcome is m.ReferralOutcome.ACCEPTED
    page.set_outcome(m.ReferralOutcome.NO_RESPONSE)
    assert ctx.v.referrals.get(referral.id).outcome is m.ReferralOutcome.NO_RESPONSE


def test_preview_reprint_shows_the_letter_as_sent(page_for, ref_template, qtbot):
    """Preview / reprint loads the stored letter; with none yet it renders one in memory, kept only once it
    is printed or saved, and the next preview shows that one."""
    ctx, page = page_for()
    referral = make_referral(ctx, ref_template.clients[0][0], ref_template.food_id, {"identity"})
    page.on_unlocked()
    page.select(referral.id)
    assert page.preview_selected() is None  # no letter yet: rendered (immediately here) and shown
    assert ctx.v.referrals.get(referral.id).letters == 0
    rendered = [w for w in page.window().findChildren(LetterPreview) if w.referral.id == referral.id]
    assert rendered and not rendered[-1].stored
    rendered[-1].keep()
    first = ctx.v.referrals.letter_pdf(referral.id)
    page.select(referral.id)
    preview = page.preview_selected()
    qtbot.addWidget(preview)
    assert preview.stored and preview._pdf == first and preview.document.pageCount() >= 1
    page.clear()
    assert page.model.rowCount() == 0 and not preview.isVisible()


def test_sealed_letter_preview_needs_an_attorney(page_for, open_ctx, ref_template, monkeypatch):
    """A coordinator cannot open a letter carrying sealed details, even as sent."""
    attorney = open_ctx("attorney")
    referral = make_referral(attorney, ref_template.clients[0][0], ref_template.legal_id, {"identity", "sealed"},
                             need=m.Need.IMMIGRATION)
    attorney.v.referrals.make_letter(referral.id)
    attorney.vault.lock()
    _ctx, page = page_for("coordinator")
    page.on_unlocked()
    page.select(referral.id)
    shown = []
    monkeypatch.setattr("ui.referrals.page.show_error", lambda parent, exc: shown.append(exc))
    assert page.preview_selected() is None
    assert shown and "attorney" in shown[0].message


def test_new_referral_picks_a_client_then_opens_the_dialog(page_for, ref_template, qtmodeltester, type_text):
    """New referral… finds the client by an accented name and opens the referral dialog for them."""
    from ui.referrals.dialog import ReferralDialog

    _ctx, page = page_for()
    picker = page.new_referral()
    type_text(picker.search, "ramírez")
    picker.run_search()
    qtmodeltester.check(picker.model)
    assert [c.ref for c in picker.model.rows] == [ref_template.clients[1][1]]
    picker.accept()
    dialogs = [w for w in page.windows if isinstance(w, ReferralDialog)]
    assert len(dialogs) == 1 and dialogs[0].client_id == ref_template.clients[1][0]
    assert dialogs[0].letter_choice() == ("en", "sequence")  # this client's language is English


def test_dialog_retranslates_live_keeping_choices(dialog_for, ref_template):
    """Switching the UI to Spanish retranslates the dialog at once; partner, ticks and list stay."""
    from clinic.i18n import set_language

    ctx, dialog = dialog_for()
    choose(dialog.partner, ref_template.legal_id)
    dialog.group_boxes[Group.IDENTITY].setChecked(True)
    before = dialog.disclosed.rows()
    try:
        set_language("es")
        ctx.signals.language_changed.emit("es")
        assert dialog.windowTitle() == "Referir a un cliente"
        assert dialog.labels["partner"].text() == "&Organización aliada:"
        assert dialog.group_boxes[Group.IDENTITY].text() == "Identidad"
        assert dialog.partner.currentData() == ref_template.legal_id
        assert dialog.group_boxes[Group.IDENTITY].isChecked() and dialog.disclosed.rows() == before
        assert "LSC" in dialog.lsc.text() and "fondos" in dialog.lsc.text()
    finally:
        set_language("en")


def test_enter_in_the_finder_reaches_the_results_and_enter_again_refers(page_for, ref_template, qtbot,
                                                                       type_text):
    """Issue 14: Enter (or Down) in the client finder runs the search and moves to the first result."""
    from ui.referrals.dialog import ReferralDialog

    _ctx, page = page_for()
    picker = page.new_referral()
    picker.activateWindow()
    qtbot.waitUntil(picker.isActiveWindow, timeout=2000)
    picker.search.setFocus()
    type_text(picker.search, "ramírez")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.table.hasFocus() and picker.table.selectionModel().selectedRows()
    qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    dialogs = [w for w in page.windows if isinstance(w, ReferralDialog)]
    assert len(dialogs) == 1 and dialogs[0].client_id == ref_template.clients[1][0]


def test_the_consent_sentence_names_a_long_partner_in_full(dialog_for, ref_template, qtbot):
    """Issue 14: the sentence wraps beside its tick box instead of cutting the partner's name."""
    ctx, dialog = dialog_for("coordinator")
    long_name = "Centro Comunitario de Defensa Legal para Trabajadores Inmigrantes del Valle de San Fernando"
    partner = ctx.v.partners.add(m.PartnerDraft(name=long_name, services=("food_relief",), disclosure=("identity",)))
    dialog.partners[partner.id] = partner
    dialog.partner.addItem(long_name, partner.id)
    choose(dialog.partner, partner.id)
    assert long_name in dialog.consent_text.text() and "…" not in dialog.consent_text.text()
    assert long_name in dialog.consent.accessibleName()
    assert dialog.consent_text.buddy() is dialog.consent
    dialog.show()
    qtbot.mouseClick(dialog.consent_text, Qt.MouseButton.LeftButton)
    assert dialog.consent.isChecked()


def test_sealed_is_never_ticked_by_default(dialog_for, ref_template):
    """Even for an attorney writing to a legal partner whose profile includes sealed details."""
    _ctx, dialog = dialog_for("attorney")
    choose(dialog.partner, ref_template.legal_id)
    assert "sealed" in dialog.partners[ref_template.legal_id].disclosure
    assert dialog.group_boxes[Group.SEALED].isEnabled() and not dialog.group_boxes[Group.SEALED].isChecked()


@pytest.mark.parametrize("typed", ["full", "part", "lower"])
def test_the_client_picker_finds_a_client_by_reference(page_for, ref_template, typed):
    """Issue 14: the picker says "by name, phone or reference"; a reference, or its start, finds them."""
    _ctx, page = page_for()
    client_id, ref = ref_template.clients[1][0], ref_template.clients[1][1]
    picker = page.new_referral()
    picker.search.setText({"full": ref, "part": ref[2:7], "lower": ref.lower()}[typed])
    picker.run_search()
    assert [c.id for c in picker.model.rows] == [client_id]
    assert picker.model.rows[0].display_name  # a real row, with the client's name


class HeldSearches:
    """Client searches that wait, each on its own gate, before running the real search."""

    def __init__(self):
        import threading

        self.gates: list[threading.Event] = []
        self.threads: list[threading.Thread] = []

    def release(self, *which: int) -> None:
        for i in which or range(len(self.gates)):
            self.gates[i].set()


@pytest.fixture
def held_search(monkeypatch):
    """Each client search waits until the test releases it (then runs the real one, on whatever thread
    called it); `threads` names the threads they ran on."""
    import threading

    from clinic.clients.clients import Clients

    held_ = HeldSearches()
    real = Clients.search

    def held(self, text, **kw):
        gate = threading.Event()
        held_.gates.append(gate)
        held_.threads.append(threading.current_thread())
        assert gate.wait(30), "the test never released this search"
        return real(self, text, **kw)

    monkeypatch.setattr(Clients, "search", held)
    yield held_
    held_.release()
def test_the_client_finder_searches_on_a_worker_and_enter_waits_for_the_results(
        qtbot, open_ctx, ref_template, runner, type_text, held_search):
    """Issue 16: typing in the finder never waits for the search; Enter typed before the results arrive
    goes to them when they do (first row selected), and Enter again refers that client."""
    import threading

    from ui.referrals.dialog import ReferralDialog
    from ui.referrals.page import ReferralsPage

    threads = held_search.threads
    ctx = open_ctx("coordinator", runner=runner)
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    picker = page.new_referral()
    picker.activateWindow()
    qtbot.waitUntil(picker.isActiveWindow, timeout=2000)
    picker.search.setFocus()
    type_text(picker.search, "ramírez")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)  # the search is held: the window still answers
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    type_text(picker.search, " ")  # keys still reach the box while the search waits
    assert picker.search.text() == "ramírez " and picker.search.hasFocus() and not picker.model.rowCount()
    assert threading.main_thread() not in threads
    with qtbot.waitSignal(picker.searched, timeout=10_000):
        held_search.release()
    qtbot.waitUntil(picker.table.hasFocus, timeout=5000)
    assert [c.ref for c in picker.model.rows] == [ref_template.clients[1][1]]
    qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    dialogs = [w for w in page.windows if isinstance(w, ReferralDialog)]
    assert len(dialogs) == 1 and dialogs[0].client_id == ref_template.clients[1][0]


def test_the_client_finder_shows_only_the_latest_search(qtbot, open_ctx, ref_template, runner, held_search):
    """A search overtaken by newer typing answers late and is dropped: the list shows the latest."""
    from ui.referrals.page import ReferralsPage

    threads = held_search.threads
    ctx = open_ctx("coordinator", runner=runner)
    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    picker = page.new_referral()
    picker.search.setText("ramírez")
    picker.run_search()
    qtbot.waitUntil(lambda: len(threads) == 1, timeout=5000)  # held on the worker
    picker.search.setText("nadie-se-llama-asi")
    picker.run_search()
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=5000)
    shown = []
    picker.searched.connect(lambda: shown.append([c.ref for c in picker.model.rows]))
    held_search.release(1)  # the newer search answers first ...
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    held_search.release(0)  # ... then the older one, which finds Ramírez
    assert runner.wait_idle(10_000)
    qtbot.wait(50)  # its answer, had it not been dropped, is delivered by now
    assert shown == [[]] and not picker.model.rowCount()
    assert picker.note.text() == "No matching clients."


def test_the_referral_filter_matches_client_names_from_a_worker(qtbot, open_ctx, ref_template, runner,
                                                                held_search):
    """The list's filter narrows by reference at once and by a client's name when the search answers."""
    threads = held_search.threads
    ctx = open_ctx("coordinator", runner=runner)
    (_a, _ref_a), (b, ref_b), _c = ref_template.clients
    make_referral(ctx, b, ref_template.legal_id, {"contact"})
    from ui.referrals.page import ReferralsPage

    page = ReferralsPage(ctx)
    qtbot.addWidget(page)
    page.on_unlocked()
    choose(page.period, "all")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.filter.setText("Yolotzin")
    page._search_clients()
    assert page.model.rowCount() == 0  # no reference or partner says so; the name search is held
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    held_search.release()
    qtbot.waitUntil(lambda: [r.client_ref for r in page.model.rows] == [ref_b], timeout=5000)
