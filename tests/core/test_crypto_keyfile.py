"""clinic.keys: the Argon2id floor, and every edit of the file is detected or gives no access."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from clinic.crypto import primitives
from clinic.crypto.primitives import KdfParams, SecretBytes
from clinic.errors import PermissionDenied, UserError, VaultDamaged, WrongPassphrase
from clinic.keys import device
from clinic.keys.keyfile import KeyFile
from clinic.vault import Vault

FLOOR = (65536, 3, 4)  # RFC 9106 second option: 64 MiB, t=3, p=4


# ----- editing the file the way an attacker would ----------------------------------------------------

def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _body(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("checksum", "mac")}


def rewrite(path: Path, edit, *, integrity_key: bytes | None = None) -> None:
    """Apply edit(doc) and recompute the checksum (and, given the integrity key, the MAC too)."""
    doc = json.loads(path.read_bytes())
    edit(doc)
    body = _canonical(_body(doc))
    doc["checksum"] = hashlib.sha256(body).hexdigest()
    if integrity_key is not None:
        doc["mac"] = hmac.new(integrity_key, body, hashlib.sha256).hexdigest()
    path.write_text(json.dumps(doc, indent=1, sort_keys=True))


def account(doc: dict, name: str) -> dict:
    return next(a for a in doc["accounts"] if a["name"] == name)


def flip_b64(value: str, index: int = 5) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index % len(raw)] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def integrity_key_of(home, data_key, raw_db) -> bytes:
    """Key file version 2: the MAC key is derived from the data key (anyone holding it can recompute it)."""
    with raw_db(home.db, data_key) as conn:
        vault_id = conn.execute("SELECT value FROM settings WHERE key = 'vault_id'").fetchone()[0]
    return primitives.keyfile_mac_key(bytes(data_key), vault_id)


# ----- the floor --------------------------------------------------------------------------------------

def test_default_kdf_parameters_are_at_least_the_rfc_9106_floor():
    """KdfParams() and the enforced floor are at least 64 MiB, t=3, p=4; anything lower is refused."""
    for params in (KdfParams(), primitives.KDF_FLOOR):
        assert (params.memory_kib, params.time_cost, params.parallelism) >= FLOOR
        assert params.memory_kib >= FLOOR[0] and params.time_cost >= FLOOR[1] and params.parallelism >= FLOOR[2]
    for lower in (KdfParams(memory_kib=65535), KdfParams(time_cost=2), KdfParams(parallelism=1)):
        with pytest.raises(ValueError):
            lower.check_floor()
        with pytest.raises(ValueError):
            primitives.argon2id(b"passphrase", b"0" * 16, lower)


def test_enrolled_accounts_carry_at_least_the_floor(home):
    """Every staff account in a fresh key file is argon2id with m >= 64 MiB, t >= 3, p >= 4."""
    doc = json.loads(home.keys.read_bytes())
    assert len(doc["accounts"]) == 4
    for entry in doc["accounts"]:
        kdf = entry["kdf"]
        assert kdf["alg"] == "argon2id"
        assert kdf["m"] >= FLOOR[0] and kdf["t"] >= FLOOR[1] and kdf["p"] >= FLOOR[2]
        assert len(base64.b64decode(entry["salt"])) >= 16


def test_unlock_really_runs_argon2id_at_the_enrolled_cost(template, home, monkeypatch):
    """The derivation itself calls Argon2id with at least the floor (the cost is not skipped or lowered)."""
    calls = []
    real = primitives.hash_secret_raw

    def recording(secret, salt, **kw):
        calls.append(kw)
        return real(secret, salt, **kw)

    monkeypatch.setattr(primitives, "hash_secret_raw", recording)
    Vault.derive(home, template.name("volunteer"), template.passphrase("volunteer"))
    assert len(calls) == 1
    kw = calls[0]
    assert (kw["memory_cost"], kw["time_cost"], kw["parallelism"]) >= FLOOR
    assert kw["memory_cost"] >= FLOOR[0] and kw["time_cost"] >= FLOOR[1] and kw["parallelism"] >= FLOOR[2]


def test_the_key_file_holds_no_plaintext_key_material(template, home):
    """Only public keys, salts, parameters and ciphertext: no data key, device secret or private key."""
    text = home.keys.read_text()
    secrets_ = [bytes(template.keys["admin"].data_keys[0]), bytes(template.keys["admin"].private_key),
                bytes(template.keys["attorney"].privileged_private), bytes(device.load(template.vault_id))]
    for secret in secrets_:
        for form in (secret.hex(), base64.b64encode(secret).decode(), base64.b32encode(secret).decode()):
            assert form not in text


# ----- edits without fixing the checksum -------------------------------------------------------------

FIELDS = ["name", "salt", "public_key", "grants", "kdf", "private_key", "privileged_grant", "privileged_fpr"]


def _raw_edit(path: Path, name: str, field: str) -> None:
    """Change one byte inside the admin's `field`, straight in the file's text."""
    text = path.read_text()
    doc = json.loads(text)
    entry = account(doc, name)
    value = entry[field]
    if field == "kdf":
        old, new = f'"m": {value["m"]}', f'"m": {value["m"] + 1}'
    else:
        old = json.dumps(value[0] if field == "grants" else value)
        middle = len(old) // 2
        swap = "B" if old[middle] != "B" else "C"
        new = old[:middle] + swap + old[middle + 1:]
    assert old in text, field
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("field", FIELDS)
def test_a_changed_byte_is_caught_by_the_checksum(template, home, states, field):
    """One byte changed inside any field of an account: a clear VaultDamaged, and the file is left as is."""
    _raw_edit(home.keys, template.name("admin"), field)
    before = states(home.path)
    with pytest.raises(VaultDamaged) as err:
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))
    assert "key file" in str(err.value)
    assert states(home.path) == before


def test_a_garbled_key_file_is_refused_and_not_rewritten(template, home, states):
    """A truncated clinic.keys (no .bak beside it) is refused with a sentence and left untouched."""
    home.keys.write_bytes(home.keys.read_bytes()[:500])
    before = states(home.path)
    with pytest.raises(VaultDamaged):
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))
    with pytest.raises(VaultDamaged):
        Vault.staff_names(home)
    assert states(home.path) == before


# ----- edits with the checksum recomputed ------------------------------------------------------------

def _edit_field(name: str, field: str):
    def edit(doc):
        entry = account(doc, name)
        if field == "name":
            entry["name"] = name + " II"
        elif field == "grants":
            entry["grants"] = [flip_b64(g, 40) for g in entry["grants"]]
        elif field == "kdf":
            entry["kdf"]["t"] += 1  # raising the cost is allowed, but the metadata is authenticated
        elif field == "privileged_fpr":
            entry["privileged_fpr"] = "0" * 32
        else:
            entry[field] = flip_b64(entry[field])
    return edit


@pytest.mark.parametrize("field", FIELDS)
def test_a_consistent_edit_of_an_account_gives_no_access(template, home, field):
    """Even with the checksum recomputed, an edited account fails to unlock (WrongPassphrase or VaultDamaged)."""
    rewrite(home.keys, _edit_field(template.name("admin"), field))
    with pytest.raises((WrongPassphrase, VaultDamaged)):
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))


def test_a_changed_vault_id_gives_no_access(template, home):
    """Pointing the key file at another vault id (checksum recomputed) unlocks nothing."""
    rewrite(home.keys, lambda doc: doc.update(vault_id="f" * 32))
    with pytest.raises((WrongPassphrase, VaultDamaged)):
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))


def test_editing_another_account_is_detected_by_the_mac(template, home, open_vault):
    """A consistent edit of someone else's entry: unlock refuses (MAC) and an open vault's verify reports it."""
    vault = open_vault("admin")
    rewrite(home.keys, lambda doc: account(doc, template.name("volunteer")).update(
        public_key=base64.b64encode(primitives.new_keypair()[1]).decode()))
    report = vault.verify()
    assert not report.ok
    assert any("key file" in p for p in report.problems)
    with pytest.raises(VaultDamaged):
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))


def _forge(home, *, name: str, passphrase: str, data_key: SecretBytes | None, account_id: str | None = None,
           replace: str | None = None, integrity_key: bytes | None = None) -> None:
    """Add (or substitute) an account with its own keypair, using the laptop's device secret."""
    def build(doc):
        kf = KeyFile(home.keys, doc)
        if replace:
            kf.remove(replace)
        entry, _pub = kf.enrol(name=name, passphrase=passphrase, device_secret=device.load(kf.vault_id),
                               privileged_fpr=doc["recovery"]["privileged_fpr"], account_id=account_id)
        kf.grant_data_key(entry, data_key or SecretBytes(primitives.random_bytes(32)))

    rewrite(home.keys, build, integrity_key=integrity_key)


