"""A case's documents: attach, list, view inside the app from memory only, and save a copy with a warning."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import MAX_DOCUMENT_BYTES, atomic_write
from clinic import models as m
from clinic.access import Can
from clinic.errors import UserError
from clinic.i18n import N_, _
from ui.context import AppContext
from ui.kit import filedialogs
from ui.kit.dialogs import confirm_unencrypted
from ui.kit.errors import show_error
from ui.kit.format import format_size, format_when
from ui.kit.forms import set_accessible
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import NUMBER_ALIGNMENT, Column, RowTableModel

# ----- locale formatting (shared by the case screens) -------------------------------------------------


# ----- what can be shown inside the app -------------------------------------------------------------

PDF, IMAGE, TEXT, OTHER = "pdf", "image", "text", "other"
# Raster formats only, decoded with an explicit format: content is never sniffed into SVG or others.
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/bmp": "BMP",
                 "image/webp": "WEBP"}
TEXT_SUFFIXES = (".txt", ".csv")
KIND_LABELS = {PDF: N_("PDF"), IMAGE: N_("Image"), TEXT: N_("Text"), OTHER: N_("Other file")}


def kind_of(info: m.DocumentInfo) -> str:
    mime = info.mime_type.lower()
    if mime == "application/pdf":
        return PDF
    if mime in IMAGE_FORMATS:
        return IMAGE
    if mime.startswith("text/") or info.filename.lower().endswith(TEXT_SUFFIXES):
        return TEXT
    return OTHER


class DocumentViewer(QDialog):
    """Shows one document from memory: never written to disk or a temporary file to be displayed."""

    def __init__(self, ctx: AppContext, info: m.DocumentInfo, content: bytes, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.info, self._content = ctx, info, content
        self.kind = kind_of(info)
        self.setObjectName("documentViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pdf_document: QPdfDocument | None = None
        self._buffer: QBuffer | None = None
        self.pdf_view: QPdfView | None = None
        self.image: QLabel | None = None
        self.text: QPlainTextEdit | None = None
        self.name = QLabel(info.filename)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.saved_note = QLabel()
        self.saved_note.setWordWrap(True)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save_copy)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self._build_body(), 1)
        layout.addWidget(self.saved_note)
        layout.addWidget(self.buttons)
        self.resize(820, 700)  # fits a 1366x768 laptop with its title bar and panel (issue 14)
        self.retranslate()

    def _build_body(self) -> QWidget:
        if self.kind == PDF:
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(self._content))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.pdf_document = QPdfDocument(self)
            self.pdf_document.load(self._buffer)
            if self.pdf_document.status() != QPdfDocument.Status.Error:
                self.pdf_view = QPdfView(self)
                self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
                self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
                self.pdf_view.setDocument(self.pdf_document)
                return self.pdf_view
            self.kind = OTHER
        elif self.kind == IMAGE:
            pixmap = QPixmap()
            if pixmap.loadFromData(self._content, IMAGE_FORMATS[self.info.mime_type.lower()]):
                self.image = QLabel()
                self.image.setPixmap(pixmap)
                self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
                scroll = QScrollArea()
                scroll.setWidget(self.image)
                scroll.setWidgetResizable(True)
                return scroll
            self.kind = OTHER
        elif self.kind == TEXT:
            self.text = QPlainTextEdit()
            self.text.setReadOnly(True)
            self.text.setPlainText(self._content.decode("utf-8", errors="replace"))
            return self.text
        return self.message

    def retranslate(self) -> None:
        self.setWindowTitle(_("Document"))  # never the file name: it may carry a client's name
        self.save_button.setText(_("Save a &copy…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        if self.kind == OTHER:
            self.message.setText(_("This kind of file cannot be shown inside Clinic Intake. You can "
                                   "save an unencrypted copy and open it with another program."))
        if self.pdf_view is not None:
            set_accessible(self.pdf_view, _("Document pages"))
        if self.text is not None:
            set_accessible(self.text, _("Document text"))

    def save_copy(self) -> None:
        """Warn, ask where, write exactly there and record the export in the audit log."""
        if not self._content or not confirm_unencrypted(self, self.info.filename):
            return
        path = filedialogs.ask_save(self, _("Save an unencrypted copy"), self.info.filename)
        if not path:
            return

        def write_and_record(v) -> None:
            try:
                atomic_write(Path(path), self._content, before_commit=lambda: v.documents.record_export(self.info.id))
            except OSError as exc:
                raise UserError(_("The copy could not be saved: {reason}")
                                .format(reason=exc.strerror or type(exc).__name__)) from exc

        VaultOp(self.ctx, self, write_and_record).success(lambda _none: self.saved_note.setText(
            _("Saved an unencrypted copy. Delete it when you no longer need it."))).run()

    def clear(self) -> None:
        """Drop the document from memory and every widget, and close (the app is locking)."""
        self._content = b""
        self.name.clear()
        self.saved_note.clear()
        if self.pdf_document is not None:
            self.pdf_document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
        if self.image is not None:
            self.image.setPixmap(QPixmap())
        if self.text is not None:
            self.text.clear()
        self.close()

    def done(self, result: int) -> None:
        super().done(result)
        if self._content:
            self.clear()


DOCUMENT_COLUMNS = (
    Column(N_("File"), lambda d: d.filename),
    Column(N_("Kind"), lambda d: _(KIND_LABELS[kind_of(d)])),
    Column(N_("Size"), lambda d: d.size, display=format_size, alignment=NUMBER_ALIGNMENT),
    Column(N_("Added"), lambda d: d.added_at, display=format_when),
    Column(N_("Added by"), lambda d: d.added_by_name),
)


class DocumentsPane(QWidget):
    """The documents of one case. Opening and saving out happen only when the person asks."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id: int | None = None
        self.viewers: list[DocumentViewer] = []
        self.model = RowTableModel(DOCUMENT_COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the file name takes what is left
        self.table.setMinimumHeight(120)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.attach_button = QPushButton()
        self.attach_button.clicked.connect(self.attach)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected)
        self.empty = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.attach_button.setText(_("Attach a fi&le…"))
        self.open_button.setText(_("&Open"))
        self.empty.setText(_("No documents attached to this case."))
        set_accessible(self.table, _("Documents"))
        self.model.retranslate()
        for viewer in self._live_viewers():
            viewer.retranslate()

    def set_case(self, case_id: int | None, documents: list[m.DocumentInfo]) -> None:
        if case_id != self.case_id:
            self.close_viewers()
        self.case_id = case_id
        self.model.set_rows([d for d in documents if d.case_id == case_id])
        self._update()

    def _update(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.empty.setVisible(self.case_id is not None and not has_rows)
        self.open_button.setEnabled(has_rows)
        self.attach_button.setVisible(self.ctx.can(Can.ATTACH_DOCUMENTS))
        self.attach_button.setEnabled(self.case_id is not None)

    def selected(self) -> m.DocumentInfo | None:
        index = self.table.currentIndex()
        return self.model.row_at(index) if index.isValid() else None

    def attach(self) -> None:
        if self.case_id is None:
            return
        path = filedialogs.ask_open(self, _("Attach a file to this case"))
        if not path:
            return
        case_id, name = self.case_id, Path(path).name
        self.attach_button.setEnabled(False)
        self.ctx.runner.run(_read_limited, path, owner=self,
                            on_done=lambda content: self._attach(case_id, name, content),
                            on_error=self._read_failed)

    def _read_failed(self, exc: BaseException) -> None:
        self._update()
        if isinstance(exc, OSError):
            exc = UserError(_("The file could not be read: {reason}")
                            .format(reason=exc.strerror or type(exc).__name__))
        show_error(self, exc)

    def _attach(self, case_id: int, name: str, content: bytes) -> None:
        self._update()
        if case_id != self.case_id:
            return  # another case was opened (or the app locked) while the file was read
        VaultOp(self.ctx, self, lambda v: v.documents.attach(case_id, name, content)).success(self._attached) \
            .changes("documents").run()

    def _attached(self, info: m.DocumentInfo) -> None:
        self.model.set_rows([*self.model.rows, info])
        self.table.selectRow(self.model.rowCount() - 1)
        self._update()

    def open_selected(self) -> DocumentViewer | None:
        info = self.selected()
        if info is None:
            return None
        opened = VaultOp(self.ctx, self, lambda v: v.documents.open(info.id)).run()
        if opened is None:
            return None
        viewer = DocumentViewer(self.ctx, *opened, self.window())
        self.viewers = [*self._live_viewers(), viewer]
        viewer.show()
        return viewer

    def _live_viewers(self) -> list[DocumentViewer]:
        return [v for v in self.viewers if shiboken6.isValid(v)]

    def close_viewers(self) -> None:
        for viewer in self._live_viewers():
            viewer.clear()
        self.viewers = []

    def clear(self) -> None:
        self.close_viewers()
        self.case_id = None
        self.model.set_rows([])
        self._update()


def _read_limited(path: str) -> bytes:
    """Read at most one byte more than a document may hold, so the core rejects a huge file cheaply."""
    with open(path, "rb") as f:
        return f.read(MAX_DOCUMENT_BYTES + 1)
