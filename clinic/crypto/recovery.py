"""The recovery key: 160 random bits as Crockford base32, eight groups of four plus a check character."""

from __future__ import annotations

import base64

from clinic.crypto.primitives import SecretBytes, random_bytes
from clinic.errors import RecoveryKeyInvalid
from clinic.i18n import _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
_DECODE = {c: i for i, c in enumerate(ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})
RAW_BYTES = 20
GROUPS = 8
DATA_PER_GROUP = 4


def _check_char(chars: str, group_index: int) -> str:
    """Luhn mod 32 over the group's characters, salted by its position so swapped groups are caught."""
    factor, total = 2, group_index
    for ch in reversed(chars):
        addend = factor * _DECODE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def generate() -> tuple[str, SecretBytes]:
    """A new recovery key as (text to show once, the secret it encodes)."""
    raw = random_bytes(RAW_BYTES)
    return format_key(raw), SecretBytes(raw)


def format_key(raw: bytes) -> str:
    data = base64.b32encode(raw).decode().translate(str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET))
    groups = [data[i:i + DATA_PER_GROUP] for i in range(0, len(data), DATA_PER_GROUP)]
    return "-".join(g + _check_char(g, i) for i, g in enumerate(groups))


def parse(text: str) -> SecretBytes:
    """Check and decode what a person typed; a mistyped or swapped character is named before any KDF."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n\r")
    if any(ch not in _DECODE for ch in cleaned):
        raise RecoveryKeyInvalid(_("The recovery key has a character that cannot be in it. "
                                   "Use only letters and digits as printed on the recovery kit."))
    cleaned = "".join(ALPHABET[_DECODE[ch]] for ch in cleaned)
    size = DATA_PER_GROUP + 1
    if len(cleaned) != GROUPS * size:
        raise RecoveryKeyInvalid(_("The recovery key should have {groups} groups of {size} characters.")
                                 .format(groups=GROUPS, size=size))
    data = []
    for i in range(GROUPS):
        group = cleaned[i * size:(i + 1) * size]
        if _check_char(group[:-1], i) != group[-1]:
            raise RecoveryKeyInvalid(_("Group {number} of the recovery key is mistyped. Check it against "
                                       "the recovery kit.").format(number=i + 1))
        data.append(group[:-1])
    b32 = "".join(data).translate(str.maketrans(ALPHABET, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
    return SecretBytes(base64.b32decode(b32))
