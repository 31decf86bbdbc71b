"""The recovery key: 160 random bits as Crockford base32, eight groups of four plus a check character.

Each group's check makes the weighted sum 1*c1 + 2*c2 + 3*c3 + 4*c4 + 5*check + group number a multiple of
37 (a prime above 32): any one wrong character, any two neighbours swapped, and two groups swapped change
the sum, so they are named before any key derivation. Keys whose checks would need a value above 31 are
drawn again, so the printed key uses only the 32 letters and digits (about 1.7 of the 160 bits are spent).
"""

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


_MOD = 37
_INV5 = pow(5, -1, _MOD)


def _check_value(chars: str, group_index: int) -> int:
    """The value the group's check character must have (it may be 32..36: not representable)."""
    total = sum((i + 1) * _DECODE[ch] for i, ch in enumerate(chars)) + group_index
    return (-total * _INV5) % _MOD


def _groups(raw: bytes) -> list[str]:
    data = base64.b32encode(raw).decode().translate(str.maketrans(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET))
    return [data[i:i + DATA_PER_GROUP] for i in range(0, len(data), DATA_PER_GROUP)]


def representable(raw: bytes) -> bool:
    """Whether every group's check value is one of the 32 symbols (generate() draws until it is)."""
    return all(_check_value(g, i) < 32 for i, g in enumerate(_groups(raw)))


def generate() -> tuple[str, SecretBytes]:
    """A new recovery key as (text to show once, the secret it encodes)."""
    while True:
        raw = random_bytes(RAW_BYTES)
        if representable(raw):
            return format_key(raw), SecretBytes(raw)


def format_key(raw: bytes) -> str:
    if not representable(raw):
        raise ValueError("not a representable recovery key")
    return "-".join(g + ALPHABET[_check_value(g, i)] for i, g in enumerate(_groups(raw)))


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
        if _check_value(group[:-1], i) != _DECODE[group[-1]]:
            raise RecoveryKeyInvalid(_("Group {number} of the recovery key is mistyped. Check it against "
                                       "the recovery kit.").format(number=i + 1))
        data.append(group[:-1])
    b32 = "".join(data).translate(str.maketrans(ALPHABET, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
    return SecretBytes(base64.b32decode(b32))
