"""The referral dialog's widgets and layout (Qt Designer's setupUi idiom): what ReferralDialog fills and reads."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.kit.forms import DateEdit
from ui.kit.groups import GroupChecks
from ui.kit.preview import DisclosedList


def _named(widget, name: str):
    widget.setObjectName(name)
    return widget


def _note(name: str) -> QLabel:
    """A wrapping plain-text label for hints and warnings (never markup: partner names are typed text)."""
    label = _named(QLabel(), name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def setup_ui(dialog) -> None:
    """Make every widget of a ReferralDialog as its attribute, laid out; connects only its two buttons."""
    dialog.heading = _named(QLabel(), "referralClient")
    dialog.heading.setTextFormat(Qt.TextFormat.PlainText)
    font = dialog.heading.font()
    font.setBold(True)
    dialog.heading.setFont(font)
    dialog.partner = _named(QComboBox(), "partnerCombo")
    # Partner names can be long: the list may be wide, the dialog must still fit a laptop screen.
    dialog.partner.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    dialog.partner.setMinimumContentsLength(28)
    dialog.lsc = _note("lscWarning")
    dialog.need = _named(QComboBox(), "needCombo")
    dialog.groups = _named(GroupChecks(prefix="tick", help_below=False), "referralGroups")
    dialog.group_boxes = dialog.groups.boxes
    dialog.letter_language = _named(QComboBox(), "letterLanguage")
    dialog.consent_date = _named(DateEdit(), "consentDate")
    dialog.consent_language = _named(QComboBox(), "consentLanguage")
    dialog.in_person = _named(QRadioButton(), "consentInPerson")
    dialog.by_phone = _named(QRadioButton(), "consentByPhone")
    dialog.method_group = QButtonGroup(dialog)
    dialog.method = QWidget()
    row = QHBoxLayout(dialog.method)
    row.setContentsMargins(0, 0, 0, 0)
    for button in (dialog.in_person, dialog.by_phone):
        dialog.method_group.addButton(button)
        row.addWidget(button)
    row.addStretch(1)
    dialog.consent = _named(QCheckBox(), "consentGiven")
    # The sentence names the partner in full: a checkbox cannot wrap, so it sits in a label beside it.
    dialog.consent_text = _note("consentText")
    dialog.consent_text.setBuddy(dialog.consent)
    dialog.consent_text.mousePressEvent = \
        lambda _e: dialog.consent.toggle() if dialog.consent.isEnabled() else None
    dialog.consent_note = _note("consentNote")

    dialog.labels: dict[str, QLabel] = {}
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    dialog.consent_box = QGroupBox()
    consent_form = QFormLayout(dialog.consent_box)
    for target, key, widget in ((form, "partner", dialog.partner), (form, "need", dialog.need),
                                (form, "groups", dialog.groups), (form, "letter_language", dialog.letter_language),
                                (consent_form, "consent_date", dialog.consent_date),
                                (consent_form, "consent_language", dialog.consent_language),
                                (consent_form, "consent_method", dialog.method)):
        dialog.labels[key] = QLabel()
        dialog.labels[key].setBuddy(dialog.in_person if widget is dialog.method else widget)
        target.addRow(dialog.labels[key], widget)
        if key == "partner":
            form.addRow("", dialog.lsc)
    dialog.inputs = QWidget()
    left = QVBoxLayout(dialog.inputs)
    left.setContentsMargins(0, 0, 0, 0)
    left.addLayout(form)
    left.addWidget(dialog.consent_box)
    left.addStretch(1)
    dialog.disclosed = DisclosedList()

    dialog.busy = QProgressBar()
    dialog.busy.setRange(0, 0)
    dialog.busy.setMaximumWidth(200)
    dialog.busy.hide()
    dialog.busy_label = QLabel()
    dialog.create_button = _named(QPushButton(), "createReferral")
    dialog.create_button.setDefault(True)
    dialog.create_button.clicked.connect(dialog.create)
    dialog.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    dialog.buttons.addButton(dialog.create_button, QDialogButtonBox.ButtonRole.ActionRole)
    dialog.buttons.rejected.connect(dialog.reject)
    consent_row = QFormLayout()  # full width: the sentence names the partner; errors show under it
    consent_row.addRow(dialog.consent, dialog.consent_text)
    consent_row.addRow(dialog.consent_note)
    bottom = QHBoxLayout()
    bottom.addWidget(dialog.busy)
    bottom.addWidget(dialog.busy_label, 1)
    bottom.addWidget(dialog.buttons)
    columns = QHBoxLayout()
    columns.addWidget(dialog.inputs, 1)
    columns.addSpacing(12)
    columns.addWidget(dialog.disclosed, 1)
    dialog.disclosed.setMinimumWidth(460)
    layout = QVBoxLayout(dialog)
    layout.addWidget(dialog.heading)
    layout.addLayout(columns, 1)
    layout.addLayout(consent_row)
    layout.addLayout(bottom)
    dialog.fields = {"partner": dialog.partner, "fields": dialog.groups, "consent_date": dialog.consent_date,
                   "consent_language": dialog.consent_language, "consent_method": dialog.method,
                   "letter_language": dialog.letter_language, "layout": dialog.letter_language,
                   "consent": dialog.consent, "need": dialog.need, "groups": dialog.groups}
