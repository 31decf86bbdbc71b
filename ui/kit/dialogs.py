"""Dialogs every screen shares: the one warning before a file leaves the vault unencrypted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from clinic.i18n import _


def confirm_unencrypted(parent: QWidget, name: str) -> bool:
    """Warn that the file about to be saved (a letter, a copy of a document) will NOT be encrypted.

    True only when the person still wants it; Cancel is the default and Esc. `name` is the file's name
    as the person will see it (never a client's name unless the file itself is called so).
    """
    box = QMessageBox(QMessageBox.Icon.Warning, _("Save an unencrypted copy?"),
                      _("The copy of “{name}” you are about to save will NOT be encrypted.").format(name=name),
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(_("Anyone who can open the folder, drive or USB stick you save it to, or who "
                             "gets hold of this laptop, can read it. Save it only where the client's "
                             "information is protected, and delete it when you no longer need it. The "
                             "export is recorded in the audit log."))
    box.setObjectName("unencryptedSaveWarning")
    box.setTextFormat(Qt.TextFormat.PlainText)  # a file name is text, never markup
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Save).setText(_("Save unencrypted"))
    box.button(QMessageBox.StandardButton.Cancel).setText(_("Cancel"))
    result = box.exec()
    return getattr(result, "value", result) == QMessageBox.StandardButton.Save.value
