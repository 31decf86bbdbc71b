"""gettext for core and UI: one catalogue, an explicit translator per language, N_() for constants."""

from __future__ import annotations

import gettext as _gettext
import threading
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "es")
DOMAIN = "clinic"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"

_state = threading.local()
_default_language = ["en"]


@cache
def translator_for(lang: str) -> _gettext.NullTranslations:
    """The translations for one language; English (the source strings) when there is no catalogue."""
    if lang not in LANGUAGES or lang == "en":
        return _gettext.NullTranslations()
    try:
        return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])
    except OSError:
        return _gettext.NullTranslations()


def set_language(lang: str) -> None:
    """Choose the language people read (the UI's and the core's messages)."""
    _default_language[0] = lang if lang in LANGUAGES else "en"


def current_language() -> str:
    return getattr(_state, "lang", None) or _default_language[0]


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
