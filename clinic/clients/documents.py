"""Documents attached to a case: stored encrypted inside the vault, never as loose files."""

from __future__ import annotations

import mimetypes

from clinic import models as m
from clinic.access import Can
from clinic.clients.cases import Cases
from clinic.clients.fields import check_text
from clinic.errors import NotFound, ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.documents import DocumentRepo

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class Documents:
    """Files attached to a case, stored inside the encrypted database; opened only on request."""

    def __init__(self, session: Session, *, cases: Cases):
        self._v = session
        self._cases = cases

    def attach(self, case_id: int, filename: str, content: bytes, mime_type: str = "") -> m.DocumentInfo:
        self._v.require(Can.ATTACH_DOCUMENTS)
        self._cases.get(case_id)
        filename = check_text("filename", filename.replace("/", "_").replace("\\", "_"),
                                            m.MAX_NAME, required=True)
        if len(content) > MAX_DOCUMENT_BYTES:
            raise ValidationError("document", _("Documents can be at most {mb} MB.")
                                  .format(mb=MAX_DOCUMENT_BYTES // (1024 * 1024)))
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        repo = DocumentRepo(self._v.conn)
        with transaction(self._v.conn):
            doc_id = repo.add(case_id, filename=filename, mime_type=mime_type, content=content,
                              by=self._v.user.id)
            self._v.audit("document.attach", f"document:{doc_id}", case=case_id, size=len(content))
        return repo.info(doc_id)

    def for_case(self, case_id: int) -> list[m.DocumentInfo]:
        """The documents attached to one case (names and sizes; contents only through open)."""
        self._v.require(Can.VIEW_CLIENTS)
        return DocumentRepo(self._v.conn).for_case(case_id)

    def open(self, doc_id: int) -> tuple[m.DocumentInfo, bytes]:
        self._v.require(Can.VIEW_CLIENTS)
        repo = DocumentRepo(self._v.conn)
        info = repo.info(doc_id)
        if info is None:
            raise NotFound(_("No document with that number."))
        with transaction(self._v.conn):
            self._v.audit("document.open", f"document:{doc_id}")
        return info, repo.content(doc_id)

    def record_export(self, doc_id: int) -> None:
        """Audit that a person saved a document out of the vault (the UI warns them first)."""
        self._v.require(Can.VIEW_CLIENTS)
        with transaction(self._v.conn):
            self._v.audit("document.export", f"document:{doc_id}")

