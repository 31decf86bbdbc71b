"""The letter preview for any other client document: a preparedness packet, an affidavit, wallet cards."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ui.context import AppContext
from ui.kit.preview import LetterPreview


class DocumentPreview(LetterPreview):
    """Shown, printed and saved exactly as a letter is (from memory; saved only where chosen, with the warning).

    `title()` and `heading()` are called again when the language changes; `record_output(how)` audits a
    print or a save ("print" or "save") and raises UserError when refused; `doc_name` is what the print
    queue sees (a reference, never a name).
    """

    def __init__(self, ctx: AppContext, pdf: bytes, *, title: Callable[[], str], heading: Callable[[], str],
                 doc_name: str, filename: str, record_output: Callable[[str], None], changed_what: str,
                 parent: QWidget | None = None):
        self._title, self._heading, self._doc_name, self._filename = title, heading, doc_name, filename
        self._record, self.changed_what = record_output, changed_what
        super().__init__(ctx, None, pdf, parent)
        self.setObjectName("documentPreview")

    def window_title(self) -> str:
        return self._title()

    def heading_text(self) -> str:
        return self._heading()

    def doc_name(self) -> str:
        return self._doc_name

    def suggested_filename(self) -> str:
        return self._filename

    def keep(self) -> None:
        """Nothing to keep here: `record_output` does what the document's owner keeps."""

    def record_output(self, how: str) -> None:
        self._record(how)
