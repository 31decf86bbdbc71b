"""Asset lines at intake (cash or bank, home, vehicle, other; value), the home lived in and one vehicle
used for transport ticked as not counted. Rows as the income lines: "Add an asset" puts one after the
others and focuses it; Ctrl+Delete or its Remove button takes it out."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from clinic import asset_model
from clinic.i18n import _
from ui.intake.household import MAX_ROWS, AmountEdit, LineRow
from ui.kit.forms import set_accessible


class AssetRow(LineRow):
    def __init__(self, parent: QWidget | None = None):
        self.kind = QComboBox()
        for kind in asset_model.AssetKind:
            self.kind.addItem("", kind.value)
        self.value = AmountEdit()
        self.value.setFixedWidth(self.value.fontMetrics().horizontalAdvance("10,000,000.00") + 28)
        self.excluded = QCheckBox()
        super().__init__([self.kind, self.value, self.excluded], parent)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._n = 1
        self._kind_changed()

    def _kind(self) -> asset_model.AssetKind:
        return asset_model.AssetKind(self.kind.currentData())

    def _kind_changed(self, *_args) -> None:
        """Only the home and a vehicle can be left out; the box says which, and is hidden otherwise."""
        may = self._kind() in asset_model.EXCLUSION_LABELS
        if not may:
            self.excluded.setChecked(False)
        self.excluded.setVisible(may)
        self.retranslate(self._n)

    def retranslate(self, n: int) -> None:
        self._n = n
        for i in range(self.kind.count()):
            self.kind.setItemText(i, _(asset_model.ASSET_LABELS[self.kind.itemData(i)]))
        set_accessible(self.kind, _("Asset {n}: kind").format(n=n))
        self.value.setPlaceholderText(_("Value"))
        set_accessible(self.value, _("Asset {n}: value in dollars").format(n=n))
        what = asset_model.EXCLUSION_LABELS.get(self._kind())
        self.excluded.setText(_("Not counted: {what}").format(what=_(what)) if what else "")
        set_accessible(self.excluded, _("Asset {n}: not counted").format(n=n))
        self.remove_button.setText(_("Remove"))
        set_accessible(self.remove_button, _("Remove asset {n} (Ctrl+Delete)").format(n=n))

    def line(self):
        """The line, or None while its value is empty or not a number."""
        value = self.value.amount()
        if value is None:
            return None
        return asset_model.AssetLine(self._kind(), value, self.excluded.isChecked() and not self.excluded.isHidden())


class AssetsBox(QWidget):
    """The asset rows; `changed` when a value, kind or tick changes (the live result follows)."""

    changed = Signal()
    rows_changed = Signal()
    edited = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[AssetRow] = []
        self.label = QLabel()
        self.rows_layout = QVBoxLayout()
        self.add_button = QPushButton()
        self.add_button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(self.rows_layout)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(self.new_asset)

    def new_asset(self) -> AssetRow | None:
        if len(self.rows) >= MAX_ROWS:
            return None
        row = AssetRow()
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        row.setVisible(self.isVisible())
        row.removed.connect(self.remove_row)
        row.value.textChanged.connect(self._changed)
        row.value.textEdited.connect(self._edited)
        row.kind.currentIndexChanged.connect(self._changed)
        row.excluded.toggled.connect(self._changed)
        row.retranslate(len(self.rows))
        self.rows_changed.emit()
        row.kind.setFocus(Qt.FocusReason.OtherFocusReason)
        return row

    def _changed(self, *_args) -> None:
        self.changed.emit()

    def _edited(self, *_args) -> None:
        self.edited.emit(self.sender())

    def remove_row(self, row) -> None:
        if row not in self.rows:
            return
        i = self.rows.index(row)
        self.rows.remove(row)
        row.hide()
        row.setParent(None)
        row.deleteLater()
        for n, other in enumerate(self.rows, 1):
            other.retranslate(n)
        self.rows_changed.emit()
        (self.rows[min(i, len(self.rows) - 1)].kind if self.rows else self.add_button).setFocus(
            Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def reset(self) -> None:
        for row in self.rows:
            row.hide()
            row.setParent(None)
            row.deleteLater()
        self.rows.clear()

    def inputs(self) -> list[QWidget]:
        return [*[w for r in self.rows for w in r.widgets], self.add_button]

    def typed(self) -> list[AssetRow]:
        return [r for r in self.rows if r.line() is not None]

    def lines(self) -> tuple:
        return tuple(ln for r in self.rows if (ln := r.line()) is not None)

    def fields(self) -> dict[str, QWidget]:
        """`assets[i]` (the i-th line of the draft: rows with a value) -> its tick box, or its value when the
        kind cannot be ticked."""
        return {f"assets[{i}]": (r.value if r.excluded.isHidden() else r.excluded)
                for i, r in enumerate(self.typed())}

    def local_problems(self) -> list[tuple[QWidget, str]]:
        return [(r.value, r.value.error_message()) for r in self.rows
                if not r.value.is_empty() and not r.value.is_valid()]

    def first(self) -> QWidget:
        return self.rows[0].value if self.rows else self.add_button

    def retranslate(self) -> None:
        self.label.setText(_("Assets (the home lived in and one vehicle used for transport are not counted)"))
        self.add_button.setText(_("Add an asset"))
        for n, row in enumerate(self.rows, 1):
            row.retranslate(n)


__all__ = ["AssetRow", "AssetsBox"]
