"""Writing a file so that a crash leaves the old one or the new one, never half of either."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | os.PathLike, data: bytes, *, before_commit: Callable[[], None] | None = None) -> None:
    """Write `data` to exactly `path`: a temp file beside it (owner-only), fsync, rename, fsync the folder.

    `before_commit` runs once the data is safely on disk and before the rename makes it appear (an export
    is audited first); if it raises, nothing is left behind.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if before_commit is not None:
            before_commit()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # some file systems (network shares, USB sticks) cannot sync a folder
    finally:
        os.close(dir_fd)


def read_small_text(path: str | os.PathLike, limit: int, *, field: str, too_large: str) -> str:
    """A small UTF-8 text file (with or without BOM) that a person picked, such as a CSV to import.

    Reads at most `limit` + 1 bytes, so a huge file is refused without being loaded; every failure is a
    sentence for that person (`too_large`, already translated, is raised against `field`).
    """
    from clinic.errors import UserError, ValidationError
    from clinic.i18n import _

    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise UserError(_("The file could not be read: {reason}").format(
            reason=exc.strerror or type(exc).__name__)) from None
    if len(data) > limit:
        raise ValidationError(field, too_large)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(_("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and "
                          "try again.")) from None
