"""A referral letter shown from memory (QtPdf), printed, or saved only where the person chooses, with a warning.

No PDF or image of a letter is written anywhere but the file a person picks in "Save as PDF…": the bytes
go into a QBuffer for QPdfDocument, and printing paints pages straight onto the printer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QFont
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic import LetterRequest, atomic_write, default_filename
from clinic import models as m
from clinic.errors import UserError
from clinic.i18n import _, current_language, using_language
from ui.context import AppContext
from ui.kit import filedialogs, printing
from ui.kit.dialogs import confirm_unencrypted
from ui.kit.forms import set_accessible
from ui.kit.ops import VaultOp


def render_request(request: LetterRequest) -> bytes:
    """Compose and render one letter. Pure and slow (reportlab): run it in the TaskRunner."""
    from clinic import (
        compose_letter,
        render_letter,  # reportlab only when a letter is made
    )

    return render_letter(compose_letter(request))


def render_for_preview(ctx: AppContext, referral_id: int, *, owner: QWidget, on_done: Callable[[bytes], None],
                       on_error: Callable[[BaseException], None] | None = None):
    """Gather the letter on the GUI thread, render it in the runner, then on_done(pdf), from memory only.

    Nothing is kept: a letter is stored in the vault once, when it is printed or saved (`LetterPreview.keep`),
    so previews do not pile up as stored PDFs. Any failure (role, locked vault, rendering) goes to on_error,
    or without one to the error presenter over `owner`. Returns the task handle, or None when the letter
    could not be gathered.
    """
    request = VaultOp(ctx, owner, lambda v: v.referrals.letter_request(referral_id)).failure(on_error).run()
    if request is None:
        return None

    def rendered(pdf: bytes) -> None:
        if ctx.vault is None or not ctx.vault.is_open:
            return  # locked while rendering: the letter is dropped, nothing is shown
        on_done(pdf)

    return ctx.runner.run(render_request, request, owner=owner, on_done=rendered, on_error=on_error)


class DisclosedList(QWidget):
    """'This letter will disclose exactly:' then label: value rows, grouped, worded as the letter prints them."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("disclosedList")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel()
        self.note.setObjectName("disclosedNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self._lang = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("This letter will disclose exactly:"))
        self.table.setHorizontalHeaderLabels([_("Information"), _("Value")])
        set_accessible(self.table, _("This letter will disclose exactly:"))
        language = _(m.LANGUAGE_LABELS[self._lang]) if self._lang in m.LANGUAGE_LABELS else ""
        self.caption.setText(_("As the letter prints it ({language}).").format(language=language)
                             if language and self.table.rowCount() else "")
        self.caption.setVisible(bool(self.caption.text()))

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) of every field row shown (group headings left out)."""
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text())
                for r in range(self.table.rowCount()) if self.table.item(r, 1) is not None]

    def show_fields(self, fields, note: str, lang: str = "") -> None:
        """Show the core's DisclosedFields; group headings in `lang`, like the labels the core gave."""
        self._lang = lang
        self.table.setRowCount(0)
        bold = QFont(self.table.font())
        bold.setBold(True)
        current = None
        for f in fields:
            if f.group is not current:
                current = f.group
                row = self.table.rowCount()
                self.table.insertRow(row)
                with using_language(lang or current_language()):
                    item = QTableWidgetItem(_(f.group.label))
                item.setFont(bold)
                self.table.setItem(row, 0, item)
                self.table.setSpan(row, 0, 1, 2)
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(f.label))
            self.table.setItem(row, 1, QTableWidgetItem(f.value))
        self._fit()
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.retranslate()

    def _fit(self) -> None:
        """Labels as wide as the longest (group headings span both columns and do not count)."""
        metrics = self.table.fontMetrics()
        widths = [metrics.horizontalAdvance(label) for label, _value in self.rows()]
        limit = max(120, int(self.table.viewport().width() * 0.45))
        self.table.setColumnWidth(0, min(max(widths, default=120) + 16, limit))
        self.table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class LetterPreview(QDialog):
    """`LetterPreview(ctx, referral, pdf, parent)`: the letter as rendered (or as sent), from memory only.

    Non-modal: call show() or open(). `clear()` drops the document and its bytes and closes (on lock).
    `stored`: the letter is already kept in the vault (a reprint); otherwise the first print or save keeps it.
    """

    def __init__(self, ctx: AppContext, referral: m.Referral, pdf: bytes, parent: QWidget | None = None, *,
                 stored: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.referral = referral
        self.stored = stored
        self._pdf = pdf
        self._cleared = False
        self.setObjectName("letterPreview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("letterView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.prev_button = QPushButton()
        self.prev_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button = QPushButton()
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.page_label = QLabel()
        self.fit_width = QPushButton()
        self.fit_width.setCheckable(True)
        self.fit_width.setChecked(True)
        self.fit_page = QPushButton()
        self.fit_page.setCheckable(True)
        zoom = QButtonGroup(self)
        zoom.addButton(self.fit_width)
        zoom.addButton(self.fit_page)
        zoom.setExclusive(True)
        self.fit_width.toggled.connect(self._zoom_changed)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printLetter")
        self.print_button.clicked.connect(self.print_letter)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveLetter")
        self.save_button.clicked.connect(self.save_as_pdf)
        self.status = QLabel()
        self.status.setObjectName("letterStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        nav = QHBoxLayout()
        nav.addWidget(self.heading, 1)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.page_label)
        nav.addWidget(self.next_button)
        nav.addSpacing(12)
        nav.addWidget(self.fit_width)
        nav.addWidget(self.fit_page)
        layout = QVBoxLayout(self)
        layout.addLayout(nav)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.view.pageNavigator().currentPageChanged.connect(lambda _page: self._update_nav())
        ctx.signals.locked.connect(self.clear)
        ctx.signals.language_changed.connect(self._language_changed)
        self.resize(900, 700)  # fits a 1366x768 laptop with its title bar and panel (issue 14)
        self.retranslate()
        self.print_button.setFocus()

    # ----- what differs from one kind of document to another (DocumentPreview overrides these) ----------

    def window_title(self) -> str:
        # The reference only, never the client's name: window titles reach task bars and screen sharing.
        return _("Referral letter {ref}").format(ref=self.referral.ref)

    def heading_text(self) -> str:
        return _("Letter for referral {ref} to {partner}").format(ref=self.referral.ref,
                                                                 partner=self.referral.partner_name)

    def doc_name(self) -> str:
        """What the print queue sees: a reference, never a name."""
        return self.referral.ref

    def suggested_filename(self) -> str:
        return default_filename(self.referral.ref)

    def keep(self) -> None:
        """Store the letter, encrypted in the vault, before it first leaves it (printed or saved), so it can
        be reprinted exactly as sent; once only. Raises UserError when refused."""
        if not self.stored:
            self.ctx.v.referrals.store_letter(self.referral.id, self._pdf)
            self.stored = True

    def record_output(self, how: str) -> None:
        """Audit a print or a save (`how` is "print" or "save"); raises UserError when refused."""
        self.ctx.v.referrals.record_output(self.referral.id, how)

    changed_what = "referrals"

    def retranslate(self) -> None:
        self.setWindowTitle(self.window_title())
        self.heading.setText(self.heading_text())
        self.prev_button.setText(_("P&revious page"))
        self.next_button.setText(_("&Next page"))
        self.fit_width.setText(_("Fit &width"))
        self.fit_page.setText(_("Fit p&age"))
        self.print_button.setText(_("&Print…"))
        self.save_button.setText(_("&Save as PDF…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        set_accessible(self.view, _("Letter pages"))
        self._update_nav()

    def _language_changed(self, _lang: str) -> None:
        if not self._cleared:
            self.retranslate()

    # ----- pages ------------------------------------------------------------------------------------

    def page_count(self) -> int:
        return self.document.pageCount() if not self._cleared else 0

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        if 0 <= page < self.page_count():
            self.view.pageNavigator().jump(page, QPointF(0, 0), self.view.zoomFactor())
        self._update_nav()

    def _zoom_changed(self, *_args) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth if self.fit_width.isChecked()
                              else QPdfView.ZoomMode.FitInView)

    def _update_nav(self) -> None:
        pages = self.page_count()
        page = self.current_page()
        self.page_label.setText(_("Page {page} of {pages}").format(page=page + 1 if pages else 0, pages=pages))
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < pages)
        has_pdf = bool(self._pdf)
        self.print_button.setEnabled(has_pdf)
        self.save_button.setEnabled(has_pdf)

    # ----- output -----------------------------------------------------------------------------------

    def print_letter(self) -> bool:
        """Ask for a printer, paint the letter onto it, record the print in the audit log."""
        if not self._pdf:
            return False
        printer = printing.ask_printer(self)
        if printer is None or not self._pdf:  # cancelled, or locked while the dialog was open
            return False
        printer.setDocName(self.doc_name())  # the print queue sees the reference, never a name
        pdf = self._pdf

        def print_and_record(_v) -> None:
            self.keep()
            printing.print_pdf_bytes(pdf, printer)
            self.record_output("print")

        op = VaultOp(self.ctx, self, print_and_record).changes(self.changed_what).success(
            lambda _none: self.status.setText(_("The letter was sent to the printer.")))
        op.run()
        return op.ok

    def save_as_pdf(self) -> bool:
        """Warn, ask where, write exactly there (atomically) and record the save in the audit log."""
        if not self._pdf or not confirm_unencrypted(self, self.suggested_filename()):
            return False
        path = filedialogs.ask_save(self, _("Save the letter as PDF (not encrypted)"),
                                    self.suggested_filename(), _("PDF files (*.pdf)"))
        if not path or not self._pdf:
            return False
        pdf = self._pdf

        def write_and_record(_v) -> None:
            self.keep()
            try:
                atomic_write(Path(path), pdf, before_commit=lambda: self.record_output("save"))
            except OSError as exc:
                raise UserError(_("The letter could not be saved: {reason}").format(
                    reason=exc.strerror or type(exc).__name__)) from exc

        op = VaultOp(self.ctx, self, write_and_record).changes(self.changed_what).success(lambda _none: self.status.setText(
            _("Saved an unencrypted copy. Delete it when it is no longer needed.")))
        op.run()
        return op.ok

    # ----- lifecycle --------------------------------------------------------------------------------

    def clear(self) -> None:
        """Drop the document and its bytes from memory and every widget, and close."""
        if self._cleared:
            return
        self._cleared = True
        self._pdf = b""
        self.document.close()  # the view then shows nothing; setDocument(None) makes Qt warn
        self._buffer.close()
        self._buffer.setData(QByteArray())
        self.heading.clear()
        self.status.clear()
        self._update_nav()
        if self.isVisible():
            self.close()

    def done(self, result: int) -> None:
        super().done(result)
        self.clear()

