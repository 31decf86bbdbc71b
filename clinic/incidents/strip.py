"""Pure helpers for incident media: the capture time from EXIF, and a copy with its metadata stripped.

A copy for sharing is re-encoded from the pixels alone, so no EXIF (GPS position, camera and phone make,
serial numbers), XMP, ICC profile or comment survives. Only JPEG and PNG can be stripped this way; any
other format (video above all) is refused with a sentence rather than copied with its metadata.
Pillow is imported only when a medium is handled.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from clinic.errors import UserError
from clinic.i18n import _

STRIPPABLE = {"JPEG": "image/jpeg", "PNG": "image/png"}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME = 36867, 306
_TYPED = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")


def _open(content: bytes):
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(content))
        img.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return img


def exif_capture_time(content: bytes) -> str:
    """"YYYY-MM-DD HH:MM:SS" from the picture's EXIF (DateTimeOriginal, else DateTime); "" when none."""
    img = _open(content)
    if img is None:
        return ""
    exif = img.getexif()
    raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(raw, str):
        return ""
    try:
        return dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return ""


def check_typed_time(value: str) -> str:
    """A capture time as typed: "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or with seconds; "" allowed."""
    value = value.strip()
    if not value:
        return ""
    ok = bool(_TYPED.match(value))
    if ok:
        try:
            dt.datetime.fromisoformat(value if " " in value else value + " 00:00")
        except ValueError:
            ok = False
    if not ok:
        from clinic.errors import ValidationError

        raise ValidationError("captured_at", _("Give the capture time as YYYY-MM-DD HH:MM."))
    return value


def strip_metadata(content: bytes) -> tuple[bytes, str, tuple[str, ...]]:
    """(the re-encoded picture, its MIME type, what was found and removed). Raises UserError for a format
    that cannot be stripped."""
    from PIL import ImageOps

    img = _open(content)
    if img is None or img.format not in STRIPPABLE:
        raise UserError(_("A copy for sharing can be made only of JPEG and PNG pictures: this file's location "
                          "and device metadata cannot be removed, so no copy was made."))
    fmt = img.format
    exif = img.getexif()
    found = []
    if len(exif):
        found.append("EXIF")
    if exif.get_ifd(_GPS_IFD) or _GPS_IFD in exif:
        found.append("GPS")
    if any(k in img.info for k in ("xmp", "XML:com.adobe.xmp")) or b"http://ns.adobe.com/xap" in content:
        found.append("XMP")
    if "icc_profile" in img.info:
        found.append("ICC")
    if any(k in img.info for k in ("comment", "Comment", "Description", "Author", "Software")):
        found.append(_("comments"))
    upright = ImageOps.exif_transpose(img)  # keep the picture the right way up once Orientation is gone
    if upright.mode == "P":
        upright = upright.convert("RGBA")
    elif fmt == "JPEG" and upright.mode not in ("L", "RGB", "CMYK"):
        upright = upright.convert("RGB")
    from PIL import Image

    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # pixels only: no info, no exif
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=92)
    else:
        clean.save(out, "PNG")
    return out.getvalue(), STRIPPABLE[fmt], tuple(found)
