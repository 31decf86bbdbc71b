"""The recovery key's text form: enough entropy, and a checksum that catches typing mistakes."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.errors import RecoveryKeyInvalid
from clinic.keys import recovery

ALPHABET = recovery.ALPHABET
# Characters that read as the same symbol (Crockford): not a mistake when typed.
SAME = {"0": "0O", "1": "1IL"}


def key_with_data(data: str) -> str:
    """A recovery key with these 32 data characters, except that a group whose check value would not be a
    symbol gets its last character changed (generate() would have drawn another key)."""
    groups = [data[i:i + 4] for i in range(0, 32, 4)]
    for i, group in enumerate(groups):
        for last in ALPHABET:
            if recovery._check_value(group, i) < 32:
                break
            group = group[:3] + last
        groups[i] = group
    b32 = "".join(groups).translate(str.maketrans(ALPHABET, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
    return recovery.format_key(base64.b32decode(b32))


raw_keys = st.binary(min_size=recovery.RAW_BYTES, max_size=recovery.RAW_BYTES).filter(recovery.representable)


def test_a_new_key_has_at_least_128_random_bits_in_checked_groups():
    """generate(): >= 128 bits, shown as dash-separated Crockford groups, and parse() gives the secret back."""
    text, secret = recovery.generate()
    assert len(bytes(secret)) * 8 >= 128
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){7}", text), text
    assert bytes(recovery.parse(text)) == bytes(secret)
    assert recovery.generate()[0] != text


def test_secret_repr_is_redacted():
    """The decoded secret never shows in a repr or str (logs, tracebacks)."""
    text, secret = recovery.generate()
    assert "redacted" in repr(secret) and text not in repr(secret) and text not in str(secret)


def test_a_character_outside_the_alphabet_is_refused():
    """U, punctuation or accented letters are named as impossible characters."""
    text, _ = recovery.generate()
    for bad in ("U", "!", "É"):
        with pytest.raises(RecoveryKeyInvalid):
            recovery.parse(bad + text[1:])


def test_a_missing_or_extra_character_is_refused():
    """A key one character short or long is refused by its length."""
    text, _ = recovery.generate()
    with pytest.raises(RecoveryKeyInvalid):
        recovery.parse(text[:-1])
    with pytest.raises(RecoveryKeyInvalid):
        recovery.parse(text + "7")


@given(raw=raw_keys, data=st.data())
def test_every_single_character_substitution_is_caught(raw, data):
    """Replacing any one character of a key by any other symbol is refused by the checksum."""
    text = recovery.format_key(raw)
    positions = [i for i, ch in enumerate(text) if ch != "-"]
    i = data.draw(st.sampled_from(positions), label="position")
    replacement = data.draw(st.sampled_from([c for c in ALPHABET if c not in SAME.get(text[i], text[i])]),
                            label="replacement")
    mistyped = text[:i] + replacement + text[i + 1:]
    with pytest.raises(RecoveryKeyInvalid):
        recovery.parse(mistyped)


@given(raw=raw_keys, data=st.data())
def test_swapping_two_groups_is_caught(raw, data):
    """Two groups typed in each other's place are refused (each group's check is salted by its position)."""
    groups = recovery.format_key(raw).split("-")
    i, j = data.draw(st.lists(st.integers(0, len(groups) - 1), min_size=2, max_size=2, unique=True))
    if groups[i] == groups[j]:
        return
    groups[i], groups[j] = groups[j], groups[i]
    with pytest.raises(RecoveryKeyInvalid):
        recovery.parse("-".join(groups))


@given(raw=raw_keys, data=st.data())
def test_swapping_adjacent_characters_is_caught(raw, data):
    """Two neighbouring characters typed the wrong way round are refused, 0 and Z included."""
    text = recovery.format_key(raw)
    candidates = [i for i in range(len(text) - 1) if "-" not in text[i:i + 2] and text[i] != text[i + 1]]
    i = data.draw(st.sampled_from(candidates), label="position")
    with pytest.raises(RecoveryKeyInvalid):
        recovery.parse(text[:i] + text[i + 1] + text[i] + text[i + 2:])


def test_swapping_an_adjacent_0_and_z_is_caught():
    """Even the pair 0 and Z, typed the wrong way round, is refused by the checksum."""
    text = key_with_data("0Z" + "ABCDEFGHJKMNPQRSTVWXYZ0123456789"[:30])
    swapped = "Z0" + text[2:]
    with pytest.raises(RecoveryKeyInvalid):
        recovery.parse(swapped)


def test_lenient_reading_accepts_what_a_person_might_type():
    """Lower case, spaces, no dashes, O for 0 and I/L for 1 decode to the same secret."""
    text = key_with_data("0111" + "ABCD" * 7)
    secret = bytes(recovery.parse(text))
    assert bytes(recovery.parse(text.lower())) == secret
    assert bytes(recovery.parse(text.replace("-", " "))) == secret
    assert bytes(recovery.parse(text.replace("-", ""))) == secret
    assert bytes(recovery.parse("OIL1" + text[4:])) == secret
