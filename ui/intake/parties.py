"""The other side, named at intake (landlord, employer, ex-partner): the conflict check runs on them too."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from clinic import conflict_parties as cp
from clinic import models as m
from clinic.i18n import N_, _
from ui.kit.forms import set_accessible

ROWS = 3
RELATIONSHIPS = {"landlord": N_("Landlord"), "employer": N_("Employer"), "spouse": N_("Spouse"),
                 "ex_partner": N_("Ex-partner"), "other_party": N_("Other party")}


class AdversePartiesBox(QGroupBox):
    """A few rows of name, relationship and "organisation"; an empty name leaves the row out. A name ending
    in "Inc.", "LLC", "S.A." ... is marked an organisation as it is typed (until the box is changed by hand),
    so the conflict check compares it as a business, not a person."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.rows: list[tuple[QLineEdit, QComboBox]] = []
        self.orgs: list[QCheckBox] = []
        self._org_by_hand: set[int] = set()
        self.labels: list[tuple[QLabel, QLabel]] = []
        grid = QGridLayout(self)
        grid.addWidget(self.hint, 0, 0, 1, 4)
        for i in range(ROWS):
            name, relationship = QLineEdit(), QComboBox()
            name.setMaxLength(m.MAX_NAME)
            for key in RELATIONSHIPS:
                relationship.addItem("", key)
            labels = (QLabel(), QLabel())
            labels[0].setBuddy(name)
            labels[1].setBuddy(relationship)
            for column, w in enumerate((labels[0], name, labels[1], relationship)):
                grid.addWidget(w, i + 1, column)
            org = QCheckBox()
            grid.addWidget(org, i + 1, 4)
            org.clicked.connect(lambda _on, i=i: self._org_by_hand.add(i))
            name.textChanged.connect(lambda text, i=i: self._name_changed(i, text))
            self.rows.append((name, relationship))
            self.orgs.append(org)
            self.labels.append(labels)
        grid.setColumnStretch(1, 1)

    def _name_changed(self, i: int, text: str) -> None:
        if not text.strip():
            self._org_by_hand.discard(i)
        if i not in self._org_by_hand:
            self.orgs[i].setChecked(cp.looks_like_organisation(text))

    def inputs(self) -> list[QWidget]:
        return [w for row, org in zip(self.rows, self.orgs, strict=True) for w in (*row, org)]

    def drafts(self) -> tuple:
        return tuple(cp.PartyDraft(cp.PartyKind.ADVERSE, name.text().strip(), relationship.currentData(),
                                   is_org=org.isChecked())
                     for (name, relationship), org in zip(self.rows, self.orgs, strict=True) if name.text().strip())

    def first_named(self) -> QWidget:
        return next((name for name, _r in self.rows if name.text().strip()), self.rows[0][0])

    def retranslate(self) -> None:
        self.setTitle(_("The other side (optional)"))
        self.hint.setText(_("A landlord, employer or ex-partner the person names. Their names are checked for "
                            "conflicts when the intake is saved."))
        for i, ((name, relationship), (name_label, relationship_label)) in enumerate(
                zip(self.rows, self.labels, strict=True), 1):
            name_label.setText(_("Other side {n}").format(n=i))
            relationship_label.setText(_("Relationship"))
            name.setPlaceholderText(_("Name of a person or organisation"))
            set_accessible(name, _("Other side {n}: name").format(n=i))
            for j in range(relationship.count()):
                relationship.setItemText(j, _(RELATIONSHIPS[relationship.itemData(j)]))
            set_accessible(relationship, _("Other side {n}: relationship").format(n=i))
            self.orgs[i - 1].setText(_("Organisation"))
            set_accessible(self.orgs[i - 1], _("Other side {n}: an organisation (business, landlord company)")
                           .format(n=i))
