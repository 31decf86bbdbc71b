"""Reading a partner directory CSV file: bounded, so a huge file is refused without being loaded."""

from __future__ import annotations

from clinic.errors import UserError, ValidationError
from clinic.i18n import _

MAX_CSV_BYTES = 1024 * 1024


def read_csv_text(path) -> str:
    """A partner CSV file as text (UTF-8, with or without BOM), reading at most MAX_CSV_BYTES + 1 bytes,
    so a huge file is refused without being loaded. Slow on a network drive: not on a GUI thread."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_CSV_BYTES + 1)
    except OSError as exc:
        raise UserError(_("The file could not be read: {reason}").format(
            reason=exc.strerror or type(exc).__name__)) from None
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError("file", _("The file is too large for a partner directory."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(_("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and "
                          "try again.")) from None
