"""Administration (admins only): staff, backups (ui/admin/backup.py), a new recovery key, settings, retention,
funding sources and guideline tables (ui/admin/funding.py).

Staff changes run on the GUI thread under a busy cursor (the vault's connection belongs to it)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.errors import UserError, ValidationError
from clinic.i18n import N_, _, current_language
from ui.admin.backup import BackupBox
from ui.admin.funding import EligibilityBox
from ui.admin.retention import RetentionDialog
from ui.context import Page
from ui.kit.errors import show_error
from ui.kit.forms import FieldErrors, labelled
from ui.kit.ops import VaultOp
from ui.kit.passphrase import PassphraseFields
from ui.kit.printing import RecoveryKeyPanel
from ui.kit.tablemodel import Column, RowTableModel, SortProxy

STAFF_COLUMNS = (
    Column(N_("Name"), lambda s: s.name),
    Column(N_("Role"), lambda s: s.role.value, display=lambda role: _(m.Role(role).label)),
    Column(N_("Language"), lambda s: s.language, display=lambda lang: _(m.LANGUAGE_LABELS.get(lang, lang))),
    Column(N_("Active"), lambda s: s.active, display=lambda active: _("Yes") if active else _("No, removed")),
)


@contextlib.contextmanager
def busy_cursor():
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


class FormDialog(QDialog):
    """A small form: OK runs `submit()`; a ValidationError marks its field and keeps the dialog open."""

    def __init__(self, parent: QWidget, submit: Callable[[FormDialog], None]):
        super().__init__(parent)
        self._submit = submit
        self.errors = FieldErrors()
        self.fields: dict[str, QWidget] = {}
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def try_accept(self) -> None:
        self.errors.clear()
        with busy_cursor():
            op = VaultOp(self.parentWidget().ctx, self, lambda _v: self._submit(self)) \
                .failure(lambda exc: self.errors.present(exc, self.fields, self))
            op.run()
        if op.ok:
            self.accept()

    def role_combo(self, current: m.Role = m.Role.VOLUNTEER) -> QComboBox:
        combo = QComboBox()
        for role in m.Role:
            combo.addItem(_(role.label), role.value)
        combo.setCurrentIndex(list(m.Role).index(current))
        return combo


class RecoveryKeyDialog(QDialog):
    """Shows a new recovery key once; Done only after the person confirms they kept it."""

    def __init__(self, parent: QWidget, ctx, *, recovery_key: str, clinic_name: str, vault_id: str):
        super().__init__(parent)
        self.setWindowTitle(_("New recovery key"))
        self.panel = RecoveryKeyPanel(ctx)
        self.panel.show_key(recovery_key=recovery_key, clinic_name=clinic_name, vault_id=vault_id)
        self.done_button = QPushButton(_("Do&ne"))
        self.done_button.setEnabled(False)
        self.done_button.clicked.connect(self.accept)
        self.panel.confirmed_changed.connect(self.done_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        self.finished.connect(lambda _result: self.panel.clear())
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 520)


class AdminPage(Page):
    """Staff table, staff actions, a new recovery key, and the clinic settings form."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.setObjectName("adminPage")
        self.model = RowTableModel(STAFF_COLUMNS, parent=self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("staffTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button, self.role_button = QPushButton(), QPushButton()
        self.reset_button, self.remove_button = QPushButton(), QPushButton()
        for button, slot in ((self.add_button, self.add_staff), (self.role_button, self.change_role),
                             (self.reset_button, self.reset_passphrase), (self.remove_button, self.remove_staff)):
            button.clicked.connect(slot)
        self.staff_box = QGroupBox()
        staff_buttons = QGridLayout()  # two rows, so long Spanish labels fit beside the settings
        for i, button in enumerate((self.add_button, self.role_button, self.reset_button, self.remove_button)):
            staff_buttons.addWidget(button, i // 2, i % 2)
        staff_layout = QVBoxLayout(self.staff_box)
        staff_layout.addWidget(self.table)
        staff_layout.addLayout(staff_buttons)

        self.recovery_box, self.recovery_text = QGroupBox(), QLabel()
        self.recovery_text.setWordWrap(True)
        self.recovery_button, self.retention_button = QPushButton(), QPushButton()
        self.recovery_button.clicked.connect(self.new_recovery_key)
        self.retention_button.clicked.connect(lambda: self._open(RetentionDialog(self, self.ctx)))
        recovery_layout = QVBoxLayout(self.recovery_box)
        recovery_layout.addWidget(self.recovery_text)
        for button in (self.recovery_button, self.retention_button):
            recovery_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)

        self.settings_box = QGroupBox()
        self.settings_errors = FieldErrors()
        self.clinic_name, self.clinic_phone = QLineEdit(), QLineEdit()
        self.clinic_address = QPlainTextEdit()
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(64)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 120)
        self.idle_minutes.setMaximumWidth(200)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_settings)
        self.clinic_name.returnPressed.connect(self.save_settings)
        self.clinic_phone.returnPressed.connect(self.save_settings)
        form = QFormLayout(self.settings_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: wide fields
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.settings_labels = [labelled(form, "", w) for w in (self.clinic_name, self.clinic_address,
                                                                  self.clinic_phone, self.idle_minutes)]
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        form.addRow(save_row)
        self.settings_fields = {"clinic_name": self.clinic_name, "clinic_address": self.clinic_address,
                                "clinic_phone": self.clinic_phone, "idle_lock_minutes": self.idle_minutes}
        right, self.backup_box = QVBoxLayout(), BackupBox(ctx, self)
        for box in (self.backup_box, self.settings_box):
            right.addWidget(box)
        right.addStretch(1)
        left, self.eligibility_box = QVBoxLayout(), EligibilityBox(ctx, self)  # under staff: room at 1280x800
        left.addWidget(self.staff_box, 1)
        left.addWidget(self.recovery_box)
        left.addWidget(self.eligibility_box)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        ctx.signals.changed.connect(self._changed)
        self._update_buttons()
        self.retranslate()

    # ----- Page contract ---------------------------------------------------------------------------

    def title(self) -> str:
        return _("Administration")

    def retranslate(self) -> None:
        self.staff_box.setTitle(_("Staff"))
        self.add_button.setText(_("&Add staff…"))
        self.role_button.setText(_("Change &role…"))
        self.reset_button.setText(_("Reset &passphrase…"))
        self.remove_button.setText(_("Re&move…"))
        self.table.setAccessibleName(_("Staff"))
        self.model.retranslate()
        self.recovery_box.setTitle(_("Recovery key"))
        self.recovery_text.setText(_("If the recovery kit is lost, or someone may have seen it, make a new "
                                     "key. The old key stops working at once."))
        self.recovery_button.setText(_("Make a new recovery &key…"))
        self.retention_button.setText(_("Re&tention and purge…"))
        self.settings_box.setTitle(_("Clinic settings"))
        for label, text in zip(self.settings_labels, (_("Clinic &name:"), _("A&ddress:"), _("P&hone:"),
                                                      _("&Idle lock after:")), strict=True):
            label.setText(text)
            label.buddy().setAccessibleName(text.replace("&", "").rstrip(":"))
        self.idle_minutes.setSuffix(_(" minutes"))
        self.save_button.setText(_("&Save settings"))

    def clear(self) -> None:
        self.model.set_rows([])
        self.settings_errors.clear()
        for widget in (self.clinic_name, self.clinic_phone, self.clinic_address):
            widget.clear()

    def on_unlocked(self) -> None:
        self.reload_staff()
        self.reload_settings()

    # ----- staff -----------------------------------------------------------------------------------

    def reload_staff(self) -> None:
        self.model.set_rows(self.ctx.v.staff.list())
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self._update_buttons()

    def selected(self) -> m.Staff | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(self.proxy.mapToSource(rows[0])) if rows else None

    def _update_buttons(self, *_args) -> None:
        staff = self.selected()
        for button in (self.role_button, self.reset_button, self.remove_button):
            button.setEnabled(staff is not None and staff.active)

    def _after_staff_change(self) -> None:
        self.ctx.signals.changed.emit("staff")  # reloads this table too

    def add_staff(self) -> FormDialog:
        def submit(d: FormDialog) -> None:
            if not d.passphrase.matches():
                raise ValidationError("confirm", d.passphrase.mismatch_message())
            self.ctx.v.staff.add(d.name.text(), m.Role(d.role.currentData()), d.passphrase.text(),
                                 language=d.language.currentData())
            self._after_staff_change()

        dialog = FormDialog(self, submit)
        dialog.setWindowTitle(_("Add staff"))
        dialog.intro.setText(_("Enter the new staff member's name and role. Then let them type their own "
                               "passphrase: you do not need to know it."))
        dialog.name = QLineEdit()
        dialog.role = dialog.role_combo()
        dialog.language = QComboBox()
        for lang in ("es", "en"):
            dialog.language.addItem(_(m.LANGUAGE_LABELS[lang]), lang)
        dialog.language.setCurrentIndex(0 if current_language() == "es" else 1)
        labelled(dialog.form, _("&Name:"), dialog.name)
        labelled(dialog.form, _("&Role:"), dialog.role)
        labelled(dialog.form, _("&Language:"), dialog.language)
        dialog.passphrase = PassphraseFields(dialog.form)
        dialog.fields = {"name": dialog.name, "role": dialog.role, "language": dialog.language,
                         "passphrase": dialog.passphrase.passphrase, "confirm": dialog.passphrase.confirm}
        return self._open(dialog)

    def change_role(self) -> FormDialog | None:
        staff = self.selected()
        if staff is None:
            return None

        def submit(d: FormDialog) -> None:
            self.ctx.v.staff.set_role(staff.name, m.Role(d.role.currentData()))
            self._after_staff_change()

        dialog = FormDialog(self, submit)
        dialog.setWindowTitle(_("Change role"))
        dialog.intro.setText(_("Choose the new role for {name}.").format(name=staff.name))
        dialog.role = dialog.role_combo(staff.role)
        labelled(dialog.form, _("&Role:"), dialog.role)
        dialog.fields = {"role": dialog.role}
        return self._open(dialog)

    def reset_passphrase(self) -> FormDialog | None:
        staff = self.selected()
        if staff is None:
            return None

        def submit(d: FormDialog) -> None:
            if not d.passphrase.matches():
                raise ValidationError("confirm", d.passphrase.mismatch_message())
            self.ctx.v.staff.reset(staff.name, d.passphrase.text())
            self._after_staff_change()

        dialog = FormDialog(self, submit)
        dialog.setWindowTitle(_("Reset passphrase"))
        dialog.intro.setText(_("Let {name} type a new passphrase. Their old passphrase stops working on this "
                               "laptop.").format(name=staff.name))
        dialog.passphrase = PassphraseFields(dialog.form)
        dialog.fields = {"passphrase": dialog.passphrase.passphrase, "confirm": dialog.passphrase.confirm}
        return self._open(dialog)

    def remove_staff(self) -> QMessageBox | None:
        staff = self.selected()
        if staff is None:
            return None
        return self._question(
            _("Remove {name}? They will not be able to unlock any more. This changes the database key: "
              "everyone else keeps working, but old backups still open with old passphrases, so make a new "
              "backup afterwards.").format(name=staff.name),
            lambda: self._run(lambda: self.ctx.v.staff.remove(staff.name)))

    def new_recovery_key(self) -> QMessageBox:
        def make() -> None:
            vault = self.ctx.v
            key = self._run(vault.staff.new_recovery_key, changed=False)
            if key:
                self.recovery_dialog = RecoveryKeyDialog(
                    self, self.ctx, recovery_key=key, clinic_name=vault.settings.get().name,
                    vault_id=vault.vault_id)
                self.recovery_dialog.open()

        return self._question(_("Make a new recovery key? The old key and every printed kit stop working at "
                                "once. You will see the new key only once."), make)

    def _question(self, text: str, on_ok: Callable[[], None]) -> QMessageBox:
        """A window-modal OK/Cancel question (Cancel by default), without a nested event loop."""
        box = QMessageBox(QMessageBox.Icon.Question, _("Administration"), text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: on_ok() if box.standardButton(button) == QMessageBox.StandardButton.Ok else None)
        box.open()
        return box

    def _run(self, action: Callable[[], object], *, changed: bool = True):
        with busy_cursor():
            op = VaultOp(self.ctx, self, lambda _v: action())
            result = op.run()
        if op.ok and changed:
            self._after_staff_change()
        return result

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ----- settings --------------------------------------------------------------------------------

    def reload_settings(self) -> None:
        s = self.ctx.v.settings.get()
        self.clinic_name.setText(s.name)
        self.clinic_address.setPlainText(s.address)
        self.clinic_phone.setText(s.phone)
        self.idle_minutes.setValue(s.idle_lock_minutes)

    def save_settings(self) -> None:
        self.settings_errors.clear()
        vault = self.ctx.v
        wanted = dataclasses.replace(vault.settings.get(), name=self.clinic_name.text(),
                                     address=self.clinic_address.toPlainText(),
                                     phone=self.clinic_phone.text(), idle_lock_minutes=self.idle_minutes.value())
        VaultOp(self.ctx, self, lambda v: v.settings.update(wanted)).failure(self._settings_refused) \
            .changes("settings").run()

    def _settings_refused(self, exc: UserError) -> None:
        if not (isinstance(exc, ValidationError) and self.settings_errors.mark_validation(exc, self.settings_fields)):
            show_error(self, exc)

    def _changed(self, what: str) -> None:
        if self.ctx.vault is None:
            return
        if what == "staff":
            self.reload_staff()
        elif what == "settings":
            self.reload_settings()
