"""Nothing readable on disk: canary strings typed into every field never appear in any file, log or error."""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import tempfile
from pathlib import Path

import pytest

from clinic import models as m
from clinic.errors import ValidationError
from clinic.home import Home

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


class Canaries:
    """Distinctive per-field strings: accented text around a random hex token that is scanned for too.

    The bare token catches the search index as well, which stores words case-folded without accents.
    """

    def __init__(self):
        self.by_field: dict[str, str] = {}
        self.tokens: dict[str, str] = {}

    def text(self, field: str) -> str:
        token = secrets.token_hex(8)
        self.tokens[field] = token
        self.by_field[field] = f"Ñandú{field.replace('_', '')}{token}Çé"
        return self.by_field[field]

    def phone(self, field: str) -> str:
        digits = "".join(str(secrets.randbelow(10)) for _ in range(7))
        self.tokens[field] = digits
        self.by_field[field] = f"+1 (909) {digits}"
        return self.by_field[field]

    def needles(self) -> list[tuple[str, str, bytes]]:
        out = []
        for field, value in [*self.by_field.items(), *((f + " token", t) for f, t in self.tokens.items())]:
            for enc in ENCODINGS:
                out.append((field, enc, value.encode(enc)))
        return out

    def found_in_text(self, text: str) -> list[str]:
        return [f for f, v in [*self.by_field.items(), *self.tokens.items()] if v in text]


