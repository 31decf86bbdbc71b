"""gettext for core and UI: one catalogue, an explicit translator per language, N_() for constants."""

from __future__ import annotations

import gettext as _gettext
import struct
import threading
from functools import cache

from clinic.resources import path as _resource_path

LANGUAGES = ("en", "es")
DOMAIN = "clinic"
LOCALE_DIR = _resource_path("translations")
# Our plural rule for Spanish, set here and nowhere else: one form for 1, the other for every other n.
# CLDR (and so Babel >= 2.19) adds a third form for exact millions ("1000000 de casos"); our catalogue
# keeps two, so a library release can never leave a plural form empty. tools/i18n.py writes this rule
# into the catalogue and tests/test_plurals.py renders every plural message with it.
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);"}


class CatalogueUnavailable(RuntimeError):
    """The catalogue for a language the person chose cannot be read. Said in both languages, since
    the Spanish one is the thing missing; never silently replaced by English."""

    def __init__(self, lang: str, detail: str):
        super().__init__(
            f"The {lang!r} translation catalogue of this installation is missing or damaged ({detail}); "
            "reinstall Clinic Intake. / Falta el catálogo de traducción o está dañado; vuelva a "
            "instalar Clinic Intake."
        )
        self.lang = lang
        self.message = str(self)

_state = threading.local()
_default_language = ["en"]


@cache
def translator_for(lang: str) -> _gettext.NullTranslations:
    """The translations for one language: English is the source strings themselves; any other
    language raises CatalogueUnavailable when its catalogue cannot be read."""
    if lang not in LANGUAGES or lang == "en":
        return _gettext.NullTranslations()
    try:
        return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])
    except (OSError, ValueError, UnicodeError, struct.error) as exc:  # missing, truncated or not a .mo
        raise CatalogueUnavailable(lang, type(exc).__name__) from None


def set_language(lang: str) -> None:
    """Choose the language people read (the UI's and the core's messages). Raises CatalogueUnavailable,
    leaving the current language as it was, when that language's catalogue cannot be read."""
    lang = lang if lang in LANGUAGES else "en"
    translator_for(lang)
    _default_language[0] = lang


def current_language() -> str:
    return getattr(_state, "lang", None) or _default_language[0]


# Numbers and money as read in the US in either language: "$2,300" in Spanish too (es_US), never "US$2.300".
NUMBER_LOCALES = {"es": "es_US", "en": "en_US"}


def format_money(amount: int | None, lang: str | None = None) -> str:
    """Whole dollars in `lang` (default: the current language), the one money format of app and letters."""
    if amount is None:
        return ""
    # babel loads when money is first shown, not at start-up
    from babel.numbers import format_currency

    return format_currency(amount, "USD", format="¤#,##0", currency_digits=False,
                           locale=NUMBER_LOCALES.get(lang or current_language(), "en_US"))


def format_percent(percent, lang: str | None = None) -> str:
    """A percentage (137.5 means 137.5 %) as the language writes it, with the decimals it has: "137.5%" in
    English, "137,5 %" in Spanish (Babel's es locale; money keeps the US style, see NUMBER_LOCALES)."""
    if percent is None:
        return ""
    from decimal import Decimal

    from babel.numbers import format_percent as babel_percent

    code = lang or current_language()
    return babel_percent(Decimal(str(percent)) / 100, locale=code if code in LANGUAGES else "en",
                         decimal_quantization=False)


def format_amount(amount, lang: str | None = None) -> str:
    """Dollars and cents (an income or asset line) in the one money style: "$1,250.50", "$1,250"."""
    if amount is None:
        return ""
    from decimal import Decimal

    from babel.numbers import format_currency

    value = Decimal(str(amount))
    pattern = "¤#,##0" if value == value.to_integral_value() else "¤#,##0.00"
    return format_currency(value, "USD", format=pattern, currency_digits=False,
                           locale=NUMBER_LOCALES.get(lang or current_language(), "en_US"))


def _(message: str) -> str:
    return translator_for(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translator_for(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it with _() when it is shown."""
    return message


class using_language:
    """Context manager: translate in another language on this thread (a letter in the client's language)."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGUAGES else "en"

    def __enter__(self):
        self._prev = getattr(_state, "lang", None)
        _state.lang = self.lang
        return translator_for(self.lang)

    def __exit__(self, *exc):
        _state.lang = self._prev
        return False
