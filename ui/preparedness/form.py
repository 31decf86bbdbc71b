"""A family's preparedness plan as a form: people, caregivers, documents, the affidavit, numbers, notes.

The plan has no place for an immigration status or any sealed value, and neither has this form.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic import plan_model as pm
from clinic.i18n import N_, _
from ui.kit.forms import DateEdit, labelled, set_accessible
from ui.preparedness.rows import CaregiverBox, RowList

ADVISED_LABELS = {"": N_("Not said (ticked by hand)"), "advised": N_("The parents were advised"),
                  "unable": N_("The parents could not be reached"),
                  "both": N_("One parent advised, the other not reached")}
_NOTES = ("children_told", "money_property")
_HOLDERS = ("guardian_nomination", "g28_holder", "power_of_attorney_holder")
_NUMBERS = ("clinic", "hotline", "consulate", "detainee_locator")


class PlanForm(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.parents = RowList((("name", "text"), ("phone", "phone"), ("relationship", "text")), pm.Parent,
                               N_("Parent {n}"))
        self.children = RowList((("name", "text"), ("date_of_birth", "date"), ("school", "text"),
                                 ("allergies_medications", "note"), ("doctor", "text")), pm.Child, N_("Child {n}"))
        self.primary, self.backup = CaregiverBox(), CaregiverBox()
        self.documents = RowList((("document", "text"), ("place", "text")), pm.DocumentPlace, N_("Document {n}"))
        self.affidavit_signed = QCheckBox()
        self.affidavit_date = DateEdit()
        self.parents_advised = QComboBox()
        for key in pm.ADVISED:
            self.parents_advised.addItem("", key)
        self.holders = {name: QLineEdit() for name in _HOLDERS}
        self.numbers = {name: QLineEdit() for name in _NUMBERS}
        for edit in self.numbers.values():
            edit.setMaxLength(pm.MAX_PHONE)
        self.notes = {name: QPlainTextEdit() for name in _NOTES}
        for edit in self.notes.values():
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)

        self.boxes = {key: QGroupBox() for key in ("parents", "children", "primary_caregiver", "backup_caregiver",
                                                    "documents", "affidavit", "numbers", "notes")}
        for key, widget in (("parents", self.parents), ("children", self.children),
                            ("primary_caregiver", self.primary), ("backup_caregiver", self.backup),
                            ("documents", self.documents)):
            QVBoxLayout(self.boxes[key]).addWidget(widget)
        form = QFormLayout(self.boxes["affidavit"])
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("", self.affidavit_signed)
        self.labels = {"affidavit_date": labelled(form, "", self.affidavit_date),
                       "parents_advised": labelled(form, "", self.parents_advised)}
        for name, edit in self.holders.items():
            self.labels[name] = labelled(form, "", edit)
        form = QFormLayout(self.boxes["numbers"])
        for name, edit in self.numbers.items():
            self.labels[f"numbers.{name}"] = labelled(form, "", edit)
        form = QFormLayout(self.boxes["notes"])
        for name, edit in self.notes.items():
            self.labels[name] = labelled(form, "", edit)

        left, right = QVBoxLayout(), QVBoxLayout()
        for key in ("parents", "children", "documents", "notes"):
            left.addWidget(self.boxes[key])
        for key in ("primary_caregiver", "backup_caregiver", "affidavit", "numbers"):
            right.addWidget(self.boxes[key])
        left.addStretch(1)
        right.addStretch(1)
        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.affidavit_signed.toggled.connect(self.affidavit_date.setEnabled)
        self.set_plan(pm.Plan())

    def inputs(self) -> list[QWidget]:
        """Every input in Tab order."""
        return [*self.parents.inputs(), *self.children.inputs(), *self.documents.inputs(),
                *self.notes.values(), *self.primary.inputs(), *self.backup.inputs(), self.affidavit_signed,
                self.affidavit_date, self.parents_advised, *self.holders.values(), *self.numbers.values()]

    def chain(self) -> None:
        chain = self.inputs()
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def plan(self) -> pm.Plan:
        return pm.Plan(
            parents=self.parents.values(), children=self.children.values(), primary_caregiver=self.primary.value(),
            backup_caregiver=self.backup.value(), documents=self.documents.values(),
            affidavit_signed=self.affidavit_signed.isChecked(),
            affidavit_date=self.affidavit_date.date() if self.affidavit_signed.isChecked() else None,
            parents_advised=self.parents_advised.currentData() or "",
            numbers=pm.Numbers(**{name: edit.text() for name, edit in self.numbers.items()}),
            **{name: edit.text() for name, edit in self.holders.items()},
            **{name: edit.toPlainText() for name, edit in self.notes.items()})

    def set_plan(self, plan: pm.Plan) -> None:
        self.parents.set_values(plan.parents)
        self.children.set_values(plan.children)
        self.documents.set_values(plan.documents)
        self.primary.set_value(plan.primary_caregiver)
        self.backup.set_value(plan.backup_caregiver)
        self.affidavit_signed.setChecked(plan.affidavit_signed)
        self.affidavit_date.set_date(plan.affidavit_date)
        self.affidavit_date.setEnabled(plan.affidavit_signed)
        self.parents_advised.setCurrentIndex(max(0, self.parents_advised.findData(plan.parents_advised)))
        for name, edit in self.holders.items():
            edit.setText(getattr(plan, name))
        for name, edit in self.numbers.items():
            edit.setText(getattr(plan.numbers, name))
        for name, edit in self.notes.items():
            edit.setPlainText(getattr(plan, name))
        self.chain()

    def local_problems(self) -> dict[QWidget, str]:
        """Dates that are not dates (the core never sees that text)."""
        edits = [*self.children.date_edits(), self.primary.widgets["date_of_birth"],
                 self.backup.widgets["date_of_birth"]]
        if self.affidavit_signed.isChecked():
            edits.append(self.affidavit_date)
        return {e: e.error_message() for e in edits if not e.is_valid()}

    def widget_for(self, field: str) -> QWidget | None:
        """The widget for a field the core names: 'children[0].name', 'primary_caregiver.phone', 'numbers.clinic'."""
        head, _sep, attr = field.partition(".")
        name, _b, index = head.partition("[")
        lists = {"parents": self.parents, "children": self.children, "documents": self.documents}
        if name in lists:
            rows = lists[name]
            return rows.widget(int(index[:-1]), attr) if index else rows.add_button
        if name in ("primary_caregiver", "backup_caregiver"):
            return (self.primary if name == "primary_caregiver" else self.backup).widgets.get(attr)
        if name == "numbers":
            return self.numbers.get(attr)
        single = {"affidavit_signed": self.affidavit_signed, "affidavit_date": self.affidavit_date,
                  "parents_advised": self.parents_advised, **self.holders, **self.notes}
        return single.get(name)

    def retranslate(self) -> None:
        titles = {"parents": pm.label("parents"), "children": pm.label("children"),
                  "primary_caregiver": pm.label("primary_caregiver"), "backup_caregiver": pm.label("backup_caregiver"),
                  "documents": pm.label("documents"), "affidavit": _("Caregiver's affidavit and other papers"),
                  "numbers": pm.label("numbers"), "notes": _("For the children")}
        for key, box in self.boxes.items():
            box.setTitle(titles[key])
        for rows in (self.parents, self.children, self.documents):
            rows.retranslate()
        self.parents.add_button.setText(_("Add a parent or guardian"))
        self.children.add_button.setText(_("Add a child"))
        self.documents.add_button.setText(_("Add a document"))
        self.primary.retranslate(pm.label("primary_caregiver"))
        self.backup.retranslate(pm.label("backup_caregiver"))
        self.affidavit_signed.setText(pm.label("affidavit_signed"))
        for key, label in self.labels.items():
            label.setText(pm.label(key.removeprefix("numbers.")))
            set_accessible(label.buddy(), label.text())
        for i in range(self.parents_advised.count()):
            self.parents_advised.setItemText(i, _(ADVISED_LABELS[self.parents_advised.itemData(i)]))
