"""The conflict matcher over a table of real-looking name pairs: recall and false positives, both ways."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic.conflicts import matcher
from tests.fixtures.conflict_pairs import DIFFERENT, SAME


def _name(text: str) -> tuple[matcher.Name, str]:
    if text.startswith("org:"):
        return matcher.org_name(text[4:]), text[4:]
    return matcher.person_name(text), text


def _matches(a: str, b: str) -> bool:
    (na, ta), (nb, tb) = _name(a), _name(b)
    return matcher.compare(na, nb, a_text=ta, b_text=tb) is not None


def test_the_table_is_big_enough():
    """At least 60 same-person pairs and 60 different-people pairs, with no pair in both lists."""
    assert len(SAME) >= 60 and len(DIFFERENT) >= 60
    assert not {(a, b) for a, b, _k in SAME} & set(DIFFERENT)


def test_recall_and_false_positive_rate(capsys):
    """Every same-person pair matches in both directions; no different-people pair does. Prints the rates."""
    found = sum(_matches(a, b) + _matches(b, a) for a, b, _k in SAME)
    flagged = sum(_matches(a, b) + _matches(b, a) for a, b in DIFFERENT)
    recall, fpr = found / (2 * len(SAME)), flagged / (2 * len(DIFFERENT))
    with capsys.disabled():
        print(f"\nconflict matcher: recall {recall:.1%} over {2 * len(SAME)} directed pairs, "
              f"false-positive rate {fpr:.1%} over {2 * len(DIFFERENT)}")
    assert recall == 1.0, [(a, b) for a, b, _k in SAME if not (_matches(a, b) and _matches(b, a))]
    assert fpr == 0.0, [(a, b) for a, b in DIFFERENT if _matches(a, b) or _matches(b, a)]


@pytest.mark.parametrize(("a", "b", "kind"), SAME)
def test_same_person_matches_both_ways(a, b, kind):
    """Each variation (accents, order, particles, spelling, typos, suffixes) is found in both directions."""
    assert _matches(a, b) and _matches(b, a), kind


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_people_sharing_only_a_surname_do_not_match(a, b):
    """Two people sharing a common surname and nothing else are not flagged, either way round."""
    assert not _matches(a, b) and not _matches(b, a)


def test_english_codes_misfire_where_the_spanish_key_does_not():
    """Soundex puts Juan with Jane and Hernández apart from Ernández; the Spanish key does the opposite."""
    def soundex(word: str) -> str:
        codes = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
                 "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}
        w = matcher.fold(word)
        out, last = w[0].upper(), codes.get(w[0], "")
        for c in w[1:]:
            code = codes.get(c, "")
            if code and code != last:
                out += code
            if c not in "hw":
                last = code
        return (out + "000")[:4]

    assert soundex("Juan") == soundex("Jane") and soundex("Hernández") != soundex("Ernández")
    key = lambda w: matcher.phonetic(matcher.fold(w))  # noqa: E731
    assert key("Juan") != key("Jane") and key("Hernández") == key("Ernández")
    assert key("Hernández") != key("Fernández")


def test_date_of_birth_raises_or_lowers_the_score_and_says_why():
    """Same date of birth scores higher and says so; a different one lowers the score."""
    a, b = matcher.person_name("Rosa García Núñez"), matcher.person_name("Rosa Garcia")
    same = matcher.compare(a, b, dob_a=dt.date(1979, 5, 2), dob_b=dt.date(1979, 5, 2))
    none = matcher.compare(a, b)
    diff = matcher.compare(a, b, dob_a=dt.date(1979, 5, 2), dob_b=dt.date(1990, 1, 1))
    assert same.score > none.score and "same_dob" in same.reasons and "partial_name" in same.reasons
    assert diff is None or (diff.score < none.score and "different_dob" in diff.reasons)


def test_index_keys_find_every_same_pair():
    """Cheap retrieval: each same-person pair shares at least one stored key (so the check sees it)."""
    missing = []
    for a, b, _k in SAME:
        (na, _), (nb, _) = _name(a), _name(b)
        if not matcher.index_keys(na) & matcher.query_keys(nb) or not matcher.index_keys(nb) & matcher.query_keys(na):
            missing.append((a, b))
    assert not missing


@pytest.mark.parametrize("text", ["Hernández López, María José", "RiosCampos Ñúñez", "  de la  Cruz\u00a0Peña ",
                                  "Zoë O'Brien-Smith", "n\u0303andu\u0301 x", "Ana,", "", "Müller ß Łukasz"])
def test_words_token_by_token_are_the_words_of_the_whole_text(text):
    """The check's memo folds a name token by token; that must give exactly the words of the whole text."""
    memo: dict[str, list[str]] = {}
    assert matcher.words(text, memo) == matcher.words(text)
    assert matcher.words(text, memo) == matcher.words(text)  # from the memo this time
    assert matcher.person_name(text, {}, memo) == matcher.person_name(text)
