"""The hotline form: an incident report typed while listening; keyboard only, common answers one key away.

Combo boxes answer by their first letter (Yes, No, Unknown), check boxes by Space, and the widgets are
created in Tab order. The reporter's name and phone are written here and sealed by the core; the form
never shows them back.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import incident_model as im
from clinic.i18n import N_, _
from ui.incidents.rows import (
    Checks,
    PersonRow,
    VehicleRow,
    choose,
    chosen,
    enum_combo,
    retranslate_combo,
)
from ui.kit.forms import DateEdit, IntEdit, labelled, set_accessible

MAX_VEHICLES = 6
MAX_PEOPLE = 12
_TIME_HINT = N_("HH:MM")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class IncidentForm(QWidget):
    """Every field of an incident report in groups; `draft()` reads it, `widget_for(field)` finds a field."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # When and where
        self.date = DateEdit()
        self.precision = enum_combo(im.Precision, im.Precision.EXACT)
        self.start_time, self.end_time = QLineEdit(), QLineEdit()
        for w in (self.start_time, self.end_time):
            w.setMaxLength(5)
            w.setMaximumWidth(w.fontMetrics().horizontalAdvance("00:000") + 24)
        self.address = QLineEdit()
        self.address.setMaxLength(im.MAX_SHORT)
        self.place_kind = enum_combo(im.PlaceKind, im.PlaceKind.STREET)
        self.neighbourhood = QComboBox()
        # What was seen
        self.activities = Checks(im.Activity)
        self.agents, self.vehicle_count = IntEdit(maximum=im.MAX_COUNT), IntEdit(maximum=im.MAX_COUNT)
        for w in (self.agents, self.vehicle_count):
            w.setMaximumWidth(w.fontMetrics().horizontalAdvance("0" * 8) + 16)
        self.markings = Checks(im.Marking)
        self.faces_covered = enum_combo(im.Answer, im.Answer.UNKNOWN)
        self.name_or_badge_visible = enum_combo(im.Answer, im.Answer.UNKNOWN)
        self.identified_when_asked = enum_combo(im.Answer, im.Answer.UNKNOWN)
        self.possible_impersonator = enum_combo(im.Answer, im.Answer.UNKNOWN)
        self.equipment = QPlainTextEdit()
        # Vehicles, warrant, home, people
        self.vehicle_rows: list[VehicleRow] = []
        self.vehicles_box = QVBoxLayout()
        self.add_vehicle_button = QPushButton()
        self.warrant = enum_combo(im.Warrant, im.Warrant.UNKNOWN)
        self.home_entry = enum_combo(im.Answer, im.Answer.UNKNOWN)
        self.consent_asked = enum_combo(im.Answer, im.Answer.UNKNOWN)
        self.person_rows: list[PersonRow] = []
        self.people_box = QVBoxLayout()
        self.add_person_button = QPushButton()
        # The call
        self.contact_kind = enum_combo(im.ContactKind, im.ContactKind.FIELD_OPERATION)
        self.reporter_relation = enum_combo(im.Relation, im.Relation.SAW_IT)
        self.notes = QPlainTextEdit()
        self.reporter_name, self.reporter_phone = QLineEdit(), QLineEdit()
        self.reporter_name.setMaxLength(im.MAX_SHORT)
        self.reporter_phone.setMaxLength(60)
        self.reporter_hint = QLabel()
        self.reporter_hint.setWordWrap(True)
        for edit in (self.equipment, self.notes):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)

        self.when_box, self.seen_box, self.agents_box = QGroupBox(), QGroupBox(), QGroupBox()
        self.vehicle_group, self.home_box, self.people_group, self.call_box = (QGroupBox(), QGroupBox(),
                                                                                QGroupBox(), QGroupBox())
        f = self._forms = {}
        f["when"] = form = QFormLayout(self.when_box)
        times = QHBoxLayout()
        self.to_label = QLabel()
        times.addWidget(self.start_time)
        times.addWidget(self.to_label)
        times.addWidget(self.end_time)
        times.addStretch(1)
        when_row = QHBoxLayout()
        when_row.addWidget(self.date, 1)
        when_row.addWidget(self.precision)
        self._rows = {}
        self._rows["date"] = self._labelled_layout(form, self.date, when_row)
        self._rows["time"] = self._labelled_layout(form, self.start_time, times)
        self._rows["address"] = labelled(form, "", self.address)
        self._rows["place_kind"] = labelled(form, "", self.place_kind)
        self._rows["neighbourhood"] = labelled(form, "", self.neighbourhood)

        seen = QVBoxLayout(self.seen_box)
        seen.addWidget(self.activities)
        f["agents"] = form = QFormLayout(self.agents_box)
        counts = QHBoxLayout()
        self.vehicles_label = QLabel()
        self.vehicles_label.setBuddy(self.vehicle_count)
        counts.addWidget(self.agents)
        counts.addSpacing(12)
        counts.addWidget(self.vehicles_label)
        counts.addWidget(self.vehicle_count)
        counts.addStretch(1)
        self._rows["agents"] = self._labelled_layout(form, self.agents, counts)
        self._rows["markings"] = labelled(form, "", self.markings)
        for name in ("faces_covered", "name_or_badge_visible", "identified_when_asked", "possible_impersonator"):
            self._rows[name] = labelled(form, "", getattr(self, name))
        self._rows["equipment"] = labelled(form, "", self.equipment)

        vehicles = QVBoxLayout(self.vehicle_group)
        vehicles.addLayout(self.vehicles_box)
        vehicles.addWidget(self.add_vehicle_button)
        f["home"] = form = QFormLayout(self.home_box)
        for name in ("warrant", "home_entry", "consent_asked"):
            self._rows[name] = labelled(form, "", getattr(self, name))
        people = QVBoxLayout(self.people_group)
        people.addLayout(self.people_box)
        people.addWidget(self.add_person_button)
        f["call"] = form = QFormLayout(self.call_box)
        for name in ("contact_kind", "reporter_relation", "notes", "reporter_name", "reporter_phone"):
            self._rows[name] = labelled(form, "", getattr(self, name))
        form.addRow(self.reporter_hint)
        for form in f.values():
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        left, right = QVBoxLayout(), QVBoxLayout()
        for box in (self.when_box, self.seen_box, self.agents_box):
            left.addWidget(box)
        for box in (self.vehicle_group, self.home_box, self.people_group, self.call_box):
            right.addWidget(box)
        left.addStretch(1)
        right.addStretch(1)
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.add_vehicle_button.clicked.connect(self.add_vehicle)
        self.add_person_button.clicked.connect(self.add_person)
        self.reset()

    @staticmethod
    def _labelled_layout(form: QFormLayout, buddy: QWidget, layout) -> QLabel:
        label = QLabel()
        label.setBuddy(buddy)
        form.addRow(label, layout)
        return label

    # ----- rows that repeat -----------------------------------------------------------------------------

    def add_vehicle(self) -> VehicleRow | None:
        if len(self.vehicle_rows) >= MAX_VEHICLES:
            return None
        row = VehicleRow()
        self.vehicle_rows.append(row)
        self.vehicles_box.addWidget(row)
        row.retranslate(len(self.vehicle_rows))
        self.add_vehicle_button.setEnabled(len(self.vehicle_rows) < MAX_VEHICLES)
        self._chain()
        if len(self.vehicle_rows) > 1:
            row.make.setFocus()
        return row

    def add_person(self) -> PersonRow | None:
        if len(self.person_rows) >= MAX_PEOPLE:
            return None
        row = PersonRow()
        self.person_rows.append(row)
        self.people_box.addWidget(row)
        row.retranslate(len(self.person_rows))
        self.add_person_button.setEnabled(len(self.person_rows) < MAX_PEOPLE)
        self._chain()
        row.age_range.setFocus()
        return row

    # ----- reading and resetting ------------------------------------------------------------------------

    def inputs(self) -> list[QWidget]:
        """Every input, in Tab order."""
        out = [self.date, self.precision, self.start_time, self.end_time, self.address, self.place_kind,
               self.neighbourhood, *self.activities.boxes.values(), self.agents, self.vehicle_count,
               *self.markings.boxes.values(), self.faces_covered, self.name_or_badge_visible,
               self.identified_when_asked, self.possible_impersonator, self.equipment]
        for row in self.vehicle_rows:
            out += row.inputs()
        out += [self.add_vehicle_button, self.warrant, self.home_entry, self.consent_asked]
        for person in self.person_rows:
            out += person.inputs()
        out += [self.add_person_button, self.contact_kind, self.reporter_relation, self.notes,
                self.reporter_name, self.reporter_phone]
        return out

    def _chain(self) -> None:
        chain = self.inputs()
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def set_neighbourhoods(self, names: tuple[str, ...]) -> None:
        current = self.neighbourhood.currentData()
        self.neighbourhood.clear()
        self.neighbourhood.addItem(_("Not known"), "")
        for name in names:
            self.neighbourhood.addItem(name, name)
        found = self.neighbourhood.findData(current)
        self.neighbourhood.setCurrentIndex(max(found, 0))

    def draft(self) -> im.IncidentDraft:
        """What is typed; an unreadable date or number becomes None for the core to name (see problems)."""
        vehicles = tuple(v for v in (row.value() for row in self.vehicle_rows) if v != im.Vehicle())
        return im.IncidentDraft(
            date=self.date.date() or dt.date(1, 1, 1), precision=chosen(self.precision, im.Precision),
            start_time=self.start_time.text(), end_time=self.end_time.text(), address=self.address.text(),
            place_kind=chosen(self.place_kind, im.PlaceKind), neighbourhood=self.neighbourhood.currentData() or "",
            activities=self.activities.ticked(), agents=self.agents.value(), vehicle_count=self.vehicle_count.value(),
            markings=self.markings.ticked(), faces_covered=chosen(self.faces_covered, im.Answer),
            name_or_badge_visible=chosen(self.name_or_badge_visible, im.Answer),
            identified_when_asked=chosen(self.identified_when_asked, im.Answer),
            possible_impersonator=chosen(self.possible_impersonator, im.Answer),
            vehicles=vehicles, warrant=chosen(self.warrant, im.Warrant), home_entry=chosen(self.home_entry, im.Answer),
            consent_asked=chosen(self.consent_asked, im.Answer),
            people=tuple(row.value() for row in self.person_rows), contact_kind=chosen(self.contact_kind,
                                                                                      im.ContactKind),
            reporter_relation=chosen(self.reporter_relation, im.Relation), equipment=self.equipment.toPlainText(),
            notes=self.notes.toPlainText(), reporter_name=self.reporter_name.text(),
            reporter_phone=self.reporter_phone.text())

    def local_problems(self) -> dict[QWidget, str]:
        """What the form itself can tell is not a date or a number (the core never sees that text)."""
        out: dict[QWidget, str] = {}
        if self.date.is_empty():
            out[self.date] = _("Enter the date of the incident.")
        elif not self.date.is_valid():
            out[self.date] = self.date.error_message()
        for w in (self.agents, self.vehicle_count):
            if not w.is_valid():
                out[w] = w.error_message()
        for w in (self.start_time, self.end_time):
            if w.text().strip() and not _TIME.match(w.text().strip()):
                out[w] = _("Enter the time as HH:MM, for example 14:30.")
        return out

    def widget_for(self, field: str) -> QWidget | None:
        """The widget showing a field the core names ('notes', 'vehicles[1].make', 'people[0].age_range')."""
        name, _sep, attr = field.partition(".")
        for prefix, rows in (("vehicles[", self.vehicle_rows), ("people[", self.person_rows)):
            if name.startswith(prefix):
                index = int(name[len(prefix):-1])
                if index < len(rows):
                    return getattr(rows[index], "child_alone" if attr == "child_left_without_caregiver" else attr,
                                   None)
                return None
        if name in ("activities", "markings"):
            return next(iter(getattr(self, name).boxes.values()))
        widget = getattr(self, name, None)
        return widget if isinstance(widget, QWidget) else None

    def reset(self) -> None:
        """A fresh form: today, exact, a street, nothing ticked, one empty vehicle row, no people."""
        self.date.set_date(dt.date.today())
        for combo, value in ((self.precision, im.Precision.EXACT), (self.place_kind, im.PlaceKind.STREET),
                             (self.warrant, im.Warrant.UNKNOWN), (self.contact_kind, im.ContactKind.FIELD_OPERATION),
                             (self.reporter_relation, im.Relation.SAW_IT)):
            choose(combo, value)
        for name in ("faces_covered", "name_or_badge_visible", "identified_when_asked", "possible_impersonator",
                     "home_entry", "consent_asked"):
            choose(getattr(self, name), im.Answer.UNKNOWN)
        self.neighbourhood.setCurrentIndex(0)
        for w in (self.start_time, self.end_time, self.address, self.agents, self.vehicle_count,
                  self.reporter_name, self.reporter_phone):
            w.clear()
        self.equipment.clear()
        self.notes.clear()
        self.activities.set_ticked(())
        self.markings.set_ticked(())
        for row in self.vehicle_rows + self.person_rows:
            for edit in row.findChildren(QLineEdit):  # emptied now, not when Qt gets round to deleting it
                edit.clear()
            row.hide()  # parented until deleted: never a top-level window meanwhile
            row.parentWidget().layout().removeWidget(row)
            row.deleteLater()
        self.vehicle_rows, self.person_rows = [], []
        self.add_person_button.setEnabled(True)
        self.add_vehicle()

    def retranslate(self) -> None:
        self.when_box.setTitle(_("When and where"))
        self.seen_box.setTitle(_("What was seen"))
        self.agents_box.setTitle(_("Agents"))
        self.vehicle_group.setTitle(_("Vehicles"))
        self.home_box.setTitle(_("Warrant and home"))
        self.people_group.setTitle(_("People affected (by number, never a name)"))
        self.call_box.setTitle(_("The call"))
        texts = {
            "date": _("&Date"), "time": _("&Time"), "address": _("Address or &intersection"),
            "place_kind": _("&Kind of place"), "neighbourhood": _("Neig&hbourhood"), "agents": _("&Agents"),
            "markings": _("Markings seen"), "faces_covered": _("&Faces covered"),
            "name_or_badge_visible": _("Name or &badge visible"),
            "identified_when_asked": _("Identified themselves when asked"),
            "possible_impersonator": _("Possible impersonator"), "equipment": _("E&quipment seen"),
            "warrant": _("&Warrant shown"), "home_entry": _("Entered a h&ome"),
            "consent_asked": _("Consent asked to enter"), "contact_kind": _("Kind of &contact"),
            "reporter_relation": _("The caller is"), "notes": _("&Notes"),
            "reporter_name": _("Caller's na&me (optional)"), "reporter_phone": _("Caller's &phone (optional)"),
        }
        for key, text in texts.items():
            self._rows[key].setText(text)
            buddy = self._rows[key].buddy()
            if buddy is not None:
                set_accessible(buddy, text)
        set_accessible(self.end_time, _("End time"))
        self.vehicles_label.setText(_("Vehicles"))
        set_accessible(self.vehicle_count, _("Number of vehicles"))
        self.to_label.setText(_("to"))
        for w in (self.start_time, self.end_time):
            w.setPlaceholderText(_(_TIME_HINT))
        set_accessible(self.start_time, _("Start time"))
        self.address.setPlaceholderText(_("Kept inside the vault; never published"))
        self.notes.setPlaceholderText(_("What the caller describes. Never in a public report."))
        self.reporter_hint.setText(_("Anonymous unless the caller wants a call back. Name and phone are sealed: "
                                     "only attorneys can read them back."))
        self.add_vehicle_button.setText(_("Add a &vehicle"))
        self.add_person_button.setText(_("Add a pe&rson affected"))
        for combo, kind in ((self.precision, im.Precision), (self.place_kind, im.PlaceKind),
                            (self.faces_covered, im.Answer), (self.name_or_badge_visible, im.Answer),
                            (self.identified_when_asked, im.Answer), (self.possible_impersonator, im.Answer),
                            (self.warrant, im.Warrant), (self.home_entry, im.Answer),
                            (self.consent_asked, im.Answer), (self.contact_kind, im.ContactKind),
                            (self.reporter_relation, im.Relation)):
            retranslate_combo(combo, kind)
        set_accessible(self.precision, _("How exact the date and time are"))
        if self.neighbourhood.count():
            self.neighbourhood.setItemText(0, _("Not known"))
        self.activities.retranslate()
        self.markings.retranslate()
        for i, row in enumerate(self.vehicle_rows, 1):
            row.retranslate(i)
        for i, row in enumerate(self.person_rows, 1):
            row.retranslate(i)
