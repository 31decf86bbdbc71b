"""Reading a partner directory CSV file: bounded, so a huge file is refused without being loaded."""

from __future__ import annotations

from clinic.files import read_small_text
from clinic.i18n import _

MAX_CSV_BYTES = 1024 * 1024


def read_csv_text(path) -> str:
    """A partner CSV file as text (UTF-8, with or without BOM), reading at most MAX_CSV_BYTES + 1 bytes,
    so a huge file is refused without being loaded. Slow on a network drive: not on a GUI thread."""
    return read_small_text(path, MAX_CSV_BYTES, field="file",
                           too_large=_("The file is too large for a partner directory."))
