"""Does this name (and date of birth) belong to the same person or organisation as that one? Pure code.

Names are compared as sets of word slots, not as strings: word order and commas do not matter, one or both
family names may be given, particles (de, la, del, y) are dropped but "de la Cruz" also matches "Delacruz",
hyphens split. Each word is reduced to a Spanish phonetic key (b/v, s/z/c, y/ll, silent h, j/g before e/i,
qu/k ...), nicknames map to their name (Pepe = José), and a one-letter typo is allowed in longer words
(never a final a/o, which tells María from Mario). The shorter name's words must all be found in the other,
and at least two of them for a person, so two people who share only "García" do not match.
English codes (Soundex, Metaphone) were not used: Soundex gives Juan = Jane and keys Hernández apart from
Ernández; measured in tests/core/test_conflict_matcher.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "van", "von", "der",
                       "di", "mc", "st"})
ORG_SUFFIXES = frozenset({"inc", "incorporated", "llc", "l", "lc", "ltd", "limited", "corp", "corporation", "co",
                          "company", "cia", "sa", "s", "a", "cv", "c", "v", "de", "rl", "srl", "sl", "sas", "lp",
                          "llp", "pllc", "pc", "plc", "the", "el", "la", "los", "las", "y", "and", "group",
                          "grupo", "dba"})
NICKNAMES = {
    "pepe": "jose", "chepe": "jose", "lupe": "guadalupe", "chuy": "jesus", "chucho": "jesus",
    "paco": "francisco", "pancho": "francisco", "kiko": "francisco", "memo": "guillermo", "lalo": "eduardo",
    "nacho": "ignacio", "beto": "alberto", "tono": "antonio", "concha": "concepcion", "conchita": "concepcion",
    "chela": "graciela", "quique": "enrique", "kike": "enrique", "chayo": "rosario", "charo": "rosario",
    "lola": "dolores", "meche": "mercedes", "rafa": "rafael", "fito": "adolfo", "pili": "pilar",
    "manolo": "manuel", "chema": "josemaria", "toni": "antonio", "tony": "antonio", "mike": "miguel",
    "bill": "william", "bob": "robert", "peggy": "margaret", "jim": "james", "tere": "teresa",
    "licha": "alicia", "rosy": "rosa", "goyo": "gregorio", "nando": "fernando", "juanjo": "juanjose",
}
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-záéíóúñü])(?=[A-ZÁÉÍÓÚÑÜ])")


def fold(text: str) -> str:
    """Lower case, accents off (ñ stays distinct as ny), punctuation to spaces."""
    text = text.casefold().replace("ñ", "ny")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


def words(text: str, folded: dict[str, list[str]] | None = None) -> list[str]:
    """"Hernández López, María José" -> given names first: maria jose hernandez lopez.

    `folded`: the caller's memo of each whitespace-separated token's words (folding works a character at
    a time and no word spans whitespace, so token by token gives the same list)."""
    if "," in text:
        family, _sep, given = text.partition(",")
        text = f"{given} {family}"
    text = _CAMEL.sub(" ", text)  # "RiosCampos": both family names typed into one field without a space
    if folded is None:
        return _WORD.findall(fold(text))
    out: list[str] = []
    for token in text.split():
        found = folded.get(token)
        if found is None:
            found = folded[token] = _WORD.findall(fold(token))
        out += found
    return out


_RULES = [
    (re.compile(r"ph"), "f"), (re.compile(r"th"), "t"), (re.compile(r"ch"), "X"), (re.compile(r"sh"), "X"),
    (re.compile(r"ll"), "y"), (re.compile(r"qu(?=[ei])"), "k"), (re.compile(r"qu"), "ku"),
    (re.compile(r"gu(?=[ei])"), "G"), (re.compile(r"g(?=[ei])"), "j"), (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"ck"), "k"), (re.compile(r"[cq]"), "k"), (re.compile(r"z"), "s"), (re.compile(r"v"), "b"),
    (re.compile(r"w"), "u"), (re.compile(r"h"), ""), (re.compile(r"x"), "ks"), (re.compile(r"y$"), "i"),
    (re.compile(r"y(?=[^aeiou])"), "i"), (re.compile(r"^i(?=[aeou])"), "y"), (re.compile(r"n(?=[bp])"), "m"),
    (re.compile(r"j"), "J"), (re.compile(r"ks(?=[aeiou])"), "J"),
]


def phonetic(word: str) -> str:
    """A Spanish spelling-variant key for one folded word: Velásquez, Belázquez and Velazques share one."""
    key = word
    if key.startswith("x") and len(key) > 1:  # Xochitl, Ximena: the x is said j or s; keep one spelling
        key = "J" + key[1:]
    for pattern, repl in _RULES:
        key = pattern.sub(repl, key)
    key = key.replace("G", "g")
    key = re.sub(r"(.)\1+", r"\1", key)  # rr -> r, nn -> n, and doubles left by the rules
    return key or word


@dataclass(frozen=True, slots=True)
class Name:
    """A name reduced to slots: each slot is the set of keys any one word may stand for."""

    slots: tuple[frozenset[str], ...]
    is_org: bool = False


def person_name(text: str, keys_of: dict[str, str] | None = None,
                folded: dict[str, list[str]] | None = None) -> Name:
    """`keys_of`, `folded`: the caller's memos of phonetic keys by word and of words by token (one check
    compares thousands of candidates sharing a few hundred words; the caller drops them afterwards, so no
    name outlives the check)."""
    if keys_of is not None:
        def phonetic(word: str) -> str:
            key = keys_of.get(word)
            if key is None:
                key = keys_of[word] = _phonetic(word)
            return key
    else:
        phonetic = _phonetic
    ws = words(text, folded)
    slots: list[frozenset[str]] = []
    pending: list[str] = []  # particles waiting for the word they belong to
    for w in ws:
        if w in PARTICLES:
            pending.append(w)
            continue
        keys = {phonetic(w)}
        if w in NICKNAMES:
            keys.add(phonetic(NICKNAMES[w]))
        if pending:
            keys.add(phonetic("".join(pending) + w))  # de la Cruz also as Delacruz
            pending = []
        slots.append(frozenset(keys))
    return Name(tuple(slots))


_phonetic = phonetic


def org_name(text: str) -> Name:
    ws = [w for w in words(text.replace(".", "")) if w not in ORG_SUFFIXES] or words(text)
    return Name(tuple(frozenset({phonetic(w)}) for w in ws), is_org=True)


def _typo(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 5:
        return False
    if a[:-1] == b[:-1] and {a[-1], b[-1]} == {"a", "o"}:
        return False
    return OSA.distance(a, b) <= (2 if min(len(a), len(b)) >= 9 else 1)


def _slot_match(x: frozenset[str], y: frozenset[str]) -> str | None:
    if x & y:
        return "exact"
    if any(_typo(a, b) for a in x for b in y):
        return "typo"
    return None


def _near(x: frozenset[str], y: frozenset[str], memo: dict | None) -> bool:
    """Slots sharing no key: is one a typo of the other? (memoised by the caller when given)."""
    if memo is None:
        return _slot_match(x, y) is not None
    found = memo.get((x, y))
    if found is None:
        found = memo[(x, y)] = _slot_match(x, y) is not None
    return found


@dataclass(frozen=True, slots=True)
class Comparison:
    score: int  # 0-100
    reasons: tuple[str, ...]  # codes: same_name, name_order, spelling_variant, typo, partial_name, same_dob,
    #                            different_dob, alias, organisation


MATCH_AT = 60


def compare(a: Name, b: Name, *, a_text: str = "", b_text: str = "", dob_a: dt.date | None = None,
            dob_b: dt.date | None = None) -> Comparison | None:
    """The comparison of two names when they may be the same party, else None."""
    named = compare_names(a, b, a_text=a_text, b_text=b_text)
    return with_dates(named, dob_a, dob_b) if named is not None else None


def compare_names(a: Name, b: Name, *, a_text: str = "", b_text: str = "",
                  folded: dict[str, list[str]] | None = None,
                  near: dict[tuple[frozenset[str], frozenset[str]], bool] | None = None
                  ) -> tuple[int, tuple[str, ...]] | None:
    """The names' part of `compare`: (score before dates, reasons), or None when they cannot be the same
    party whatever the dates. Depends on the names only, so one check reuses it for every record carrying
    the same name (common names are where a check has most candidates). `near`: the caller's memo of which
    pairs of slots are a typo apart (a check's thousands of candidates share a few hundred words)."""
    if a.is_org != b.is_org or not a.slots or not b.slots:
        return None
    short, long = (a.slots, b.slots) if len(a.slots) <= len(b.slots) else (b.slots, a.slots)
    if not a.is_org and len(short) < 2:
        return None
    used: set[int] = set()
    kinds = []
    for s in short:  # greedy: exact matches first, then typos
        hit = next((i for i, t in enumerate(long) if i not in used and s & t), None)
        kind = "exact"
        if hit is None:
            hit = next((i for i, t in enumerate(long) if i not in used and _near(s, t, near)), None)
            kind = "typo"
        if hit is None:
            return None
        used.add(hit)
        kinds.append(kind)
    reasons: list[str] = []
    score = 70 + round(30 * len(short) / len(long))
    if a.is_org:
        reasons.append("organisation")
    if len(short) < len(long):
        reasons.append("partial_name")
    typos = kinds.count("typo")
    score -= 8 * typos
    if typos:
        reasons.append("typo")
    fa, fb = words(a_text, folded), words(b_text, folded)
    if fa and fb:
        if fa == fb:
            reasons.append("same_name")
        elif sorted(fa) == sorted(fb):
            reasons.append("name_order")
        elif not typos and len(short) == len(long):
            reasons.append("spelling_variant")
    return score, tuple(reasons)


def with_dates(named: tuple[int, tuple[str, ...]], dob_a: dt.date | None, dob_b: dt.date | None
               ) -> Comparison | None:
    """`compare_names`' result with the dates of birth weighed in: a Comparison, or None below MATCH_AT."""
    score, reasons = named
    if dob_a and dob_b:
        if dob_a == dob_b:
            score += 20
            reasons += ("same_dob",)
        else:
            score -= 40
            reasons += ("different_dob",)
    score = max(0, min(100, score))
    return Comparison(score, reasons) if score >= MATCH_AT else None


def index_keys(name: Name) -> set[str]:
    """Keys stored for retrieval: for people, each word's key paired with another word's first 3 letters;
    for organisations, each word's key. A check needs at least one exact word and one near word."""
    if name.is_org:
        return {f"o|{k}" for s in name.slots for k in s}
    out = set()
    for i, s in enumerate(name.slots):
        for j, t in enumerate(name.slots):
            if i != j:
                out.update(f"p|{k}|{u[:3]}" for k in s for u in t)
    return out


def query_keys(name: Name) -> set[str]:
    """Keys to look up for a name being checked (the same shape as index_keys)."""
    return index_keys(name)