def leaks(folders: list[Path], canaries: Canaries) -> list[str]:
    """'file: field (encoding)' for every canary found in any file under the folders."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path.name}: {field} ({enc})" for field, enc, needle in canaries.needles()
                          if needle in data]
    return found


def facade_draft(c: Canaries) -> m.IntakeDraft:
    return m.IntakeDraft(
        given_names=c.text("given_names"), family_name_1=c.text("family_name_1"),
        family_name_2=c.text("family_name_2"), preferred_name=c.text("preferred_name"),
        phones=(m.Phone(c.phone("phone"), label=c.text("phone_label")),),
        address=c.text("address"), site=c.text("site"), notes=c.text("notes"),
        needs=(m.Need.DETENTION,), consent_to_store=True,
        sealed={f: c.text(f"sealed_{f.value}") for f in m.SealedField},
    )


@pytest.fixture
def fresh_tmpdir(tmp_path, monkeypatch) -> Path:
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def test_canaries_entered_through_the_facade_never_reach_disk(open_vault, home, fresh_tmpdir, caplog):
    """Every ordinary and sealed field, a case note and a document: no canary in any file, open or locked."""
    caplog.set_level(logging.DEBUG)
    c = Canaries()
    vault = open_vault("admin")
    receipt = vault.intakes.record(facade_draft(c))
    vault.cases.add_note(receipt.case_id, c.text("case_note"))
    vault.documents.attach(receipt.case_id, c.text("document_name") + ".txt",
                           c.text("document_body").encode("utf-8"))
    # read everything back too: views, search and reveals must not spill anything either
    assert vault.clients.get(receipt.client_ref).client.given_names == c.by_field["given_names"]
    assert vault.clients.search(c.by_field["notes"])[0].id == receipt.client_id
    assert vault.sealed.reveal(receipt.client_id)[m.SealedField.A_NUMBER] == c.by_field["sealed_a_number"]
    assert {"clinic.db", "clinic.db-wal", "clinic.keys"} <= {p.name for p in home.path.iterdir()}
    assert leaks([home.path, fresh_tmpdir], c) == [], "found while unlocked (clinic.db-wal included)"
    vault.lock()
    assert leaks([home.path, fresh_tmpdir], c) == [], "found after lock"
    assert c.found_in_text(caplog.text) == []


def test_canaries_entered_through_the_cli_never_reach_disk_or_stderr(run_cli, home, tmp_path):
    """`intake add`, `client show` and `search`: no canary on disk, in TMPDIR or on stderr."""
    c = Canaries()
    family = f"{c.text('family_name_1')} {c.text('family_name_2')}"
    intake = {
        "given_names": c.text("given_names"), "family_names": family, "preferred_name": c.text("preferred"),
        "phone": c.phone("phone"), "phones": [{"number": c.phone("phone2"), "label": c.text("phone_label")}],
        "address": c.text("address"), "site": c.text("site"), "notes": c.text("notes"),
        "needs": ["immigration"], "sealed": {f.value: c.text(f"sealed_{f.value}") for f in m.SealedField},
    }
    # the JSON file itself is the clinic's input, not the app's output: keep it outside the scanned folders
    source = tmp_path / "input" / "intake.json"
    source.parent.mkdir()
    source.write_text(json.dumps(intake, ensure_ascii=False), encoding="utf-8")
    added = run_cli("intake", "add", str(source), home=home, role="volunteer")
    assert added.returncode == 0, added.stderr
    ref = added.stdout.strip()
    runs = [added,
            run_cli("client", "show", ref, home=home, role="attorney"),
            run_cli("client", "show", ref, "--json", home=home, role="attorney"),
            run_cli("search", c.by_field["notes"], home=home, role="coordinator"),
            run_cli("search", c.by_field["given_names"], "--json", home=home, role="volunteer")]
    assert [r.returncode for r in runs] == [0] * len(runs), [r.stderr for r in runs]
    assert c.by_field["sealed_a_number"] in runs[1].stdout  # the attorney really read the file back
    assert ref in runs[3].stdout and ref in runs[4].stdout
    for run in runs:
        assert c.found_in_text(run.stderr) == []
    assert leaks([home.path, tmp_path / "tmp"], c) == []


def test_the_scan_finds_a_canary_in_every_encoding(tmp_path):
    """Self-check of the scanner: a canary written in UTF-8, UTF-16-LE or UTF-16-BE is found."""
    c = Canaries()
    value = c.text("given_names")
    for enc in ENCODINGS:
        (tmp_path / enc).write_bytes(b"\x00junk" + value.encode(enc) + b"junk")
    found = leaks([tmp_path], c)
    assert {f"{enc}: given_names ({enc})" for enc in ENCODINGS} <= set(found)
    assert {f"{enc}: given_names token ({enc})" for enc in ENCODINGS} <= set(found)


def test_refused_input_never_echoes_its_value(open_vault):
    """A ValidationError names the field but never repeats what was typed."""
    c = Canaries()
    vault = open_vault("volunteer")
    base = dict(given_names="Ana", family_name_1="Ruiz", consent_to_store=True)
    for field in ("given_names", "family_name_1", "family_name_2", "preferred_name", "site", "address",
                  "notes"):
        bad = c.text(field) + "\x00"
        with pytest.raises(ValidationError) as err:
            vault.intakes.record(m.IntakeDraft(**{**base, field: bad}))
        assert err.value.field == field
        assert c.found_in_text(f"{err.value} {err.value.field} {err.value.args}") == []
    with pytest.raises(ValidationError) as err:
        vault.intakes.record(m.IntakeDraft(**base, sealed={m.SealedField.A_NUMBER: c.text("sealed") + "\x07"}))
    assert c.found_in_text(str(err.value)) == []


def test_cli_refusal_never_echoes_the_value(run_cli, home, tmp_path):
    """A refused intake file: the field is named on stderr, the canary is not."""
    c = Canaries()
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({"given_names": "Ana", "family_names": "Ruiz",
                                  "notes": c.text("notes") + "\u0000"}), encoding="utf-8")
    run = run_cli("intake", "add", str(source), home=home, role="volunteer")
    assert run.returncode == 1
    assert "notes" in run.stderr
    assert c.found_in_text(run.stderr + run.stdout) == []


def test_stdlib_sqlite_cannot_read_the_database(home: Home):
    """clinic.db is not a SQLite file to anyone without the key: stdlib sqlite3 raises DatabaseError."""
    conn = sqlite3.connect(f"file:{home.db}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
    assert not home.db.read_bytes().startswith(b"SQLite format 3\x00")


def test_key_file_holds_no_client_data_and_no_secret(template, home):
    """clinic.keys holds public keys, salts, KDF parameters and ciphertext: no recovery key, no passphrase."""
    text = home.keys.read_text()
    assert template.recovery_key not in text
    assert template.recovery_key.replace("-", "") not in text
    for role in ("admin", "attorney", "coordinator", "volunteer"):
        assert template.passphrase(role) not in text
    for value in ("Rosa", "García", "0199", "A200300400", "asilo"):
        assert value not in text
