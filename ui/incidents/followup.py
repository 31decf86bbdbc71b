"""Follow-up from an incident: start an intake for a person affected, refer them to a service, or mark the
incident "reported to the city". What was done is listed with who and when.

The intake itself is made on the New intake screen (the main window takes us there through
`ctx.signals.intake_for_incident`); nothing of the incident is copied into it. Who may do what is
decided by the core; buttons a role cannot use are hidden.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic.access import Can
from clinic.i18n import _
from clinic.models import hotline as hm
from ui.context import AppContext
from ui.incidents.rows import chosen, enum_combo, retranslate_combo
from ui.kit.errors import show_error
from ui.kit.format import format_when
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultOp


def followup_text(f: hm.FollowUp) -> str:
    """One line per follow-up: when, who, what (and for whom); the note as typed (plain text)."""
    what = _(f.kind.label)
    if f.service is not None:
        what += f" · {_(f.service.label)}"
    if f.person:
        what += " · " + _("person {n}").format(n=f.person)
    if f.kind is hm.FollowUpKind.INTAKE and f.client_id is None:
        what += " · " + _("client file no longer kept")
    text = _("{when} {name}: {what}").format(when=format_when(f.at), name=f.by_name, what=what)
    return text + (f" · {f.note}" if f.note else "")


class FollowUpDialog(QDialog):
    def __init__(self, ctx: AppContext, incident, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("incidentFollowUp")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.ref = ctx, incident.ref
        self._people = len(incident.draft.people)
        self.errors = FieldErrors()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("followUps")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._open_client)
        self.list.currentItemChanged.connect(lambda *_a: self._update_client_buttons())
        self.open_button, self.refer_client_button = QPushButton(), QPushButton()
        self.open_button.clicked.connect(lambda: self._open_client(self.list.currentItem()))
        self.refer_client_button.clicked.connect(self.refer_client)
        self.person = QComboBox()
        self.person.addItem("", 0)
        for n in range(1, self._people + 1):
            self.person.addItem("", n)
        self.person.setCurrentIndex(1 if self._people else 0)
        self.intake_button = QPushButton()
        self.intake_button.clicked.connect(self.start_intake)
        self.service = enum_combo(hm.Service, hm.Service.LEGAL_HELP)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.refer_button, self.city_button = QPushButton(), QPushButton()
        self.refer_button.clicked.connect(self.refer)
        self.city_button.clicked.connect(self.mark_city)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

        self.actions = QGroupBox()
        form = QFormLayout(self.actions)
        self._labels = [labelled(form, "", self.person)]
        form.addRow("", self.intake_button)
        self._labels += [labelled(form, "", self.service), labelled(form, "", self.note)]
        row = QHBoxLayout()
        row.addWidget(self.refer_button)
        row.addWidget(self.city_button)
        row.addStretch(1)
        form.addRow("", row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        client_row = QHBoxLayout()
        client_row.addWidget(self.open_button)
        client_row.addWidget(self.refer_client_button)
        client_row.addStretch(1)
        layout.addLayout(client_row)
        layout.addWidget(self.actions)
        layout.addWidget(self.buttons)
        ctx.signals.locked.connect(self.close)
        ctx.signals.language_changed.connect(self._language_changed)  # a bound method: dropped with the dialog
        self.intake_button.setVisible(ctx.can(Can.RECORD_INTAKE))
        self.refer_button.setVisible(ctx.can(Can.MAKE_REFERRALS))
        self.service.setVisible(ctx.can(Can.MAKE_REFERRALS))
        self._labels[1].setVisible(ctx.can(Can.MAKE_REFERRALS))
        self.city_button.setVisible(ctx.can(Can.VERIFY_INCIDENTS))
        for widget in (self.note, self._labels[2]):
            widget.setVisible(ctx.can(Can.MAKE_REFERRALS) or ctx.can(Can.VERIFY_INCIDENTS))
        self.resize(620, 520)
        self.retranslate()  # and lists what was done
        self.person.setFocus()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Follow-up: {ref}").format(ref=self.ref))
        self.intro.setText(_("What was done for the people of incident {ref}. An intake opens an ordinary client "
                             "file; only the link is kept, and neither record copies the other.").format(ref=self.ref))
        self.actions.setTitle(_("New follow-up"))
        for label, text in zip(self._labels, (_("&For"), _("&Service"), _("&Note")), strict=True):
            label.setText(text)
            set_accessible(label.buddy(), text.replace("&", ""))
        self.person.setItemText(0, _("The incident as a whole"))
        for i in range(1, self.person.count()):
            self.person.setItemText(i, _("Person {n}").format(n=i))
        retranslate_combo(self.service, hm.Service)
        self.intake_button.setText(_("Start an &intake for this person…"))
        self.refer_button.setText(_("&Refer"))
        self.open_button.setText(_("&Open the client's file"))
        self.refer_client_button.setText(_("Refer this client &with a partner…"))
        self.city_button.setText(_("Mark reported to the &city"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        set_accessible(self.list, _("Follow-ups"))
        self.reload()

    def reload(self) -> None:
        VaultOp(self.ctx, self, lambda v: v.followups.for_incident(self.ref)).success(self._fill).run()

    def _fill(self, followups: list[hm.FollowUp]) -> None:
        self.list.clear()
        for f in followups:
            item = QListWidgetItem(followup_text(f))
            item.setData(Qt.ItemDataRole.UserRole, f.client_id)
            self.list.addItem(item)
        if not followups:
            self.list.addItem(QListWidgetItem(_("Nothing yet.")))
        self._update_client_buttons()

    def _client_id(self) -> int | None:
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return int(value) if value else None

    def _update_client_buttons(self) -> None:
        """For an intake made from this incident: open that file, or refer that client (the referral flow)."""
        self.open_button.setVisible(self.ctx.can(Can.VIEW_CLIENTS))
        self.refer_client_button.setVisible(self.ctx.can(Can.MAKE_REFERRALS))
        for b in (self.open_button, self.refer_client_button):
            b.setEnabled(self._client_id() is not None)

    def refer_client(self) -> None:
        client_id = self._client_id()
        if client_id is not None:
            self.ctx.signals.refer_client.emit(client_id)
            self.accept()

    def _open_client(self, item: QListWidgetItem | None) -> None:
        client_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if client_id and self.ctx.can(Can.VIEW_CLIENTS):
            self.ctx.signals.open_client.emit(int(client_id))

    def start_intake(self) -> None:
        """Go to New intake with the link (not the incident's details); the link is kept when it is saved."""
        self.ctx.signals.intake_for_incident.emit(self.ref, int(self.person.currentData()))
        self.accept()

    def _person(self) -> int | None:
        return int(self.person.currentData()) or None

    def refer(self) -> None:
        person, service, note = self._person(), chosen(self.service, hm.Service), self.note.text()
        VaultOp(self.ctx, self, lambda v: v.followups.refer(self.ref, person=person, service=service, note=note)) \
            .failure(self._refused).success(self._added).changes("incidents").run()

    def mark_city(self) -> None:
        note = self.note.text()
        VaultOp(self.ctx, self, lambda v: v.followups.reported_to_city(self.ref, note=note)) \
            .failure(self._refused).success(self._added).changes("incidents").run()

    def _refused(self, exc) -> None:
        widget = {"note": self.note, "person": self.person, "service": self.service}.get(getattr(exc, "field", ""))
        if widget is None:
            show_error(self, exc)
        else:
            self.errors.mark(widget, exc.message)

    def _added(self, _followup) -> None:
        self.errors.clear()
        self.note.clear()
        self.reload()
