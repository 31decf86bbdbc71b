"""The letter preview: shown from memory, printed through the print dialog, saved only where chosen, audited.

Every test runs with TMPDIR (and tempfile.tempdir) pointed at an empty folder that must stay empty, and
checks the vault's home holds nothing but the vault's own files.
"""

from __future__ import annotations

import io
import os
import statistics
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from clinic.letters.compose import default_filename
from tests.fixtures.referrals import CANARIES, audit_actions, make_referral

VAULT_FILES = {"clinic.db", "clinic.db-wal", "clinic.db-shm", "clinic.keys", "clinic.keys.bak"}




def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _row_ink(pdf: bytes, page: int = 0) -> list[int]:
    """Ink per pixel row of a page on white: a layout signature that survives re-rasterising."""
    size = QSize(306, 396)
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    rendered = document.render(page, size)
    document.close()
    image = QImage(size, QImage.Format.Format_Grayscale8)  # rendered pages are transparent: put them on white
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return [sum(255 - x for x in bytes(image.constScanLine(y))[: size.width()]) for y in range(size.height())]


def test_preview_loads_from_memory_and_navigates(preview):
    """The QPdfDocument is loaded from the bytes (status Ready, >= 1 page); page controls follow it."""
    _ctx, referral, widget = preview
    assert widget.document.status() == QPdfDocument.Status.Ready
    assert widget.document.pageCount() >= 1
    assert widget.page_label.text().startswith("Page 1 of")
    assert referral.ref in widget.windowTitle() and "Zenobia" not in widget.windowTitle()
    widget.fit_page.setChecked(True)
    assert widget.view.zoomMode() == widget.view.ZoomMode.FitInView


def test_print_paints_the_letter_and_audits_it(preview, tmp_path, monkeypatch, ref_home, ref_template):
    """Print… through the real ask_printer (exec replaced) writes the pages to the chosen PDF printer."""
    ctx, referral, widget = preview
    out = tmp_path / "printer"
    out.mkdir()
    printed = out / "printed.pdf"

    def accept(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        dialog.printer().setPageSize(QPageSize(QPageSize.PageSizeId.Letter))  # as a US clinic's printer
        dialog.printer().setFullPage(True)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    assert widget.print_letter()
    assert [p.name for p in out.iterdir()] == ["printed.pdf"]
    letter = ctx.v.referrals.letter_pdf(referral.id)
    assert len(PdfReader(printed).pages) == widget.document.pageCount()
    # What was painted is the stored letter: disclosed canaries in, every other group's out.
    text = _text(letter).replace("\n", " ")
    canary = CANARIES[0]
    assert canary["identity"] in text and canary["household"] in text
    for group in ("contact", "needs", "case_summary", "sealed"):
        assert canary[group] not in text, group
    # And the printed page is a picture of that letter (its lines where the letter's are), not another.
    other = make_referral(ctx, ref_template.clients[0][0], ref_template.legal_id,
                          {"identity", "contact", "household"})
    printed_rows = _row_ink(printed.read_bytes())
    near = statistics.correlation(printed_rows, _row_ink(letter))
    far = statistics.correlation(printed_rows, _row_ink(ctx.v.referrals.make_letter(other.id)))
    assert near > 0.9 and far < near - 0.1, (near, far)
    ctx.vault.lock()
    assert audit_actions(ref_home, ref_template).count("letter.print") == 1


def test_print_cancelled_prints_and_records_nothing(preview, monkeypatch, ref_home, ref_template):
    """Cancelling the print dialog leaves no print and no audit row."""
    ctx, _referral, widget = preview
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QPrintDialog.DialogCode.Rejected)
    assert not widget.print_letter()
    ctx.vault.lock()
    assert "letter.print" not in audit_actions(ref_home, ref_template)


def test_save_warns_then_writes_exactly_the_chosen_file(preview, tmp_path, monkeypatch, ref_home,
                                                         ref_template):
    """Save as PDF: a warning with Cancel as default, the reference-only file name, the file exactly there."""
    ctx, referral, widget = preview
    seen = {}

    def warn(box):
        seen["text"] = box.text()
        seen["cancel_default"] = box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton.Save

    chosen = tmp_path / "chosen" / "carta para el banco.pdf"
    chosen.parent.mkdir()

    def ask(parent, caption, start, filters, **_options):
        seen["start"] = start
        return str(chosen), filters

    monkeypatch.setattr(QMessageBox, "exec", warn)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    assert widget.save_as_pdf()
    assert "NOT be encrypted" in seen["text"] and seen["cancel_default"]
    assert Path(seen["start"]).name == default_filename(referral.ref)
    assert "Zenobia" not in seen["start"] and "Quiroga" not in seen["start"]
    assert os.listdir(chosen.parent) == [chosen.name]
    assert chosen.read_bytes() == ctx.v.referrals.letter_pdf(referral.id)
    assert oct(chosen.stat().st_mode & 0o777) == "0o600"
    ctx.vault.lock()
    assert audit_actions(ref_home, ref_template).count("letter.save") == 1


def test_save_cancelled_at_the_warning_writes_nothing(preview, tmp_path, monkeypatch, ref_home,
                                                       ref_template):
    """Cancel (the default) at the warning: no file dialog, no file, no audit row."""
    ctx, _referral, widget = preview
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: asked.append(a) or ("", "")))
    assert not widget.save_as_pdf()
    assert asked == []
    ctx.vault.lock()
    assert "letter.save" not in audit_actions(ref_home, ref_template)


def test_clear_drops_the_document_and_bytes(preview):
    """clear() (on lock) empties the viewer and forgets the PDF bytes, and closes the window."""
    ctx, _referral, widget = preview
    ctx.signals.locked.emit()
    assert widget._pdf == b"" and widget.page_count() == 0
    assert widget.document.pageCount() == 0 and not widget.isVisible()
    assert not widget.print_button.isEnabled() and not widget.save_button.isEnabled()
