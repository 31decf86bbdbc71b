"""The sealed tier: volunteers write attorney-only values but can never read them, not even with the data key."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clinic import models as m
from clinic.crypto import primitives as p
from clinic.errors import PermissionDenied, VaultDamaged
from clinic.storage import audit


def _draft(**kw) -> m.IntakeDraft:
    return m.IntakeDraft(given_names="Lucía", family_name_1="Ramírez", consent_to_store=True, **kw)


def test_volunteer_and_coordinator_hold_no_privileged_key(template):
    """Only attorneys and admins are granted the privileged private key."""
    assert template.keys["volunteer"].privileged_private is None
    assert template.keys["coordinator"].privileged_private is None
    assert template.keys["attorney"].privileged_private is not None
    assert template.keys["admin"].privileged_private is not None


def test_volunteer_reveal_is_denied(template, open_vault):
    """sealed.reveal raises PermissionDenied for a volunteer, even for a client they just recorded."""
    vault = open_vault("volunteer")
    receipt = vault.intakes.record(_draft(sealed={m.SealedField.A_NUMBER: "A111222333"}))
    for client_id in (receipt.client_id, template.sample_id):
        with pytest.raises(PermissionDenied):
            vault.sealed.reveal(client_id)


def test_coordinator_reveal_is_denied(template, open_vault):
    """A coordinator sees the file but sealed.reveal raises PermissionDenied."""
    vault = open_vault("coordinator")
    file = vault.clients.get(template.sample_ref)
    assert set(file.sealed_fields) == set(template.sample_sealed)
    with pytest.raises(PermissionDenied):
        vault.sealed.reveal(template.sample_id)


def test_a_client_file_never_carries_sealed_values(template, open_vault):
    """clients.get lists which sealed fields exist, never their values, whatever the role."""
    vault = open_vault("attorney")
    file = vault.clients.get(template.sample_ref)
    assert set(file.sealed_fields) == set(template.sample_sealed)
    dumped = repr(file)
    for value in template.sample_sealed.values():
        assert value not in dumped


def test_attorney_reveals_and_every_reveal_is_audited(template, open_vault):
    """An attorney gets the values back; each reveal adds one `sealed.reveal` audit row naming the client id."""
    vault = open_vault("attorney")
    before = audit.count(vault.conn, "sealed.reveal")
    assert vault.sealed.reveal(template.sample_id) == template.sample_sealed
    assert vault.sealed.reveal(template.sample_id) == template.sample_sealed
    assert audit.count(vault.conn, "sealed.reveal") == before + 2
    rows = vault.conn.execute("SELECT target, detail FROM audit WHERE action = 'sealed.reveal' "
                              "ORDER BY id DESC LIMIT 1").fetchone()
    assert rows[0] == f"client:{template.sample_id}"
    for value in template.sample_sealed.values():
        assert value not in rows[1]


def test_volunteer_writes_sealed_values_an_attorney_can_read(template, home, open_vault):
    """Sealed values typed by a volunteer at intake are readable by an attorney, exactly."""
    values = {f: f"valor sellado {f.value} — ñ ✓" for f in m.SealedField}
    receipt = open_vault("volunteer").intakes.record(_draft(sealed=values))
    assert open_vault("attorney").sealed.reveal(receipt.client_id) == values


def test_the_data_key_opens_no_sealed_value(template, home, open_vault, raw_db):
    """With sqlcipher3, the volunteer's data key and every key their account holds, no sealed value decrypts."""
    open_vault("volunteer").intakes.record(_draft(sealed={f: f"secreto {f.value}" for f in m.SealedField}))
    keys = template.keys["volunteer"]
    assert keys.privileged_private is None
    candidates = [bytes(keys.private_key), *(bytes(k) for k in keys.data_keys)]
    with raw_db(home.db, keys.data_keys[0]) as conn:
        vault_id = conn.execute("SELECT value FROM settings WHERE key = 'vault_id'").fetchone()[0]
        rows = conn.execute("SELECT client_id, field, ciphertext FROM sealed_values").fetchall()
    assert len(rows) >= len(m.SealedField) + len(template.sample_sealed)
    for client_id, field, blob in rows:
        blob = bytes(blob)
        ad = f"{vault_id}|{client_id}|{field}".encode()
        for key in candidates:
            for attempt_ad in (ad, b""):
                with pytest.raises(p.DecryptionFailed):
                    p.unseal(key, blob, attempt_ad)
            with pytest.raises(Exception):  # noqa: B017 - AES-GCM with the raw key must not work either
                AESGCM(key).decrypt(blob[32:44], blob[44:], ad)
        # control: the same rows do open with the attorney's privileged key
        assert p.unseal(bytes(template.keys["attorney"].privileged_private), blob, ad)


