"""The walk-in intake form: its sections and fields, the draft they make, and a fresh start."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.errors import ValidationError
from clinic.i18n import N_, _
from ui.intake.assets import AssetsBox
from ui.intake.fields import PhoneRow, line_edit, plain_edit
from ui.intake.household import HouseholdBox
from ui.intake.parties import AdversePartiesBox
from ui.kit import theme
from ui.kit.format import CHANNEL_NAMES
from ui.kit.forms import DateEdit, IntEdit, labelled, set_accessible, widget_at
from ui.kit.icons import lock_pixmap


class IntakeForm(QWidget):
    """Every intake field, in the order a volunteer asks; `beside_person` sits next to the person section."""

    def __init__(self, beside_person: QWidget, parent: QWidget | None = None, *, in_turns: bool = False):
        super().__init__(parent)
        self.building = self._build(beside_person)
        if not in_turns:
            self.finish_building()

    def finish_building(self) -> None:
        """Build what is left of the form now (`in_turns`: the caller steps `building`, a section a step)."""
        for _section in self.building:
            pass

    def _build(self, beside_person: QWidget) -> Iterator[QWidget]:
        """Build the form a section at a time, yielding each section as it is built, so that at unlock no
        one GUI-thread turn builds the whole form. What is built, and in what order, is the same either way."""
        self._labels: list[tuple[QLabel, str]] = []
        self._consent_language_chosen = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        self.person_box, form = self._box()
        self.given_names, self.family_name_1 = line_edit(), line_edit()
        self.family_name_2, self.preferred_name = line_edit(), line_edit()
        self.date_of_birth = DateEdit()
        self.language = QComboBox()
        for code in m.LANGUAGE_LABELS:
            self.language.addItem("", code)
        self.interpreter = QCheckBox()
        for text, widget in ((N_("&Given names"), self.given_names),
                             (N_("&First family name"), self.family_name_1),
                             (N_("S&econd family name"), self.family_name_2),
                             (N_("&Preferred name"), self.preferred_name),
                             (N_("Date of &birth"), self.date_of_birth),
                             (N_("&Language"), self.language)):
            self._row(form, text, widget)
        form.addRow(self.interpreter)
        row = QHBoxLayout()
        row.addWidget(self.person_box, 3)
        row.addWidget(beside_person, 2)
        outer.addLayout(row)
        yield self.person_box

        self.contact_box, form = self._box()
        self.phones = [PhoneRow(), PhoneRow()]
        for text, phone in zip((N_("Phone &1"), N_("Phone &2")), self.phones, strict=True):
            label = self._row(form, text, phone)
            label.setBuddy(phone.number)
            set_accessible(phone.number, _(text))
        self.address = line_edit(m.MAX_SHORT)
        self._row(form, N_("A&ddress (optional)"), self.address)

        outer.addWidget(self.contact_box)
        yield self.contact_box

        self.household_box, form = self._box()
        self.household_size = IntEdit(minimum=1, maximum=m.MAX_HOUSEHOLD)
        self.household_size.setFixedWidth(self.household_size.fontMetrics().horizontalAdvance("0000") + 24)
        size = QWidget()
        size_row = QHBoxLayout(size)
        size_row.setContentsMargins(0, 0, 0, 0)
        size_row.addWidget(self.household_size)
        size_row.addStretch(1)
        self._row(form, N_("&Household size"), size).setBuddy(self.household_size)
        self.household = HouseholdBox(self.household_size, AssetsBox())
        form.addRow(self.household)
        outer.addWidget(self.household_box)
        yield self.household_box
        self.parties_box = AdversePartiesBox()
        outer.addWidget(self.parties_box)
        yield self.parties_box

        self.needs_box, form = self._box()
        needs = QWidget()
        grid = QGridLayout(needs)
        grid.setContentsMargins(0, 0, 0, 0)
        self.needs: dict[m.Need, QCheckBox] = {}
        for i, need in enumerate(m.Need):
            self.needs[need] = box = QCheckBox()
            grid.addWidget(box, i // 3, i % 3)
        self._row(form, N_("&Needs"), needs).setBuddy(self.needs[m.Need.IMMIGRATION])
        urgency = QWidget()
        urgency_layout = QVBoxLayout(urgency)
        urgency_layout.setContentsMargins(0, 0, 0, 0)
        urgency_layout.setSpacing(2)
        self.urgency_group = QButtonGroup(self)
        self.urgency: dict[m.Urgency, QRadioButton] = {}
        for u in m.Urgency:
            self.urgency[u] = radio = QRadioButton()
            self.urgency_group.addButton(radio)
            urgency_layout.addWidget(radio)
            radio.toggled.connect(lambda on, r=radio: on and urgency.setFocusProxy(r))
        self._row(form, N_("&Urgency"), urgency)
        self.detained = QCheckBox()
        form.addRow(self.detained)
        self.next_date = DateEdit()
        self._row(form, N_("Ne&xt hearing or deadline"), self.next_date)
        self.channel = QComboBox()
        for channel in m.Channel:
            self.channel.addItem("", channel.value)
        self._row(form, N_("&Channel"), self.channel)
        self.site = line_edit()
        self._row(form, N_("Si&te"), self.site)
        outer.addWidget(self.needs_box)
        yield self.needs_box

        self.notes_box, form = self._box()
        self.notes = plain_edit(4)
        self._row(form, N_("N&otes"), self.notes)
        outer.addWidget(self.notes_box)
        yield self.notes_box

        self.sealed_box, form = self._box()
        theme.set_flag(self.sealed_box, theme.SEALED, True)
        self.sealed_intro = QLabel()
        self.sealed_intro.setWordWrap(True)
        lock = QLabel()
        lock.setPixmap(lock_pixmap(22))
        intro = QHBoxLayout()
        intro.addWidget(lock, 0, Qt.AlignmentFlag.AlignTop)
        intro.addWidget(self.sealed_intro, 1)
        form.addRow(intro)
        self.sealed: dict[m.SealedField, QLineEdit | QPlainTextEdit] = {}
        # Only "Privileged notes" has an Alt-letter: the form above already uses nearly every letter,
        # in both languages, and a shared letter is worse than none (Tab reaches every field).
        sealed_mnemonics = {field: m.SEALED_LABELS[field] for field in m.SealedField}
        sealed_mnemonics[m.SealedField.PRIVILEGED_NOTES] = N_("Pri&vileged notes")
        for field, text in sealed_mnemonics.items():
            short = field in (m.SealedField.IMMIGRATION_STATUS, m.SealedField.A_NUMBER)
            self.sealed[field] = widget = line_edit(m.MAX_SHORT) if short else plain_edit(2)
            self._row(form, text, widget)
        outer.addWidget(self.sealed_box)
        yield self.sealed_box

        self.consent_box, form = self._box()
        self.consent_text = QLabel()
        self.consent_text.setWordWrap(True)
        form.addRow(self.consent_text)
        self.consent_language = QComboBox()
        for code in m.LANGUAGE_LABELS:
            self.consent_language.addItem("", code)
        self._row(form, N_("Language the consent &was read in"), self.consent_language)
        self.consent = QCheckBox()
        form.addRow(self.consent)
        outer.addWidget(self.consent_box)

        self.language.currentIndexChanged.connect(self._follow_language)
        # The need "detention of a family member" is the same fact as the detained box: tick it too.
        self.needs[m.Need.DETENTION].toggled.connect(lambda on: on and self.detained.setChecked(True))
        self.consent_language.activated.connect(lambda _i: setattr(self, "_consent_language_chosen", True))
        self.reset()

    # ----- building ---------------------------------------------------------------------------------

    def _box(self) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox()
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return box, form

    def _row(self, form: QFormLayout, text: str, widget: QWidget) -> QLabel:
        label = labelled(form, _(text), widget)
        self._labels.append((label, text))
        return label

    def _follow_language(self) -> None:
        if not self._consent_language_chosen:
            self.consent_language.setCurrentIndex(self.language.currentIndex())

    def retranslate(self, *, reader_sees_sealed: bool = False) -> None:
        self.parties_box.retranslate()
        self.household.retranslate()
        for label, text in self._labels:
            label.setText(_(text))
            buddy = label.buddy()
            if buddy is not None and not isinstance(buddy, QCheckBox):
                set_accessible(buddy, _(text))
        self.person_box.setTitle(_("Person"))
        self.contact_box.setTitle(_("Contact and safety"))
        self.household_box.setTitle(_("Household and income"))
        self.needs_box.setTitle(_("Needs and urgency"))
        self.notes_box.setTitle(_("Notes"))
        self.consent_box.setTitle(_("Consent to store"))
        self.sealed_box.setTitle(_("Attorney-only: you will not be able to see this after saving")
                                 if not reader_sees_sealed else _("Attorney-only: sealed when you save"))
        self.sealed_intro.setText(
            _("Only attorneys can read what you type here. It is encrypted when you save, and it never "
              "appears in lists, searches or reports.") if not reader_sees_sealed else
            _("Only attorneys can read what you type here. It is encrypted when you save; every later "
              "reveal is recorded in the audit log."))
        for combo in (self.language, self.consent_language):
            for i in range(combo.count()):
                combo.setItemText(i, _(m.LANGUAGE_LABELS[combo.itemData(i)]))
        self.interpreter.setText(_("&Interpreter needed"))
        for i, phone in enumerate(self.phones, start=1):
            phone.retranslate(i)
        for need, box in self.needs.items():
            box.setText(_(m.NEED_LABELS[need]))
        for urgency, radio in self.urgency.items():
            radio.setText(_(m.URGENCY_LABELS[urgency]))
        self.detained.setText(_("A famil&y member is detained"))
        for i in range(self.channel.count()):
            self.channel.setItemText(i, _(CHANNEL_NAMES[m.Channel(self.channel.itemData(i))]))
        self.consent_text.setText(_(
            "Read this to the person: “The clinic keeps what you tell us in an encrypted file on this "
            "computer, only to help you. We share it with another organization only if you agree. You may "
            "ask us to delete it.”"))
        self.consent.setText(_("The person agrees that the clinic stores this information (re&quired)"))
        self.notes.setPlaceholderText(_("Enter adds a line here; Ctrl+Enter saves the intake."))
        for edit in (self.date_of_birth, self.next_date):
            edit.retranslate()

    # ----- reading ----------------------------------------------------------------------------------

    def inputs(self) -> list[QWidget]:
        """Every input in form order: the tab order, and what "has anything been typed" looks at."""
        return [
            self.given_names, self.family_name_1, self.family_name_2, self.preferred_name,
            self.date_of_birth, self.language, self.interpreter,
            *[w for phone in self.phones for w in phone.widgets()], self.address,
            self.household_size, *self.household.inputs(),
            *self.parties_box.inputs(),
            *self.needs.values(), *self.urgency.values(), self.detained, self.next_date, self.channel,
            self.site, self.notes, *self.sealed.values(), self.consent_language, self.consent,
        ]

    def state(self) -> tuple:
        """What the person has entered, comparable with the state of a fresh form."""
        def one(w: QWidget):
            if isinstance(w, QLineEdit):
                return w.text()
            if isinstance(w, QPlainTextEdit):
                return w.toPlainText()
            if isinstance(w, QComboBox):
                return w.currentIndex()
            return w.isChecked()
        # the site, channel and region may be set for the volunteer (kept, the clinic's default): not typing
        return tuple(one(w) for w in self.inputs() if w not in (self.site, self.channel, self.household.region))

    def local_problems(self) -> list[tuple[QWidget, str]]:
        """Fields the core cannot be asked about: what was typed is not a date or a number."""
        return [(w, w.error_message()) for w in (self.date_of_birth, self.household_size, self.next_date)
                if not w.is_valid()] + self.household.local_problems() + self.household.assets.local_problems()

    def _text(self, field: m.SealedField) -> str:
        w = self.sealed[field]
        return w.text().strip() if isinstance(w, QLineEdit) else w.toPlainText().strip()

    def draft(self, existing_client: m.ClientId | None = None) -> m.IntakeDraft:
        phones = tuple(p for p in (row.phone() for row in self.phones) if p is not None)
        return m.IntakeDraft(
            given_names=self.given_names.text().strip(),
            family_name_1=self.family_name_1.text().strip(),
            family_name_2=self.family_name_2.text().strip(),
            preferred_name=self.preferred_name.text().strip(),
            date_of_birth=self.date_of_birth.date(),
            phones=phones,
            address=self.address.text().strip(),
            language=self.language.currentData(),
            interpreter_needed=self.interpreter.isChecked(),
            channel=m.Channel(self.channel.currentData()),
            site=self.site.text().strip(),
            household_size=self.household_size.value(),
            needs=tuple(n for n, box in self.needs.items() if box.isChecked()),
            urgency=next(u for u, r in self.urgency.items() if r.isChecked()),
            next_date=self.next_date.date(),
            detained_family_member=self.detained.isChecked(),
            consent_to_store=self.consent.isChecked(),
            consent_language=self.consent_language.currentData(),
            notes=self.notes.toPlainText().strip(),
            sealed={f: text for f in self.sealed if (text := self._text(f))},
            existing_client=existing_client,
            adverse_parties=self.parties_box.drafts(),
            household_members=self.household.household_members(),
            income=self.household.income_lines(),
            region=self.household.region_value(),
            assets=self.household.assets.lines(),
        )

    def fields(self) -> dict[str, QWidget]:
        """Each field's widget by the path a ValidationError gives (clinic.errors): `phones[1].number`
        is the second phone in the draft (empty rows are left out of it), `sealed.a_number` one sealed
        value, `adverse_parties[0].name` the first party named."""
        fields: dict[str, QWidget] = {
            "given_names": self.given_names, "family_name_1": self.family_name_1,
            "family_names": self.family_name_1, "family_name_2": self.family_name_2,
            "preferred_name": self.preferred_name, "date_of_birth": self.date_of_birth,
            "language": self.language, "interpreter_needed": self.interpreter, "address": self.address,
            "household_size": self.household_size, "assets": self.household.assets.first(),
            "needs": self.needs[m.Need.IMMIGRATION], "urgency": self.urgency[m.Urgency.ROUTINE],
            "next_date": self.next_date, "detained_family_member": self.detained, "channel": self.channel,
            "site": self.site, "notes": self.notes, "consent_to_store": self.consent,
            "consent_language": self.consent_language, "phones": self.phones[0].number,
            "sealed": self.sealed[m.SealedField.PRIVILEGED_NOTES],
            "adverse_parties": self.parties_box.first_named(),
            "party_name": self.parties_box.first_named(), "relationship": self.parties_box.first_named(),
            "income": self.household.first_income(), "region": self.household.region,
            "household_members": self.household.first_member(),
        }
        typed = [row for row in self.phones if row.phone() is not None]
        fields |= {f"phones[{i}]": row.number for i, row in enumerate(typed)}
        fields |= {f"sealed.{field.value}": widget for field, widget in self.sealed.items()}
        fields |= self.household.assets.fields()
        named = [(name, rel) for name, rel in self.parties_box.rows if name.text().strip()]
        for i, (name, relationship) in enumerate(named):
            fields |= {f"adverse_parties[{i}]": name, f"adverse_parties[{i}].relationship": relationship}
        return fields

    def widget_for_error(self, exc: ValidationError) -> QWidget | None:
        """The widget of the exact field a ValidationError names (its path), or None if none shows it."""
        return widget_at(exc, self.fields())

    # ----- a fresh start ----------------------------------------------------------------------------

    def reset(self, *, keep_site: bool = False) -> None:
        """Empty every field; the site and channel may stay for the next person at the same table."""
        for w in self.inputs():
            if keep_site and w in (self.site, self.channel):
                continue
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.clear()
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(0)
            elif isinstance(w, QCheckBox):
                w.setChecked(False)
        for phone in self.phones:
            phone.reset()
        self.household.reset()
        self._consent_language_chosen = False
        self.language.setCurrentIndex(0)
        self.consent_language.setCurrentIndex(0)
        self.urgency[m.Urgency.ROUTINE].setChecked(True)

