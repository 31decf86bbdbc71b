"""Add or edit a partner organisation: what it offers, how to reach it, and what its letters may share."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.i18n import _
from clinic.models import Group, Service
from ui.context import AppContext
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.groups import GroupChecks
from ui.kit.ops import VaultOp


class PartnerDialog(QDialog):
    """`PartnerDialog(ctx, partner=None, parent)`: a new partner (None) or an edit of `partner`.

    Open it with open(); `saved(Partner)` fires after a successful save (ctx.signals.changed("partners")
    too). A ValidationError is shown at its field and everything typed stays as typed.
    """

    saved = Signal(object)

    def __init__(self, ctx: AppContext, partner: m.Partner | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.partner = partner
        self.setObjectName("partnerDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.errors = FieldErrors()

        self.name = QLineEdit()
        self.name.setMaxLength(m.MAX_NAME)
        self.languages = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(64)
        self.phone = QLineEdit()
        self.email = QLineEdit()
        self.hours = QLineEdit()
        self.service_boxes = {service: QCheckBox() for service in Service}
        self.services = QWidget()
        self.services.setObjectName("partnerServices")
        grid = QGridLayout(self.services)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.service_boxes.values()):
            grid.addWidget(box, i // 2, i % 2)

        self.legal = QCheckBox()
        self.legal.setObjectName("partnerLegal")
        self.lsc = QCheckBox()
        self.lsc.setObjectName("partnerLsc")
        self.example = QCheckBox()
        self.disclosure = GroupChecks(prefix="group", help_below=True)
        self.disclosure.setObjectName("partnerDisclosure")
        self.group_boxes = self.disclosure.boxes
        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels = {
            "name": labelled(left, "", self.name),
            "services": labelled(left, "", self.services),
            "languages": labelled(left, "", self.languages),
            "address": labelled(left, "", self.address),
            "phone": labelled(left, "", self.phone),
            "email": labelled(left, "", self.email),
            "hours": labelled(left, "", self.hours),
        }
        left.addRow("", self.example)
        right = QFormLayout()
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        right.addRow(self.legal)
        right.addRow(self.lsc)
        self.labels["disclosure"] = QLabel()
        self.labels["disclosure"].setWordWrap(True)
        right.addRow(self.labels["disclosure"])
        right.addRow(self.disclosure)
        self.fields = {"name": self.name, "services": self.services, "languages": self.languages,
                       "address": self.address, "phone": self.phone, "email": self.email, "hours": self.hours,
                       "disclosure": self.disclosure}

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        columns = QHBoxLayout()
        for column_layout in (left, right):
            holder = QVBoxLayout()  # extra height goes below the fields, not between them
            holder.addLayout(column_layout)
            holder.addStretch(1)
            columns.addLayout(holder, 1)
            if column_layout is left:
                columns.addSpacing(16)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.legal.toggled.connect(self._sync_sealed)
        for name, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(lambda _t, w=widget: self.errors.clear(w))
            elif name == "address":
                widget.textChanged.connect(lambda w=widget: self.errors.clear(w))
        for box in self.service_boxes.values():
            box.toggled.connect(lambda _on: self.errors.clear(self.services))
        self.disclosure.changed.connect(lambda: self.errors.clear(self.disclosure))
        self._fill(partner)
        self.resize(1000, 640)
        self.retranslate()

    def _fill(self, p: m.Partner | None) -> None:
        if p is None:
            self._sync_sealed()
            return
        self.name.setText(p.name)
        self.languages.setText(p.languages)
        self.address.setPlainText(p.address)
        self.phone.setText(p.phone)
        self.email.setText(p.email)
        self.hours.setText(p.hours)
        for service, box in self.service_boxes.items():
            box.setChecked(service.value in p.services)
        self.legal.setChecked(p.legal_representation)
        self.lsc.setChecked(p.lsc_funded)
        self.example.setChecked(p.is_example)
        self.disclosure.set_ticked(p.disclosure)
        self._sync_sealed()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Edit partner organization") if self.partner else _("Add a partner organization"))
        texts = {"name": _("&Name:"), "services": _("Services:"), "languages": _("&Languages:"),
                 "address": _("&Address:"), "phone": _("&Phone:"), "email": _("&Email:"),
                 "hours": _("&Hours:")}
        for key, text in texts.items():
            self.labels[key].setText(text)
            set_accessible(self.fields[key], text.rstrip(":"))
        self.languages.setPlaceholderText(_("For example: Spanish, English, Mam"))
        self.hours.setPlaceholderText(_("For example: Mon–Fri 9–5"))
        for service, box in self.service_boxes.items():
            box.setText(_(service.label))
        self.example.setText(_("Example entry (shown as EXAMPLE until you untick this)"))
        self.legal.setText(_("This partner provides legal &representation"))
        self.lsc.setText(_("This partner is LSC-&funded"))
        self.labels["disclosure"].setText(_("Letters to this partner may share:"))
        set_accessible(self.disclosure, _("Letters to this partner may share"))
        self.disclosure.retranslate()
        self._sync_sealed()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def _sync_sealed(self, *_args) -> None:
        """Sealed details may be in the profile only of a legal representation partner."""
        legal = self.legal.isChecked()
        self.disclosure.set_allowed(set(Group) if legal else set(Group) - {Group.SEALED},
                                    reason="" if legal else _("Tick “legal representation” above to allow "
                                                              "sealed details."))

    def draft(self) -> m.PartnerDraft:
        return m.PartnerDraft(
            name=self.name.text().strip(),
            services=tuple(s for s, box in self.service_boxes.items() if box.isChecked()),
            languages=self.languages.text().strip(), address=self.address.toPlainText().strip(),
            phone=self.phone.text().strip(), email=self.email.text().strip(), hours=self.hours.text().strip(),
            disclosure=tuple(g for g in Group if g in self.disclosure.ticked()),
            legal_representation=self.legal.isChecked(), lsc_funded=self.lsc.isChecked(),
            is_example=self.example.isChecked())

    def save(self) -> None:
        """Add or update through the core; on a ValidationError mark the field and keep every value."""
        self.errors.clear()
        VaultOp(self.ctx, self, lambda v: v.partners.add(self.draft()) if self.partner is None
                else v.partners.update(self.partner.id, self.draft())) \
            .failure(lambda exc: self.errors.present(exc, self.fields, self)) \
            .success(self._saved).changes("partners").run()

    def _saved(self, saved: m.Partner) -> None:
        self.partner = saved
        self.saved.emit(saved)
        self.accept()