def test_volunteer_cli_never_prints_sealed_values(run_cli, home, tmp_path):
    """`client show` (text and --json) as the volunteer who recorded the intake shows no sealed value."""
    sealed = {"immigration_status": "estatus-secreto-Ω", "a_number": "A987000111"}
    source = tmp_path / "intake.json"
    source.write_text(json.dumps({"given_names": "Tomás", "family_names": "Quispe Mamani",
                                  "sealed": sealed}, ensure_ascii=False), encoding="utf-8")
    added = run_cli("intake", "add", str(source), home=home, role="volunteer")
    assert added.returncode == 0, added.stderr
    ref = added.stdout.strip()
    text = run_cli("client", "show", ref, home=home, role="volunteer")
    as_json = run_cli("client", "show", ref, "--json", home=home, role="volunteer")
    assert text.returncode == 0 and as_json.returncode == 0, text.stderr + as_json.stderr
    assert "Tomás" in text.stdout and "cannot read" in text.stdout
    parsed = json.loads(as_json.stdout)
    assert "sealed" not in parsed
    assert sorted(parsed["sealed_fields"]) == sorted(sealed)
    for run in (text, as_json):
        for value in sealed.values():
            assert value not in run.stdout + run.stderr
    attorney = run_cli("client", "show", ref, "--json", home=home, role="attorney")
    assert json.loads(attorney.stdout)["sealed"] == sealed


def _swap_privileged_key(home, data_key, raw_db, *, fingerprint: bool, relabel: bool = False) -> None:
    """Replace the clinic's privileged public key in settings, as someone holding the data key could."""
    _priv, public = p.new_keypair()
    fpr = p.fingerprint(public)
    with raw_db(home.db, data_key) as conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = 'privileged_public_key'",
                     (base64.b64encode(public).decode(),))
        if fingerprint:
            conn.execute("UPDATE settings SET value = ? WHERE key = 'privileged_fpr'", (fpr,))
        if relabel:
            conn.execute("UPDATE sealed_values SET key_fpr = ?", (fpr,))


@pytest.mark.parametrize("fingerprint", [True, False], ids=["key-and-fingerprint", "key-only"])
@pytest.mark.parametrize("role", ["volunteer", "attorney"])
def test_sealing_refuses_a_swapped_privileged_key(template, home, open_vault, raw_db, fingerprint, role):
    """With the settings' privileged key swapped, sealing raises VaultDamaged and saves nothing."""
    _swap_privileged_key(home, template.keys["volunteer"].data_keys[0], raw_db, fingerprint=fingerprint)
    vault = open_vault(role)
    count = vault.conn.execute("SELECT count(*) FROM intakes").fetchone()[0]
    with pytest.raises(VaultDamaged):
        vault.intakes.record(_draft(sealed={m.SealedField.A_NUMBER: "A123123123"}))
    if role == "attorney":
        with pytest.raises(VaultDamaged):
            vault.sealed.set(template.sample_id, m.SealedField.CRIMINAL_HISTORY, "ninguno")
    assert vault.conn.execute("SELECT count(*) FROM intakes").fetchone()[0] == count


def test_verify_reports_a_swapped_key_and_fingerprint(template, home, open_vault, raw_db):
    """verify() reports a problem when the settings' privileged key and fingerprint were replaced."""
    _swap_privileged_key(home, template.keys["volunteer"].data_keys[0], raw_db, fingerprint=True)
    report = open_vault("admin").verify()
    assert not report.ok


@pytest.mark.parametrize("swap", [dict(fingerprint=False), dict(fingerprint=True, relabel=True)],
                         ids=["key-only", "key-fingerprint-and-rows"])
def test_verify_reports_any_swapped_privileged_key(template, home, open_vault, raw_db, swap):
    """verify() reports a swapped privileged key however consistently the database was edited."""
    _swap_privileged_key(home, template.keys["volunteer"].data_keys[0], raw_db, **swap)
    assert not open_vault("admin").verify().ok


def test_sealed_values_are_not_searchable(template, open_vault):
    """Search never finds a client by a sealed value (sealed fields are never indexed)."""
    vault = open_vault("attorney")
    assert vault.clients.search("A200300400") == []
    assert vault.clients.search("asilo pendiente") == []
    assert vault.clients.search("García")  # control: the same client is found by name


def test_an_altered_sealed_value_is_reported_not_misread(template, home, open_vault, raw_db):
    """A sealed ciphertext moved to another client fails its authentication (VaultDamaged), never decrypts."""
    receipt = open_vault("volunteer").intakes.record(_draft(sealed={m.SealedField.A_NUMBER: "A555666777"}))
    with raw_db(home.db, template.keys["volunteer"].data_keys[0]) as conn:
        conn.execute("UPDATE sealed_values SET client_id = ? WHERE client_id = ?",
                     (template.sample_id, receipt.client_id))
    with pytest.raises(VaultDamaged):
        open_vault("attorney").sealed.reveal(template.sample_id)