def test_a_forged_account_from_outside_gets_no_access(template, home, open_vault):
    """An outsider's own account entry (checksum recomputed, no data key to grant) opens nothing."""
    vault = open_vault("admin")
    _forge(home, name="Mallory", passphrase="mallory passphrase", data_key=None)
    with pytest.raises((WrongPassphrase, VaultDamaged, PermissionDenied)):
        Vault.unlock(home, "Mallory", "mallory passphrase")
    assert not vault.verify().ok
    with pytest.raises(VaultDamaged):
        Vault.open(home, template.keys["admin"])


def test_an_insiders_forged_account_gets_no_role(template, home, raw_db):
    """A volunteer who grants the real data key to a new entry and fixes the MAC is not a staff member
    (since key-file version 3 the entry is not in the administrators' signed roster either)."""
    data_key = template.keys["volunteer"].data_keys[0]
    _forge(home, name="Falsa Abogada", passphrase="forged passphrase", data_key=data_key,
           integrity_key=integrity_key_of(home, data_key, raw_db))
    with pytest.raises((PermissionDenied, VaultDamaged)):
        Vault.unlock(home, "Falsa Abogada", "forged passphrase")


def test_an_insider_cannot_take_over_an_attorneys_entry(template, home, raw_db):
    """Replacing the attorney's entry with one's own keys (same account id, MAC fixed) is refused."""
    data_key = template.keys["volunteer"].data_keys[0]
    attorney_id = template.keys["attorney"].account_id
    _forge(home, name=template.name("attorney"), passphrase="forged passphrase", data_key=data_key,
           account_id=attorney_id, replace=attorney_id, integrity_key=integrity_key_of(home, data_key, raw_db))
    with pytest.raises(VaultDamaged):
        Vault.unlock(home, template.name("attorney"), "forged passphrase")


