"""Repeating rows of a plan (parents, children, documents) and a caregiver's block of fields."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import plan_model as pm
from clinic.i18n import _
from ui.kit.forms import DateEdit, labelled, set_accessible


def _field(kind: str) -> QWidget:
    if kind == "date":
        return DateEdit()
    edit = QLineEdit()
    edit.setMaxLength(pm.MAX_PHONE if kind == "phone" else pm.MAX_NOTE if kind == "note" else pm.MAX_TEXT)
    return edit


class RowList(QWidget):
    """Rows of small fields under column headings; `Add` appends one (at most pm.MAX_PEOPLE), `Remove` drops it.

    `fields` are (name, kind) with kind "text", "phone", "note" or "date"; `kind` is the dataclass each row
    becomes; `noun` is the row's name for screen readers ("Child {n}").
    """

    def __init__(self, fields: tuple[tuple[str, str], ...], kind, noun, parent: QWidget | None = None):
        super().__init__(parent)
        self.fields, self.kind, self.noun = fields, kind, noun
        self.rows: list[dict[str, QWidget]] = []
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.headings = [QLabel() for _f in fields]
        for column, label in enumerate(self.headings):
            self.grid.addWidget(label, 0, column)
            self.grid.setColumnStretch(column, 2 if column == 0 else 1)  # names need the room
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        layout.addWidget(self.add_button)
        self._update()

    def add(self) -> dict[str, QWidget] | None:
        if len(self.rows) >= pm.MAX_PEOPLE:
            return None
        row = {name: _field(kind) for name, kind in self.fields}
        row["remove"] = remove = QPushButton()
        remove.clicked.connect(lambda: self.remove(self.rows.index(row)))
        number = len(self.rows) + 1
        for column, widget in enumerate(row.values()):
            self.grid.addWidget(widget, number, column)
        first = next(iter(row.values()))
        first.setMinimumWidth(first.fontMetrics().horizontalAdvance("M" * 10))  # a name, readable
        self.rows.append(row)
        self._update()
        next(iter(row.values())).setFocus()
        return row

    def remove(self, index: int) -> None:
        values = [self._values(r) for i, r in enumerate(self.rows) if i != index]
        self.set_values(values)
        self.add_button.setFocus()

    def inputs(self) -> list[QWidget]:
        return [w for row in self.rows for w in row.values()] + [self.add_button]

    def widget(self, index: int, name: str) -> QWidget | None:
        return self.rows[index].get(name) if index < len(self.rows) else None

    @staticmethod
    def _values(row: dict[str, QWidget]) -> dict[str, str]:
        return {name: (w.text() if isinstance(w, QLineEdit) else "") for name, w in row.items() if name != "remove"}

    def values(self) -> tuple:
        """The rows as dataclasses; an empty row is left out; an unreadable date becomes None."""
        out = []
        for row in self.rows:
            data = {name: (w.date() if isinstance(w, DateEdit) else w.text()) for name, w in row.items()
                    if name != "remove"}
            if any(v for v in data.values()):
                out.append(self.kind(**data))
        return tuple(out)

    def set_values(self, items) -> None:
        """Replace the rows with `items` (dataclasses or dicts of typed text)."""
        for row in self.rows:
            for w in row.values():  # emptied now, parented until deleted: never a top-level window meanwhile
                if isinstance(w, QLineEdit):
                    w.clear()
                w.hide()
                self.grid.removeWidget(w)
                w.deleteLater()
        self.rows = []
        for item in items:
            row = self.add()
            for name, w in row.items():
                if name == "remove":
                    continue
                value = item[name] if isinstance(item, dict) else getattr(item, name)
                if isinstance(w, DateEdit) and not isinstance(value, str):
                    w.set_date(value)
                else:
                    w.setText(value or "")
        self._update()

    def date_edits(self) -> list[DateEdit]:
        return [w for row in self.rows for w in row.values() if isinstance(w, DateEdit)]

    def retranslate(self) -> None:
        for label, (name, _kind) in zip(self.headings, self.fields, strict=True):
            label.setText(pm.label(name))
        self._update()

    def _update(self) -> None:
        for label in self.headings:
            label.setVisible(bool(self.rows))
        for i, row in enumerate(self.rows, 1):
            for name, w in row.items():
                if name == "remove":
                    w.setText(_("Remove"))
                    set_accessible(w, _("Remove {what}").format(what=_(self.noun).format(n=i)))
                else:
                    set_accessible(w, _("{what}: {field}").format(what=_(self.noun).format(n=i),
                                                                  field=pm.label(name)))
        self.add_button.setEnabled(len(self.rows) < pm.MAX_PEOPLE)


class CaregiverBox(QWidget):
    """A caregiver's fields in a form: who, how to reach them, and the affidavit's items 4 and 8."""

    NAMES = ("name", "phone", "relationship", "qualified_relative", "date_of_birth", "address", "california_id")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.widgets: dict[str, QWidget] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # long Spanish labels go above
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.labels = {}
        for name in self.NAMES:
            widget = QCheckBox() if name == "qualified_relative" else _field(
                "date" if name == "date_of_birth" else "phone" if name == "phone" else "text")
            self.widgets[name] = widget
            if name == "qualified_relative":
                form.addRow("", widget)
            else:
                self.labels[name] = labelled(form, "", widget)

    def inputs(self) -> list[QWidget]:
        return list(self.widgets.values())

    def value(self) -> pm.Caregiver:
        w = self.widgets
        return pm.Caregiver(name=w["name"].text(), phone=w["phone"].text(), relationship=w["relationship"].text(),
                            qualified_relative=w["qualified_relative"].isChecked(),
                            date_of_birth=w["date_of_birth"].date(), address=w["address"].text(),
                            california_id=w["california_id"].text())

    def set_value(self, cg: pm.Caregiver) -> None:
        for name, widget in self.widgets.items():
            value = getattr(cg, name)
            if isinstance(widget, QCheckBox):
                widget.setChecked(value)
            elif isinstance(widget, DateEdit):
                widget.set_date(value)
            else:
                widget.setText(value)

    def retranslate(self, who: str) -> None:
        for name, label in self.labels.items():
            label.setText(pm.label(name))
            set_accessible(self.widgets[name], _("{what}: {field}").format(what=who, field=pm.label(name)))
        self.widgets["qualified_relative"].setText(pm.label("qualified_relative"))
