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
    """Extra search terms for a phone: all its digits, and the last ten (a US number without +1)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    out = [digits] if digits else []
    if len(digits) > 10:
        out.append(digits[-10:])
    return out
