"""Build the Spanish catalogue: extract every string from clinic/ and ui/ (Babel), fill translations from
the fragments in clinic/resources/translations/es/*.po, write LC_MESSAGES/clinic.po and compile clinic.mo.

The two generated files are build outputs (ignored by git, built by `make` and before a wheel is made):
the fragments are the source. The plural rule is ours (clinic.i18n.PLURAL_FORMS), not the installed
Babel's CLDR opinion, and a plural message with any empty form counts as untranslated.

    python tools/i18n.py          build (what `make` runs)
    python tools/i18n.py --check  exit 1 listing strings without a Spanish translation
"""

from __future__ import annotations

import datetime
import io
import os
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from clinic.i18n import PLURAL_FORMS  # noqa: E402  (the one place our plural rule is set)

FRAGMENTS = ROOT / "clinic" / "resources" / "translations" / "es"
OUT = FRAGMENTS / "LC_MESSAGES"
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "tr": None}


def extract() -> Catalog:
    template = Catalog(project="clinic-intake", charset="utf-8")
    for sub in ("clinic", "ui"):
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / sub, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            template.add(message, locations=[(f"{sub}/{filename}", lineno)], auto_comments=comments,
                         context=context)
    return template


def _catalog(**kwargs) -> Catalog:
    """A Spanish catalogue carrying our plural rule, whatever the installed Babel thinks."""
    catalog = Catalog(locale="es", **kwargs)
    catalog.mime_headers = [(name, PLURAL_FORMS["es"] if name == "Plural-Forms" else value)
                            for name, value in catalog.mime_headers]
    assert catalog.num_plurals == 2, catalog.plural_forms
    return catalog


def fragments() -> dict:
    found = {}
    for path in sorted(FRAGMENTS.glob("*.po")):
        with path.open("rb") as f:
            for msg in read_po(f, locale="es"):
                if isinstance(msg.string, tuple) and len(msg.string) != 2:
                    raise SystemExit(f"{path.name}: {msg.id[0]!r} has {len(msg.string)} plural forms, not 2")
                if msg.id and msg.string and (not isinstance(msg.string, tuple) or all(msg.string)):
                    found[msg.id] = msg.string
    return found


def build() -> list[str]:
    template = extract()
    known = fragments()
    # A fixed date keeps the generated files identical from build to build.
    catalog = _catalog(project="clinic-intake", charset="utf-8", creation_date=FIXED_DATE,
                       revision_date=FIXED_DATE)
    missing = []
    for msg in template:
        if not msg.id:
            continue
        string = known.get(msg.id)
        if string is None:
            missing.append(msg.id if isinstance(msg.id, str) else msg.id[0])
        catalog.add(msg.id, string or ("" if isinstance(msg.id, str) else ("", "")),
                    locations=msg.locations)
    OUT.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, omit_header=False, sort_output=True, width=100, no_location=True)
    _replace(OUT / "clinic.po", buf.getvalue())
    buf = io.BytesIO()
    write_mo(buf, catalog)
    _replace(OUT / "clinic.mo", buf.getvalue())
    return missing


def _replace(path: Path, data: bytes) -> None:
    """Write through a side file and rename it over: a test on another pytest-xdist worker (or the app)
    reading the catalogue meanwhile sees the old file or the new one, never a half-written one."""
    side = path.with_name(f".{path.name}.{os.getpid()}")
    side.write_bytes(data)
    os.replace(side, path)


if __name__ == "__main__":
    missing = build()
    if "--check" in sys.argv and missing:
        print(f"{len(missing)} strings have no Spanish translation:", file=sys.stderr)
        for m in missing:
            print("  " + m, file=sys.stderr)
        sys.exit(1)
    print(f"i18n: catalogue built, {len(missing)} untranslated")
