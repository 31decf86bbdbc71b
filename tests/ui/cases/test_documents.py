"""Documents: attached into the vault, shown inside the app from memory only, saved out only after a warning."""

from __future__ import annotations

import io
import os
import stat
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QDir, QIODevice, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox
from reportlab.pdfgen import canvas

from clinic.clients.documents import MAX_DOCUMENT_BYTES
from tests.fixtures.cases import close_error_dialogs, error_dialogs, widget_texts
from ui.cases.documents import DocumentsPane, DocumentViewer
from ui.cases.view import CaseFileView

VAULT_FILES = {"clinic.db", "clinic.db-wal", "clinic.db-shm", "clinic.keys", "clinic.keys.bak"}
TEXT = "línea uno, PDF no\nsegunda línea TEXT-CANARY\n"


def pdf_bytes() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, title="", author="", subject="", creator="", producer="")
    for page in (1, 2):
        c.drawString(72, 720, f"PDF-CANARY page {page}")
        c.showPage()
    c.save()
    return buf.getvalue()


def png_bytes() -> bytes:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(array)


@pytest.fixture
def user_files(tmp_path) -> dict[str, Path]:
    """The person's own files, to attach: a two-page PDF, a PNG, a text file (with a broken byte), other."""
    folder = tmp_path / "my files"
    folder.mkdir()
    files = {"pdf": folder / "aviso de audiencia.pdf", "png": folder / "foto.png",
             "txt": folder / "notas.txt", "other": folder / "carta.docx"}
    files["pdf"].write_bytes(pdf_bytes())
    files["png"].write_bytes(png_bytes())
    files["txt"].write_bytes(TEXT.encode() + b"\xff")
    files["other"].write_bytes(b"PK\x03\x04 not really a word file")
    return files


@pytest.fixture
def pane(qtbot, make_ctx, template, english, monkeypatch):
    """A documents pane on the Núñez case, as an attorney; attach(path) goes through the file dialog."""
    widget = DocumentsPane(make_ctx("attorney"))
    qtbot.addWidget(widget)
    widget.set_case(template.cases["Núñez"], [])

    def attach(path: Path) -> None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
        widget.attach_button.click()

    widget.attach_path = attach
    yield widget
    widget.clear()


def open_row(pane: DocumentsPane, filename: str) -> DocumentViewer:
    row = next(i for i, d in enumerate(pane.model.rows) if d.filename == filename)
    pane.table.selectRow(row)
    return pane.open_selected()


def audit_actions(make_ctx) -> list[tuple[str, str]]:
    return [(e.action, e.target) for e in make_ctx("admin").v.settings.audit_log()]


