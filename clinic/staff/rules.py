"""What a staff name and a passphrase must be, checked before any key is derived."""

from __future__ import annotations

from clinic.errors import ValidationError
from clinic.i18n import _

MIN_PASSPHRASE = 10


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError("passphrase", _("A passphrase needs at least {n} characters; a few unrelated "
                                              "words are easiest to remember.").format(n=MIN_PASSPHRASE))


def check_staff_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 80 or any(ord(c) < 32 for c in name):
        raise ValidationError("name", _("A staff name needs 1 to 80 ordinary characters."))
    return name
