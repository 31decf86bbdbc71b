"""An offline passphrase strength hint, and the passphrase + confirmation fields every form shares."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

from clinic.i18n import N_, _
from ui.kit.forms import labelled

MIN_LENGTH = 10  # the core enforces it (clinic.vault.MIN_PASSPHRASE); the hint only says so early
WEAK, FAIR, STRONG = "weak", "fair", "strong"
LEVEL_LABELS = {WEAK: N_("Weak"), FAIR: N_("Fair"), STRONG: N_("Strong")}

# The passwords people pick first, in both languages (accents removed, lower case).
COMMON_PASSWORDS = frozenset("""
123456 1234567 12345678 123456789 1234567890 0123456789 111111 000000 121212 123123 654321 987654321
password password1 password123 passw0rd contrasena contrasena1 clave clave123 secreto qwerty qwerty123
qwertyuiop asdfghjkl zxcvbnm abc123 abcdef abcdefgh abcdefghij iloveyou teamo tequiero teamomucho
letmein welcome bienvenido bienvenida admin administrador administrator monkey dragon football futbol
baseball princess princesa sunshine master superman batman trustno1 mariposa corazon amorcito
mexico guatemala honduras elsalvador colombia america estrellita hola1234 holahola chocolate
""".split())

# Everyday words in English and Spanish that guessers try first, as whole words or pieces.
COMMON_WORDS = frozenset("""
love amor amore casa house home hogar family familia dios god jesus maria jose juan luis carlos
clinic clinica legal ayuda help aid password clave secreto secret hola hello welcome bienvenido
baby bebe nino nina hijo hija mama papa madre padre sol sun luna moon cielo sky mar sea agua water
perro dog gato cat flor flower vida life feliz happy summer verano winter invierno spring primavera
money dinero trabajo work school escuela libre free paz peace tierra earth fuego fire
admin user usuario test prueba qwerty asdf abc abcd enero febrero marzo abril mayo junio julio
agosto septiembre octubre noviembre diciembre january february march april june july august
september october november december monday lunes friday viernes sunday domingo
""".split())

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz", "0123456789")
WORD_BITS = 11.0  # a word from a list of ~2,000 everyday words
WEAK_BELOW, STRONG_FROM = 40.0, 60.0


@dataclass(frozen=True)
class Strength:
    level: str  # WEAK, FAIR or STRONG
    bits: float
    message: str  # a translated sentence for the person


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _pool(text: str) -> int:
    pool = 0
    if any(c.islower() for c in text):
        pool += 26
    if any(c.isupper() for c in text):
        pool += 26
    if any(c.isdigit() for c in text):
        pool += 10
    if any(not c.isalnum() and not c.isspace() for c in text):
        pool += 33
    if any(c.isspace() for c in text):
        pool += 1
    if any(ord(c) > 127 for c in text):
        pool += 20
    return max(pool, 10)


def _predictable(a: str, b: str) -> bool:
    """The same character again, or the next one on a keyboard row or in the alphabet."""
    return a == b or any((a + b) in row or (b + a) in row for row in _ROWS)


def estimate_bits(passphrase: str) -> float:
    """A rough guessing cost in bits: everyday words count as one choice from a short list each."""
    plain = _plain(passphrase).translate(_LEET)
    per_char = math.log2(_pool(passphrase))
    bits, i, previous = 0.0, 0, ""
    while i < len(plain):
        word = next((plain[i:j] for j in range(len(plain), i + 2, -1) if plain[i:j] in COMMON_WORDS), "")
        if word:
            bits += WORD_BITS
            i += len(word)
            previous = ""
            continue
        ch = plain[i]
        bits += 1.0 if previous and _predictable(previous, ch) else per_char
        previous = ch
        i += 1
    return bits


def estimate(passphrase: str) -> Strength:
    """Weak, fair or strong, with a sentence saying why or how to improve. Works offline, instantly."""
    plain = _plain(passphrase)
    bits = estimate_bits(passphrase)
    squeezed = "".join(c for c in plain if c.isalnum())
    if len(passphrase) < MIN_LENGTH:
        return Strength(WEAK, bits, _("Too short: use at least {n} characters. A few unrelated words are "
                                      "easiest to remember.").format(n=MIN_LENGTH))
    if plain in COMMON_PASSWORDS or squeezed in COMMON_PASSWORDS or squeezed.rstrip("0123456789!.") in \
            COMMON_PASSWORDS:
        return Strength(WEAK, min(bits, 10.0), _("This is one of the most common passwords: it would be "
                                                 "guessed first. Choose a few unrelated words instead."))
    if bits < WEAK_BELOW:
        return Strength(WEAK, bits, _("Easy to guess. Add more unrelated words."))
    if bits < STRONG_FROM:
        return Strength(FAIR, bits, _("Add another unrelated word to make it strong."))
    return Strength(STRONG, bits, _("Hard to guess. Make sure you can remember it."))


class PassphraseFields:
    """Two password fields (passphrase and confirmation) and a live strength hint, added to a form."""

    def __init__(self, form: QFormLayout):
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setObjectName("confirmPassphrase")
        self.hint = QLabel()
        self.hint.setObjectName("strengthHint")
        self.hint.setWordWrap(True)
        self.passphrase_label = labelled(form, "", self.passphrase)
        form.addRow("", self.hint)
        self.confirm_label = labelled(form, "", self.confirm)
        self.passphrase.textChanged.connect(self._update_hint)
        self.errors = None  # the surrounding form's FieldErrors, when it marks a mismatch here
        for edit in (self.passphrase, self.confirm):
            edit.textChanged.connect(self._clear_stale_mismatch)
        self.retranslate()

    def _clear_stale_mismatch(self, *_args) -> None:
        """Once the two match, a "not the same" mark on the confirmation is wrong: remove it."""
        if self.errors is not None and self.matches() and \
                self.errors.message(self.confirm) == self.mismatch_message():
            self.errors.clear(self.confirm)

    def text(self) -> str:
        return self.passphrase.text()

    def matches(self) -> bool:
        return self.passphrase.text() == self.confirm.text()

    def mismatch_message(self) -> str:
        return _("The two passphrases are not the same. Type them again.")

    def clear(self) -> None:
        self.passphrase.clear()
        self.confirm.clear()

    def set_enabled(self, on: bool) -> None:
        self.passphrase.setEnabled(on)
        self.confirm.setEnabled(on)

    def retranslate(self) -> None:
        self.passphrase_label.setText(_("&Passphrase:"))
        self.confirm_label.setText(_("&Type it again:"))
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.confirm.setAccessibleName(_("Passphrase again"))
        self._update_hint()

    def _update_hint(self) -> None:
        text = self.passphrase.text()
        if not text:
            self.hint.setText(_("At least {n} characters. Three or four unrelated words are strong and easy "
                                "to remember.").format(n=MIN_LENGTH))
            self.hint.setProperty("level", "")
            return
        found = estimate(text)
        self.hint.setProperty("level", found.level)
        self.hint.setText(_("{level}. {advice}").format(level=_(LEVEL_LABELS[found.level]),
                                                        advice=found.message))
