"""Turning what a person types into a safe FTS5 query: every word is quoted data, never syntax."""

from __future__ import annotations

import re

MAX_TOKENS = 12
MAX_TOKEN_LEN = 64
_WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    words = [w[:MAX_TOKEN_LEN] for w in _WORD.findall(text.replace("_", " "))]
    return words[:MAX_TOKENS]


def fts_query(text: str, *, columns: tuple[str, ...] = (), prefix: bool = True) -> str | None:
    """An FTS5 MATCH expression where each word must match (as a prefix); None when nothing to find.

    Words are wrapped in double quotes, so `"`, `AND(`, `NEAR`, `*` or `-` typed by a person are only
    text. Digits typed together also match a phone's digits indexed without separators.
    """
    words = tokens(text)
    if not words:
        return None
    star = "*" if prefix else ""
    expr = " AND ".join(f'"{w}"{star}' for w in words)
    digits = typed_digits(text) if not columns else None
    if digits and len(words) > 1:
        expr = f'({expr}) OR "{digits}"{star}'
    if columns:
        return "{" + " ".join(columns) + "} : (" + expr + ")"
    return expr


def any_word_query(words: list[str], *, columns: tuple[str, ...] = ()) -> str | None:
    """Match any of the words (for finding possible duplicates), each as a prefix."""
    words = [w[:MAX_TOKEN_LEN] for w in words if w][:MAX_TOKENS]
    if not words:
        return None
    expr = " OR ".join(f'"{w}"*' for w in words)
    return "{" + " ".join(columns) + "} : (" + expr + ")" if columns else expr


def phone_digits(number: str) -> list[str]:
    """Extra search terms for a phone: all its digits, the last ten (a US number without +1) and the last
    seven (the local number), so digits typed together match whatever formatting was stored."""
    digits = "".join(ch for ch in number if ch.isdigit())
    out = [digits] if digits else []
    for tail in (10, 7):
        if len(digits) > tail and digits[-tail:] not in out:
            out.append(digits[-tail:])
    return out


_PHONE_LIKE = re.compile(r"[\d\s()+.\-]+")


def typed_digits(text: str) -> str | None:
    """The digits of a search that looks like (part of) a phone number, "555 0101" or "(323) 555-01";
    None otherwise, or when fewer than three digits were typed."""
    stripped = text.strip()
    if not _PHONE_LIKE.fullmatch(stripped):
        return None
    digits = "".join(ch for ch in stripped if ch.isdigit())
    return digits[:MAX_TOKEN_LEN] if len(digits) >= 3 else None


REF_CHARS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32, as clinic.storage.repos.common.new_ref
_REF_BODY = re.compile(f"[{REF_CHARS}]{{4,8}}")


def ref_prefix(text: str) -> str | None:
    """The start of a client reference typed as "C-KMVM-TQSB", "kmvm-tq" or "CKMVMTQSB", as stored
    ("C-KMVM-TQ"); None when the text cannot be one. At least the first group of four is needed, so the
    range looked up in the reference index stays narrow."""
    body = text.strip().upper()
    if body.startswith("C-"):
        body = body[2:]
    elif body.startswith("C") and len(body.replace("-", "")) == 9:
        body = body[1:]
    body = body.replace("-", "")
    if not _REF_BODY.fullmatch(body):
        return None
    return f"C-{body[:4]}-{body[4:]}" if len(body) > 4 else f"C-{body}"
