"""What every repository shares: new references and the sort key for names."""

from __future__ import annotations

import secrets

REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ref(prefix: str) -> str:
    """A random, non-sequential reference like C-7K3M-9QXD (it reveals neither names nor counts)."""
    chars = "".join(secrets.choice(REF_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def sort_key(family_1: str, family_2: str, given: str) -> str:
    import unicodedata

    text = f"{family_1} {family_2} {given}".casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))

