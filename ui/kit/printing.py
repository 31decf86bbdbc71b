"""Printing PDF bytes without temp files, saving one only where the person chooses, and the recovery-key panel.

`ask_printer` (a dialog) is kept apart from `print_pdf_bytes` (paints onto a QPrinter), so tests and other
screens can print to a PDF-format QPrinter without a dialog.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import atomic_write
from clinic.errors import UserError
from clinic.i18n import _
from ui.kit import filedialogs
from ui.kit.errors import show_error
from ui.kit.ops import LocalOp
from ui.kit.theme import COLORS

MAX_PRINT_DPI = 300  # a page image at the printer's own resolution (1200 dpi) would take ~500 MB


# Where CUPS listens on this laptop. libcups otherwise connects to localhost:631 over TCP (AF_INET and
# AF_INET6) as soon as a QPrinter or the print dialog exists, or to any host CUPS_SERVER or client.conf
# names. Pointing CUPS_SERVER at the local socket keeps printing on this laptop with no network socket.
CUPS_SOCKETS = ("/run/cups/cups.sock", "/var/run/cups/cups.sock", "/private/var/run/cupsd")
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


class RemotePrintServer(UserError):
    pass


def pin_local_print_server(environ=os.environ) -> None:
    """Make every print on this laptop go through the local CUPS socket. Raises RemotePrintServer, and
    changes nothing, when CUPS_SERVER names another computer: client data would cross the network."""
    if sys.platform == "win32":
        return  # no CUPS: Windows prints through its own spooler
    current = environ.get("CUPS_SERVER", "").strip()
    host = current.rsplit(":", 1)[0] if current.count(":") == 1 else current
    if current and not current.startswith("/") and host not in _LOOPBACK:
        raise RemotePrintServer(_(
            "This laptop is set to print through another computer (CUPS_SERVER). Clinic Intake prints "
            "only to printers on this laptop, so that no client letter crosses the network. Unset "
            "CUPS_SERVER, or save the letter as a PDF instead."))
    if not current.startswith("/"):
        environ["CUPS_SERVER"] = next((s for s in CUPS_SOCKETS if os.path.exists(s)), CUPS_SOCKETS[0])


def ask_printer(parent: QWidget | None) -> QPrinter | None:
    """Ask which printer to use (a modal dialog); None when the person cancels or may not print here."""
    try:
        pin_local_print_server()
    except RemotePrintServer as exc:
        show_error(parent, exc)
        return None
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    # "Print to file" would write an unencrypted PDF anywhere, without the save warning or its audit row:
    # saving goes through "Save as PDF…" only.
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, False)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    return printer


def spooler_command(printer: QPrinter) -> list[str] | None:
    """The command that hands a PDF straight to this printer's system queue (CUPS `lp`), or None.

    A system queue takes the letter as it is: sharp text, no page images, a fraction of the time, and
    nothing written to disk (the PDF goes through a pipe). PDF-format printers, and machines without
    `lp`, get painted pages instead. The job has no title, so a print queue never shows anything but "stdin".
    """
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat or not printer.printerName():
        return None
    lp = shutil.which("lp")
    if lp is None:
        return None
    command = [lp, "-d", printer.printerName(), "-n", str(max(1, printer.copyCount()))]
    sides = {QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
             QPrinter.DuplexMode.DuplexAuto: "two-sided-long-edge",
             QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge"}.get(printer.duplex())
    if sides:
        command += ["-o", f"sides={sides}"]
    return command


def send_to_spooler(pdf: bytes, command: list[str]) -> None:
    """Give one PDF to the print queue through a pipe; a refusal is a sentence for the person."""
    try:
        subprocess.run(command, input=pdf, check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        raise UserError(_("The printer could not take the letter. Check that it is connected and try "
                          "again.")) from None


def paint_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int) -> None:
    """Paint one page of `document` as an image at the printer's resolution (at most MAX_PRINT_DPI)."""
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    points = document.pagePointSize(index)
    image = document.render(index, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
    area = QRectF(painter.viewport())
    scale = min(area.width() / image.width(), area.height() / image.height())
    painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)