# ----- lowered or malformed KDF parameters -----------------------------------------------------------

def _lower_kdf(name):
    return lambda doc: account(doc, name)["kdf"].update(m=8, t=1, p=1)


def test_lowered_kdf_parameters_never_run(template, home, monkeypatch):
    """KDF parameters lowered in the file (checksum recomputed) are refused: Argon2id never runs below the floor."""
    rewrite(home.keys, _lower_kdf(template.name("admin")))
    calls = []
    real = primitives.hash_secret_raw
    monkeypatch.setattr(primitives, "hash_secret_raw",
                        lambda secret, salt, **kw: calls.append(kw) or real(secret, salt, **kw))
    with pytest.raises(UserError):
        Vault.derive(home, template.name("admin"), template.passphrase("admin"))
    assert all(kw["memory_cost"] >= FLOOR[0] and kw["time_cost"] >= FLOOR[1] for kw in calls)


def test_lowered_kdf_parameters_are_refused_with_a_sentence(template, home):
    """KDF parameters below the floor in the file: a clear VaultDamaged, not an unexpected error."""
    rewrite(home.keys, _lower_kdf(template.name("admin")))
    with pytest.raises(UserError):
        Vault.derive(home, template.name("admin"), template.passphrase("admin"))


@pytest.mark.parametrize("edit", [
    lambda a: a.update(salt="not base64!"),
    lambda a: a["kdf"].update(m="many"),
    lambda a: a["kdf"].pop("t"),
], ids=["salt", "kdf-type", "kdf-missing"])
def test_malformed_account_fields_are_refused_with_a_sentence(template, home, edit):
    """A consistent key file with a malformed salt or KDF field: a clear UserError, never a crash."""
    rewrite(home.keys, lambda doc: edit(account(doc, template.name("admin"))))
    with pytest.raises(UserError):
        Vault.derive(home, template.name("admin"), template.passphrase("admin"))
