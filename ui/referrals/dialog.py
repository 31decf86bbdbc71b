"""Refer a client: partner, need, exactly what the letter discloses, the client's consent, then the letter."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QWidget,
)

from clinic import lsc_warning
from clinic import models as m
from clinic.access import Can
from clinic.errors import PermissionDenied, UserError, ValidationError
from clinic.i18n import LANGUAGES, N_, _
from clinic.models import Group
from ui.context import AppContext
from ui.kit.errors import show_error
from ui.kit.format import language_name
from ui.kit.forms import FieldErrors, set_accessible
from ui.kit.ops import VaultOp
from ui.kit.preview import LetterPreview, render_for_preview
from ui.referrals.dialog_ui import setup_ui

# (label, letter_language, layout); the client's own language is offered first when letters exist in it.
LETTER_CHOICES = (
    (N_("English"), m.LetterLanguage.EN, m.LetterLayout.SEQUENCE),
    (N_("Spanish"), m.LetterLanguage.ES, m.LetterLayout.SEQUENCE),
    (N_("Both, one after the other"), m.LetterLanguage.BOTH, m.LetterLayout.SEQUENCE),
    (N_("Both, side by side"), m.LetterLanguage.BOTH, m.LetterLayout.SIDE_BY_SIDE),
)
LETTER_LANGS = ("es", "en")


def default_need(client_file: m.ClientFile) -> m.Need:
    """The first need of the client's latest intake, else their latest case's, else Other."""
    for intake in sorted(client_file.intakes, key=lambda i: i.recorded_at, reverse=True):
        if intake.needs:
            return intake.needs[0]
    return client_file.cases[-1].need if client_file.cases else m.Need.OTHER


class ReferralDialog(QDialog):
    """`ReferralDialog(ctx, client_id, parent).open()`: non-modal; for users with Can.MAKE_REFERRALS.

    Create records the referral (ctx.signals.changed("referrals")), renders its letter in the background,
    keeps it in the vault and opens a LetterPreview (`self.preview`). Closing or locking clears it.
    """

    created = Signal(object)  # the Referral

    def __init__(self, ctx: AppContext, client_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = client_id
        self.setObjectName("referralDialog")
        self.referral: m.Referral | None = None
        self.preview: LetterPreview | None = None
        self.errors = FieldErrors()
        self.client_file: m.ClientFile | None = None
        self.partners: dict[int, m.Partner] = {}
        self._load_error: UserError | None = None
        self._fields: tuple = ()
        self._preview_key: tuple | None = None
        self._consented_to: tuple | None = None
        self._defaults_for: int | None = None  # the partner whose profile was last ticked as the default
        self._closed = False
        loaded = VaultOp(ctx, self, lambda v: (v.clients.get(client_id), {p.id: p for p in v.partners.list()})) \
            .failure(self._could_not_load).run()
        if loaded is not None:
            self.client_file, self.partners = loaded
        setup_ui(self)
        self._fill()
        ctx.signals.locked.connect(self._locked)
        ctx.signals.language_changed.connect(self._language_changed)
        self.resize(1180, 700)  # fits a 1366x768 laptop with its title bar and panel (issue 14)
        self.retranslate()

    def _could_not_load(self, exc: UserError) -> None:
        self._load_error = exc  # said when the dialog would open

    # ----- building -----------------------------------------------------------------------------------

    def _fill(self) -> None:
        if self.client_file is None:
            for widget in (self.inputs, self.consent, self.create_button):
                widget.setEnabled(False)
            return
        client = self.client_file.client
        self.consent_date.set_date(dt.date.today())
        self._fill_combos()
        self.need.setCurrentIndex(max(0, self.need.findData(default_need(self.client_file).value)))
        consent_lang = client.language if client.language in LANGUAGES else "es"
        self.consent_language.setCurrentIndex(max(0, self.consent_language.findData(consent_lang)))
        self.partner.currentIndexChanged.connect(self._inputs_changed)
        self.letter_language.currentIndexChanged.connect(self._inputs_changed)
        self.consent_language.currentIndexChanged.connect(self._inputs_changed)
        self.need.currentIndexChanged.connect(self._inputs_changed)
        self.groups.changed.connect(self._inputs_changed)
        self.consent.toggled.connect(self._consent_toggled)
        self.method_group.buttonToggled.connect(lambda *_a: self.errors.clear(self.method))
        self.consent_date.textChanged.connect(lambda _t: self.errors.clear(self.consent_date))
        if not self.partners:
            self.create_button.setEnabled(False)
        self._inputs_changed()

    def _fill_combos(self) -> None:
        """(Re)fill the combos in the UI language, keeping what is chosen."""
        keep_partner, keep_need = self.partner.currentData(), self.need.currentData()
        keep_letter, keep_consent = self.letter_language.currentData(), self.consent_language.currentData()
        for combo in (self.partner, self.need, self.letter_language, self.consent_language):
            combo.blockSignals(True)
            combo.clear()
        for partner in self.partners.values():
            self.partner.addItem(_("{name} (EXAMPLE)").format(name=partner.name) if partner.is_example
                                 else partner.name, partner.id)
        for need in m.Need:
            self.need.addItem(_(m.NEED_LABELS[need]), need.value)
        client_lang = self.client_file.client.language
        if client_lang in LETTER_LANGS:
            self.letter_language.addItem(_("The client's language ({language})").format(
                language=language_name(client_lang)), f"{client_lang}|{m.LetterLayout.SEQUENCE}")
        for label, lang, layout in LETTER_CHOICES:
            self.letter_language.addItem(_(label), f"{lang}|{layout}")
        for lang in LANGUAGES:
            self.consent_language.addItem(language_name(lang), lang)
        for combo, keep in ((self.partner, keep_partner), (self.need, keep_need),
                            (self.letter_language, keep_letter), (self.consent_language, keep_consent)):
            if keep is not None:
                combo.setCurrentIndex(max(0, combo.findData(keep)))
            combo.blockSignals(False)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Refer a client"))
        if self.client_file is not None:
            c = self.client_file.client
            self.heading.setText(_("Client {ref}: {name}").format(ref=c.ref, name=c.display_name))
            self._fill_combos()
        elif self._load_error is not None:
            self.heading.setText(self._load_error.message)
        texts = {"partner": _("&Partner:"), "need": _("N&eed:"), "groups": _("What to &share:"),
                 "letter_language": _("&Letter language:"), "consent_date": _("Consent &date:"),
                 "consent_language": _("Consent lan&guage:"), "consent_method": _("Consent given:")}
        for key, text in texts.items():
            self.labels[key].setText(text)
            set_accessible(self.fields[key], text.rstrip(":"))
        self.groups.retranslate()
        for method, button in (("in_person", self.in_person), ("phone", self.by_phone)):
            button.setText(_(m.CONSENT_METHOD_LABELS[method]))
        self.consent_box.setTitle(_("The client's consent"))
        self.disclosed.retranslate()
        self.busy_label.setText(_("Preparing the letter…") if self.busy.isVisible() else "")
        self.create_button.setText(_("&Render the letter again") if self.referral is not None
                                   else _("&Create referral and letter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self._preview_key = None
        self._inputs_changed()

    def _language_changed(self, _lang: str) -> None:
        if not self._closed:
            self.retranslate()

    # ----- state --------------------------------------------------------------------------------------

    def current_partner(self) -> m.Partner | None:
        return self.partners.get(self.partner.currentData())

    def ticked(self) -> frozenset[m.Group]:
        return self.groups.ticked()

    def letter_choice(self) -> tuple[m.LetterLanguage, m.LetterLayout]:
        lang, _bar, layout = (self.letter_language.currentData() or "es|sequence").partition("|")
        return m.LetterLanguage(lang), m.LetterLayout(layout)

    def draft(self) -> m.ReferralDraft:
        partner = self.current_partner()
        need = m.Need(self.need.currentData() or m.Need.OTHER.value)
        cases = self.client_file.cases if self.client_file else ()
        letter_lang, layout = self.letter_choice()
        method = (m.ConsentMethod.IN_PERSON if self.in_person.isChecked() else
                  m.ConsentMethod.PHONE if self.by_phone.isChecked() else "")
        return m.ReferralDraft(
            client_id=self.client_id, partner_id=partner.id if partner else 0, need=need, groups=self.ticked(),
            consent_date=self.consent_date.date() or dt.date.today(),
            consent_language=self.consent_language.currentData() or "es", consent_method=method,
            letter_language=letter_lang, layout=layout,
            case_id=next((c.id for c in reversed(cases) if c.need == need), None))

    def disclosed_fields(self) -> tuple:
        """The DisclosedFields the list shows (what the core's preview returned)."""
        return self._fields

    def _inputs_changed(self, *_args) -> None:
        if self.client_file is None or self.referral is not None:
            return
        self.errors.clear(self.groups)
        self._sync_groups()
        self._update_preview()

    def _sync_groups(self) -> None:
        """Enable only the groups in the partner's profile; sealed only for a legal partner and an attorney."""
        partner = self.current_partner()
        allowed = {g for g in Group if partner and g in partner.disclosure}
        reason = ""
        if partner is not None and not partner.legal_representation:
            reason = _("Sealed details go only to a partner marked as legal representation.")
        elif not self.ctx.can(Can.APPROVE_SEALED_DISCLOSURE):
            reason = _("Sealed details need an attorney's approval: ask an attorney to make this letter.")
        elif Group.SEALED not in allowed:
            reason = _("This partner's disclosure profile does not include sealed details.")
        if reason:
            allowed.discard(Group.SEALED)
        outside = partner is not None and any(g not in allowed for g in Group if g is not Group.SEALED)
        note = _("Greyed out: not in this partner's disclosure profile.") if outside else ""
        self.groups.set_allowed(allowed, reason=reason, note=note)
        if partner is not None and partner.id != self._defaults_for:
            # Choosing a partner ticks its whole profile except sealed (as the CLI and the README say);
            # the person unticks what the client does not agree to share.
            self._defaults_for = partner.id
            self.groups.blockSignals(True)
            self.groups.set_ticked({g for g in allowed if g is not Group.SEALED})
            self.groups.blockSignals(False)
        warning = lsc_warning(partner) if partner else None
        self.lsc.setText(warning or "")
        self.lsc.setVisible(bool(warning))
        name = partner.name if partner else ""
        sentence = _("The client agreed to share exactly this information with {partner}")
        self.consent_text.setText(sentence.format(partner=name))
        set_accessible(self.consent, sentence.format(partner=name))

    def _update_preview(self) -> None:
        """Ask the core for exactly what the letter would disclose (it decides, not this screen)."""
        partner = self.current_partner()
        groups = self.ticked()
        letter_lang, _layout = self.letter_choice()
        lang = self.consent_language.currentData() if letter_lang is m.LetterLanguage.BOTH else letter_lang.value
        case_id = self.draft().case_id  # the need picks the case whose summary a letter would carry
        if self.consent.isChecked() and self._consented_to != (partner and partner.id, groups, case_id):
            self.consent.setChecked(False)
            self.consent_note.setText(_("What the letter shares has changed: ask the client again, then tick "
                                        "the box."))
        key = (partner.id if partner else None, groups, lang, case_id)
        if key == self._preview_key:
            return
        self._preview_key = key
        fields, note = (), ""
        if partner is None:
            note = _("There is no partner organization to refer to yet. Add one on the Partners screen.")
        elif not groups:
            note = _("Nothing yet: tick what the letter should share.")
        else:
            op = VaultOp(self.ctx, self, lambda v: tuple(v.referrals.preview(self.draft(), lang))) \
                .failure(lambda exc: exc.message)  # said where the list would be
            shown = op.run()
            if not op.ok:
                note = shown
            elif not shown:
                note = _("The client's file has nothing recorded in the groups ticked.")
            else:
                fields = shown
        self._fields = fields
        self.disclosed.show_fields(fields, note, lang)

    def _consent_toggled(self, on: bool) -> None:
        self.errors.clear(self.consent)
        if on:
            partner = self.current_partner()
            self._consented_to = (partner and partner.id, self.ticked(), self.draft().case_id)
            self.consent_note.clear()

    # ----- create and render --------------------------------------------------------------------------

    def create(self) -> m.Referral | None:
        """Record the referral with its consent, then render the letter in the background."""
        if self.referral is not None:
            self._render()
            return self.referral
        if self.client_file is None or self.current_partner() is None:
            return None
        self.errors.clear()
        if self.consent_date.date() is None:
            self.errors.mark(self.consent_date, self.consent_date.error_message()
                             if not self.consent_date.is_empty() else _("Enter the date the client agreed."))
        if not self.consent.isChecked():
            self.errors.mark(self.consent, _("Tick this only after the client has agreed to share exactly "
                                             "this information."))
        if self.errors.marked:
            return None
        return VaultOp(self.ctx, self, lambda v: v.referrals.create(self.draft())).failure(self._not_created) \
            .changes("referrals").success(self._created).run()

    def _not_created(self, exc: UserError) -> None:
        if isinstance(exc, ValidationError) and self.errors.mark_validation(exc, self.fields):
            return
        if isinstance(exc, PermissionDenied) and self.ctx.can(Can.MAKE_REFERRALS):
            self.errors.mark(self.groups, exc.message)  # what the profile or the role does not allow
            return
        show_error(self, exc)

    def _created(self, referral: m.Referral) -> m.Referral:
        self.referral = referral
        self.inputs.setEnabled(False)  # recorded: consent and fields are fixed from now on
        self.consent.setEnabled(False)
        self.created.emit(referral)
        self._render()
        return referral

    def _render(self) -> None:
        self._set_busy(True)
        render_for_preview(self.ctx, self.referral.id, owner=self, on_done=self._rendered, on_error=self._render_failed)

    def _rendered(self, pdf: bytes) -> None:
        self._set_busy(False)
        if self._closed:
            return
        self.ctx.signals.changed.emit("referrals")
        self.preview = LetterPreview(self.ctx, self.referral, pdf, self.parentWidget())
        self.preview.show()
        self.accept()

    def _render_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not self._closed:
            show_error(self, exc)

    def _set_busy(self, on: bool) -> None:
        if self._closed:
            return
        self.busy.setVisible(on)
        self.busy_label.setText(_("Preparing the letter…") if on else "")
        self.create_button.setEnabled(not on)
        self.create_button.setText(_("&Render the letter again") if self.referral is not None
                                   else _("&Create referral and letter"))

    # ----- lifecycle ----------------------------------------------------------------------------------

    def open(self) -> None:
        if self._load_error is not None:
            show_error(self.parentWidget() or self, self._load_error)
            self.done(QDialog.DialogCode.Rejected)
            return
        super().open()

    def clear(self) -> None:
        """Forget the client's data (the dialog is closing or the app is locking)."""
        self._closed = True
        self.client_file = None
        self._fields = ()
        self.heading.clear()
        self.disclosed.show_fields((), "", "")

    def _locked(self) -> None:
        if not self._closed:
            self.clear()
            self.close()

    def done(self, result: int) -> None:
        super().done(result)
        self.clear()
        if self.parentWidget() is not None:
            self.deleteLater()