def print_pdf_bytes(pdf: bytes, printer: QPrinter) -> int:
    """Print `pdf` on `printer`; returns the number of pages. Nothing touches the disk.

    A system queue gets the PDF itself (see spooler_command); any other printer gets painted pages.
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        raise UserError(_("The document could not be prepared for printing."))
    command = spooler_command(printer)
    if command is not None:
        pages = document.pageCount()
        document.close()
        buffer.close()
        send_to_spooler(pdf, command)
        return pages
    painter = QPainter()
    if not painter.begin(printer):
        raise UserError(_("The printer could not be opened. Check that it is connected and try again."))
    pages = document.pageCount()
    try:
        for index in range(pages):
            if index:
                printer.newPage()
            paint_page(painter, printer, document, index)
    finally:
        painter.end()
        document.close()
        buffer.close()
    return pages


def _render_kit(clinic_name: str, vault_id: str, recovery_key: str) -> bytes:
    from clinic import render_recovery_kit  # reportlab only when a kit is made

    return render_recovery_kit(clinic_name=clinic_name, vault_id=vault_id, recovery_key=recovery_key,
                               created=dt.date.today(), lang="both")


def fixed_font() -> QFont:
    """A font whose letters are all one width (the recovery key's groups line up, 0 and O differ): the
    system's fixed font when it really is one, else the first installed family that is."""
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if QFontInfo(mono).fixedPitch():
        return mono
    families = [f for f in ("DejaVu Sans Mono", "Liberation Mono", "Courier New") if QFontDatabase.isFixedPitch(f)]
    families += [f for f in QFontDatabase.families() if QFontDatabase.isFixedPitch(f)]
    return QFont(families[0]) if families else mono


def key_groups_text(recovery_key: str) -> str:
    """The key in two lines of groups, for reading aloud and copying by hand."""
    groups = recovery_key.split("-")
    half = (len(groups) + 1) // 2
    return "   ".join(groups[:half]) + "\n" + "   ".join(groups[half:])


class RecoveryKeyPanel(QWidget):
    """Shows a recovery key once, prints or saves its kit, and asks the person to confirm they kept it.

    `confirmed_changed(bool)` tells the surrounding wizard or dialog when it may go on.
    """

    confirmed_changed = Signal(bool)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._key = ""
        self._clinic_name = ""
        self._vault_id = ""
        self._busy_action = ""
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        mono = fixed_font()
        mono.setPointSize(20)
        mono.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(mono)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)  # no clipboard
        self.key_label.setStyleSheet(f"QLabel {{ background: {COLORS['base']}; color: {COLORS['text']}; "
                                     f"border: 2px solid {COLORS['text']}; padding: 12px; }}")
        self.print_button = QPushButton()
        self.print_button.setObjectName("printKit")
        self.print_button.clicked.connect(self.print_kit)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveKit")
        self.save_button.clicked.connect(self.save_kit)
        for button in (self.print_button, self.save_button):
            button.setAutoDefault(False)  # Enter stays with the dialog's own action, never opens a dialog
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.save_warning = QLabel()
        self.save_warning.setWordWrap(True)
        self.written = QCheckBox()
        self.written.setObjectName("keyWrittenDown")
        self.last_group = QLineEdit()
        self.last_group.setObjectName("lastGroup")
        self.last_group.setMaxLength(8)
        self.last_group.setMaximumWidth(140)
        self.last_group_label = QLabel()
        self.last_group_label.setBuddy(self.last_group)
        self.status = QLabel()
        self.status.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.busy)
        buttons.addStretch(1)
        confirm = QFormLayout()
        confirm.addRow(self.last_group_label, self.last_group)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.key_label)
        layout.addLayout(buttons)
        layout.addWidget(self.save_warning)
        layout.addWidget(self.status)
        layout.addSpacing(8)
        layout.addWidget(self.written)
        layout.addLayout(confirm)
        layout.addStretch(1)
        self.written.toggled.connect(self._changed)
        self.last_group.textChanged.connect(self._changed)
        self.setTabOrder(self.print_button, self.save_button)
        self.setTabOrder(self.save_button, self.written)
        self.setTabOrder(self.written, self.last_group)
        self.retranslate()

    def show_key(self, *, recovery_key: str, clinic_name: str, vault_id: str) -> None:
        self._key, self._clinic_name, self._vault_id = recovery_key, clinic_name, vault_id
        self.key_label.setText(key_groups_text(recovery_key))
        self.key_label.setAccessibleName(_("Recovery key"))
        self.written.setChecked(False)
        self.last_group.clear()
        self.status.clear()
        self._changed()

    def clear(self) -> None:
        """Forget the key: it is shown once, and never kept once the screen moves on."""
        self._key = ""
        self.key_label.clear()
        self.last_group.clear()
        self.written.setChecked(False)

    def is_confirmed(self) -> bool:
        last = self._key.rsplit("-", 1)[-1] if self._key else None
        typed = self.last_group.text().strip().upper()
        return bool(last) and self.written.isChecked() and typed == last

    def retranslate(self) -> None:
        self.intro.setText(_("This is the clinic's recovery key. It is shown only this once. With it, an "
                             "administrator can open the vault when every passphrase is forgotten, or on a "
                             "new laptop. Print the recovery kit or write the key down, and keep it locked "
                             "away from this laptop."))
        self.print_button.setText(_("&Print recovery kit…"))
        self.save_button.setText(_("Save as P&DF…"))
        self.save_warning.setText(_("A saved PDF is not encrypted: anyone who opens it can unlock the clinic's "
                                    "files. Save it only to a USB stick you will lock away, never to this "
                                    "laptop or a shared folder."))
        self.written.setText(_("I have printed it or &written it down"))
        self.last_group_label.setText(_("&Type the last group of the key:"))
        self.last_group.setAccessibleName(_("Last group of the recovery key"))
        if self._key:
            self.key_label.setAccessibleName(_("Recovery key"))

    # ----- printing and saving -----------------------------------------------------------------------

    def print_kit(self) -> None:
        self._render("print")

    def save_kit(self) -> None:
        self._render("save")

    def _render(self, action: str) -> None:
        if not self._key or self._busy_action:
            return
        self._busy_action = action
        self._set_busy(True)
        self.ctx.runner.run(_render_kit, self._clinic_name, self._vault_id, self._key, owner=self,
                            on_done=self._rendered, on_error=self._failed)

    def _rendered(self, pdf: bytes) -> None:
        action, self._busy_action = self._busy_action, ""
        self._set_busy(False)

        def output() -> None:
            if action == "print":
                printer = ask_printer(self)
                if printer is not None:
                    print_pdf_bytes(pdf, printer)
                    self.status.setText(_("The recovery kit was sent to the printer."))
                return
            path = self.ask_save_path()
            if path:
                try:
                    atomic_write(path, pdf)
                except OSError as exc:
                    raise UserError(_("The file could not be saved there. Choose another place.")) from exc
                self.status.setText(_("The recovery kit was saved. Remember: that file is not encrypted."))

        LocalOp(self, output).run()

    def ask_save_path(self) -> str:
        """Where to save the unencrypted kit; '' when cancelled. Tests replace this."""
        return filedialogs.ask_save(self, _("Save the recovery kit (not encrypted)"), _("recovery-kit.pdf"),
                                    _("PDF files (*.pdf)"))

    def _failed(self, exc: BaseException) -> None:
        self._busy_action = ""
        self._set_busy(False)
        show_error(self, exc)

    def _set_busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.print_button.setEnabled(not on)
        self.save_button.setEnabled(not on)

    def _changed(self, *_args) -> None:
        self.confirmed_changed.emit(self.is_confirmed())