def files_under(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*") if p.is_file()}


def test_attached_files_are_listed_and_stored_in_the_vault(pane, user_files, make_ctx):
    """Attaching reads the chosen file into the vault; the list shows name, kind and who added it."""
    for path in user_files.values():
        pane.attach_path(path)
    rows = pane.model.rows
    assert [d.filename for d in rows] == [p.name for p in user_files.values()]
    kinds = [pane.model.index(r, 1).data() for r in range(len(rows))]
    assert kinds == ["PDF", "Image", "Text", "Other file"]
    assert pane.model.index(0, 4).data() == "Ada Attorney"
    assert pane.ctx.v.documents.open(rows[1].id)[1] == user_files["png"].read_bytes()
    assert not [a for a in audit_actions(make_ctx) if a[0] == "document.open" and a[1] != f"document:{rows[1].id}"]


def test_viewing_writes_nothing_to_disk(pane, user_files, qtbot, tmp_path, home, monkeypatch):
    """PDF pages, the image and the text show inside the app; no temporary or other file appears."""
    empty_tmp = tmp_path / "empty-tmp"
    empty_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(empty_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    assert QDir.tempPath() == str(empty_tmp) and tempfile.gettempdir() == str(empty_tmp)
    for key in ("pdf", "png", "txt"):
        pane.attach_path(user_files[key])
    before = files_under(tmp_path)

    pdf = open_row(pane, user_files["pdf"].name)
    qtbot.waitUntil(lambda: pdf.pdf_document.status() == QPdfDocument.Status.Ready)
    assert pdf.kind == "pdf" and pdf.pdf_document.pageCount() == 2
    assert pdf.pdf_view.document() is pdf.pdf_document
    assert not pdf.pdf_document.render(0, QSize(200, 260)).isNull()
    image = open_row(pane, user_files["png"].name)
    assert image.kind == "image" and image.image.pixmap().size() == QSize(40, 30)
    text = open_row(pane, user_files["txt"].name)
    assert text.kind == "text" and text.text.isReadOnly()
    assert text.text.toPlainText() == TEXT + "\ufffd"
    qtbot.wait(200)  # let the PDF view render its pages

    assert list(empty_tmp.iterdir()) == []
    assert files_under(tmp_path) == before
    assert {p.name for p in home.path.iterdir()} <= VAULT_FILES
    for viewer in (pdf, image, text):
        assert user_files["pdf"].name not in viewer.windowTitle()
        assert viewer.isVisible()
    assert len(pane.viewers) == 3


def test_other_kinds_offer_only_save_a_copy(pane, user_files):
    """A file the app cannot show gets a sentence saying so and only Save a copy."""
    pane.attach_path(user_files["other"])
    viewer = open_row(pane, user_files["other"].name)
    assert viewer.kind == "other"
    assert "cannot be shown inside Clinic Intake" in viewer.message.text()
    assert viewer.pdf_view is None and viewer.image is None and viewer.text is None
    assert viewer.save_button.isVisibleTo(viewer)


def test_save_a_copy_warns_then_writes_exactly_there_and_is_audited(pane, user_files, tmp_path,
                                                                   monkeypatch, make_ctx):
    """After the warning, the copy is written atomically to the chosen path only and audited."""
    pane.attach_path(user_files["pdf"])
    viewer = open_row(pane, user_files["pdf"].name)
    warnings = []

    def warning_exec(box):
        warnings.append(f"{box.text()} {box.informativeText()}")
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "exec", warning_exec)
    out = tmp_path / "exported"
    out.mkdir()
    target = out / "copia.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    viewer.save_button.click()
    assert len(warnings) == 1 and "NOT be encrypted" in warnings[0]
    assert target.read_bytes() == user_files["pdf"].read_bytes()
    assert list(out.iterdir()) == [target]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert ("document.export", f"document:{viewer.info.id}") in audit_actions(make_ctx)


def test_declining_the_warning_saves_nothing(pane, user_files, monkeypatch, make_ctx):
    """Cancel at the warning: no file dialog, no file, no export in the audit log."""
    pane.attach_path(user_files["txt"])
    viewer = open_row(pane, user_files["txt"].name)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Cancel)

    def no_dialog(*args, **kwargs):
        raise AssertionError("the file dialog must not open")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", no_dialog)
    viewer.save_button.click()
    assert not [a for a in audit_actions(make_ctx) if a[0] == "document.export"]


def test_a_file_over_the_limit_is_refused(pane, tmp_path):
    """A file over 50 MB is refused by the core with a message; nothing is attached."""
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.truncate(MAX_DOCUMENT_BYTES + 10)
    pane.attach_path(big)
    assert error_dialogs() and "50 MB" in error_dialogs()[0].text()
    assert pane.model.rowCount() == 0 and pane.attach_button.isEnabled()
    close_error_dialogs()


def test_viewer_clear_drops_the_document_and_closes(pane, user_files, qtbot):
    """clear() empties the viewer's widgets and closes it; the pane forgets it."""
    pane.attach_path(user_files["txt"])
    viewer = open_row(pane, user_files["txt"].name)
    viewer.clear()
    assert not viewer.isVisible() and viewer.text.toPlainText() == "" and viewer.name.text() == ""
    assert viewer._content == b""


def test_case_view_clear_closes_open_viewers(make_ctx, template, qtbot, user_files, monkeypatch, english):
    """Clearing the case file (the app locking) closes every document viewer and leaves no text."""
    view = CaseFileView(make_ctx("attorney"))
    qtbot.addWidget(view)
    view.show()
    view.load(template.cases["Núñez"])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(user_files["txt"]), ""))
    view.documents.attach_button.click()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(user_files["png"]), ""))
    view.documents.attach_button.click()
    viewers = [open_row(view.documents, user_files[k].name) for k in ("txt", "png")]
    assert all(v.isVisible() for v in viewers)
    view.clear()
    assert not any(v.isVisible() for v in viewers)
    assert view.documents.viewers == [] and view.documents.model.rowCount() == 0
    assert not [t for v in viewers for t in widget_texts(v) if "TEXT-CANARY" in t or "notas" in t]


@pytest.mark.qt_log_level_fail("WARNING")
def test_documents_model_passes_the_model_tester(make_ctx, template, qtbot, qtmodeltester, user_files,
                                                 monkeypatch, english):
    """The documents model follows Qt's model rules."""
    widget = DocumentsPane(make_ctx("attorney"))
    qtbot.addWidget(widget)
    widget.set_case(template.cases["García"], [])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(user_files["pdf"]), ""))
    widget.attach()
    qtmodeltester.check(widget.model)
