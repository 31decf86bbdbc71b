"""Pieces of the hotline form: enum combos, a row of check boxes, a vehicle row and a person row."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from clinic import incident_model as im
from clinic.i18n import _
from ui.kit.forms import set_accessible


def enum_combo(kind, default) -> QComboBox:
    """A combo of an enum's members (labels translated in `retranslate_combo`), `default` chosen."""
    combo = QComboBox()
    for member in kind:
        combo.addItem("", member.value)
    combo.setCurrentIndex(combo.findData(default.value))
    return combo


def retranslate_combo(combo: QComboBox, kind) -> None:
    for i in range(combo.count()):
        combo.setItemText(i, _(kind(combo.itemData(i)).label))


def chosen(combo: QComboBox, kind):
    return kind(combo.currentData())


def choose(combo: QComboBox, value) -> None:
    combo.setCurrentIndex(combo.findData(value.value if hasattr(value, "value") else value))


class Checks(QWidget):
    """A row of check boxes, one per enum member (Space ticks; each is its own Tab stop)."""

    def __init__(self, kind, columns: int = 4, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.boxes = {member: QCheckBox() for member in kind}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.boxes.values()):
            grid.addWidget(box, i // columns, i % columns)

    def retranslate(self) -> None:
        for member, box in self.boxes.items():
            box.setText(_(member.label))

    def ticked(self) -> tuple:
        return tuple(m for m, box in self.boxes.items() if box.isChecked())

    def set_ticked(self, values) -> None:
        for member, box in self.boxes.items():
            box.setChecked(member in values)


class VehicleRow(QWidget):
    """One vehicle on two lines: make, colour; then marked, plate (how much, as seen, state)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.make, self.colour, self.plate_text, self.state = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        self.make.setMaxLength(200)
        self.colour.setMaxLength(200)
        self.plate_text.setMaxLength(20)
        self.state.setMaxLength(40)
        self.marked = enum_combo(im.Answer, im.Answer.UNKNOWN)
        self.plate = enum_combo(im.PlateVisibility, im.PlateVisibility.UNKNOWN)
        self.heading, self.marked_label, self.plate_label = QLabel(), QLabel(), QLabel()
        self.marked_label.setBuddy(self.marked)
        self.plate_label.setBuddy(self.plate)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 4)
        grid.addWidget(self.heading, 0, 0)
        grid.addWidget(self.make, 0, 1, 1, 2)
        grid.addWidget(self.colour, 0, 3, 1, 2)
        grid.addWidget(self.marked_label, 1, 0)
        grid.addWidget(self.marked, 1, 1)
        grid.addWidget(self.plate_label, 1, 2)
        grid.addWidget(self.plate, 1, 3)
        plate = QHBoxLayout()
        plate.addWidget(self.plate_text)
        plate.addWidget(self.state)
        grid.addLayout(plate, 1, 4)
        grid.setColumnStretch(4, 1)

    def inputs(self) -> list[QWidget]:
        return [self.make, self.colour, self.marked, self.plate, self.plate_text, self.state]

    def retranslate(self, number: int) -> None:
        self.heading.setText(_("Vehicle {n}").format(n=number))
        self.marked_label.setText(_("Marked"))
        self.plate_label.setText(_("Plate"))
        for w, text in ((self.make, _("Make")), (self.colour, _("Colour")), (self.plate_text, _("Plate as seen")),
                        (self.state, _("State"))):
            w.setPlaceholderText(text)
            set_accessible(w, _("Vehicle {n}: {field}").format(n=number, field=text))
        retranslate_combo(self.marked, im.Answer)
        retranslate_combo(self.plate, im.PlateVisibility)
        set_accessible(self.marked, _("Vehicle {n}: marked").format(n=number))
        set_accessible(self.plate, _("Vehicle {n}: plate").format(n=number))
        self.marked.setToolTip(_("Marked as a police or agency vehicle?"))
        self.plate.setToolTip(_("How much of the plate could be seen"))

    def value(self) -> im.Vehicle:
        return im.Vehicle(make=self.make.text(), colour=self.colour.text(), marked=chosen(self.marked, im.Answer),
                          plate=chosen(self.plate, im.PlateVisibility), plate_text=self.plate_text.text(),
                          state=self.state.text())


class PersonRow(QWidget):
    """Someone affected, by number only: the form has no place for a name."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel()
        self.age_range = enum_combo(im.AgeRange, im.AgeRange.UNKNOWN)
        self.detained = QCheckBox()
        self.child_alone = QCheckBox()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.heading)
        row.addWidget(self.age_range)
        row.addWidget(self.detained)
        row.addWidget(self.child_alone)
        row.addStretch(1)

    def inputs(self) -> list[QWidget]:
        return [self.age_range, self.detained, self.child_alone]

    def retranslate(self, number: int) -> None:
        self.heading.setText(_("Person {n}").format(n=number))
        retranslate_combo(self.age_range, im.AgeRange)
        set_accessible(self.age_range, _("Person {n}: age").format(n=number))
        self.detained.setText(_("Detained"))
        self.child_alone.setText(_("Children left without a caregiver"))

    def value(self) -> im.Person:
        return im.Person(age_range=chosen(self.age_range, im.AgeRange), detained=self.detained.isChecked(),
                         child_left_without_caregiver=self.child_alone.isChecked())
