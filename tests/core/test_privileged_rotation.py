"""Removing or demoting an attorney rotates the privileged key: old key material opens nothing new."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from clinic import models as m
from clinic.crypto import primitives as p
from clinic.errors import PermissionDenied
from clinic.home import Home
from clinic.keys import recovery
from clinic.keys.keyfile import KeyFile
from clinic.storage.db import connect
from clinic.vault import Vault
from tests.fixtures.core import REPO, sample_draft
from tests.fixtures.rotation import _opens_any, _sealed_blobs

LATER = "A999888777-DESPUES"


ATTEMPTS = 24


def _legal_partner(vault: Vault) -> int:
    return vault.partners.add(m.PartnerDraft(
        name="Oficina Legal", services=("legal_representation",), legal_representation=True,
        disclosure=("identity", "sealed"))).id


def _sealed_letter(vault: Vault, client_id: int, partner_id: int, pdf: bytes) -> int:
    referral = vault.referrals.create(m.ReferralDraft(
        client_id=client_id, partner_id=partner_id, need=m.Need.IMMIGRATION,
        groups=frozenset({"identity", "sealed"}), consent_date=dt.date.today(), consent_language="es",
        consent_method="in_person"))
    vault.referrals.store_letter(referral.id, pdf)
    return referral.id


def test_a_removed_attorneys_old_keys_open_nothing_sealed_after_the_removal(template, home, open_vault):
    """After `staff remove ATTORNEY`, their pre-removal privileged key opens no sealed value or letter."""
    old = template.keys["attorney"]
    assert old.privileged_private is not None
    admin = open_vault("admin")
    partner = _legal_partner(admin)
    before = _sealed_letter(admin, template.sample_id, partner, b"%PDF-carta-antes")
    assert _opens_any(old.privileged_private, template.vault_id, _sealed_blobs(home.db, admin.data_key))
    removal = admin.staff.remove(template.name("attorney"))
    assert removal.held_privileged and removal.resealed.values == len(template.sample_sealed)
    assert "attorney-only" in removal.old_copies()
    admin.sealed.set(template.sample_id, m.SealedField.A_NUMBER, LATER)
    receipt = admin.intakes.record(sample_draft())
    after = _sealed_letter(admin, template.sample_id, partner, b"%PDF-carta-despues")
    blobs = _sealed_blobs(home.db, admin.data_key)
    assert len(blobs) == 2 * len(template.sample_sealed) + 1
    assert not _opens_any(old.privileged_private, template.vault_id, blobs)
    for referral_id in (before, after):
        _id, blob, sealed = admin.referrals._repo().latest_letter(referral_id)
        assert sealed
        with pytest.raises(p.DecryptionFailed):
            p.unseal(bytes(old.privileged_private), blob, f"{template.vault_id}|letter|{referral_id}".encode())
    assert admin.referrals.letter_pdf(before) == b"%PDF-carta-antes"
    assert admin.sealed.reveal(template.sample_id)[m.SealedField.A_NUMBER] == LATER
    assert admin.sealed.reveal(receipt.client_id) == template.sample_sealed
    assert admin.verify().ok, admin.verify().problems
    admin.lock()
    rec = KeyFile.load(home.keys).unlock_recovery(recovery.parse(template.recovery_key))
    assert _opens_any(rec.privileged_private, template.vault_id, blobs)
    assert not rec.privileged_older
    volunteer = Vault.open(home, Vault.derive(home, template.name("volunteer"), template.passphrase("volunteer")))
    try:  # a volunteer still seals, to the new key (their key file entry was vouched on)
        volunteer.intakes.record(sample_draft())
    finally:
        volunteer.lock()


def test_demoting_an_attorney_rotates_the_privileged_key(template, home, open_vault):
    """`staff role ATTORNEY volunteer`: the person's old key opens nothing sealed later; they still work."""
    old = template.keys["attorney"]
    admin = open_vault("admin")
    admin.staff.set_role(template.name("attorney"), m.Role.VOLUNTEER)
    admin.sealed.set(template.sample_id, m.SealedField.A_NUMBER, LATER)
    blobs = _sealed_blobs(home.db, admin.data_key)
    assert not _opens_any(old.privileged_private, template.vault_id, blobs)
    assert admin.verify().ok
    admin.lock()
    demoted = Vault.derive(home, template.name("attorney"), template.passphrase("attorney"))
    assert demoted.privileged_private is None and not demoted.privileged_older
    vault = Vault.open(home, demoted)
    try:
        vault.intakes.record(sample_draft())
        with pytest.raises(PermissionDenied):
            vault.sealed.reveal(template.sample_id)
    finally:
        vault.lock()


def test_a_forged_rotation_link_is_refused(template, home, open_vault):
    """Pointing a volunteer's key-file entry at a key the attacker chose fails at their unlock."""
    from clinic.errors import VaultDamaged
    from clinic.vault import integrity_key_for

    admin = open_vault("admin")
    keyfile = KeyFile.load(home.keys)
    entry = keyfile.find(template.name("volunteer"))
    attacker_private, attacker_public = p.new_keypair()
    entry["privileged_links"] = [{"from_public": keyfile.doc["recovery"]["public_key"],
                                  "to": p.fingerprint(attacker_public), "mac": "00" * 32}]
    # The app refuses to write a changed roster without an admin's signature ...
    with pytest.raises(PermissionDenied):
        keyfile.save(integrity_key_for(admin.data_key, keyfile.vault_id))
    # ... so the attacker writes it with their own code (MACed, under the old signature).
    from clinic.keys.signed import roster_of

    keyfile.loaded_roster = roster_of(keyfile.doc)
    keyfile.save(integrity_key_for(admin.data_key, keyfile.vault_id))
    admin.lock()
    with pytest.raises(VaultDamaged):
        Vault.derive(home, template.name("volunteer"), template.passphrase("volunteer"))


_CHILD = r"""
import os, sys
from pathlib import Path
from clinic.crypto.primitives import SecretBytes
from clinic.home import Home
from clinic.keys.keyfile import UnlockedKeys
from clinic.vault import Vault
keys = UnlockedKeys(os.environ["K_ACCOUNT"], SecretBytes(b""), (SecretBytes(bytes.fromhex(os.environ["K_DATA"])),),
                    SecretBytes(bytes.fromhex(os.environ["K_PRIV"])), os.environ["K_FPR"], signer=os.environ["K_SIGNER"],
                    signing_key=SecretBytes(bytes.fromhex(os.environ["K_SIGN"])))  # an admin signs the roster
vault = Vault.open(Home(Path(os.environ["K_HOME"])), keys)
os.write(1, b"go\n")
vault.staff.remove(os.environ["K_REMOVE"])
os.write(1, b"done\n")
"""


def _padded(template, tmp_path, n: int) -> Home:
    """The template with n more sealed values (real ciphertexts, sealed to the privileged key)."""
    home = Home(tmp_path / "padded")
    shutil.copytree(template.path, home.path)
    vault = Vault.open(home, template.keys["admin"])
    try:
        public, fpr = vault.privileged_public()
        fields = list(m.SealedField)
        rows = []
        for i in range(n):
            field = fields[i % len(fields)].value
            ad = f"{template.vault_id}|{template.sample_id}|{field}".encode()
            rows.append((template.sample_id, field, p.seal(public, f"canario {i}".encode(), ad), fpr))
        with vault.conn:
            vault.conn.execute("BEGIN")
            vault.conn.executemany("INSERT INTO sealed_values (client_id, field, ciphertext, key_fpr, created_at, "
                                   "created_by) VALUES (?,?,?,?,'2020-01-01',1)", rows)
            vault.conn.execute("COMMIT")
    finally:
        vault.lock()
    return home


def _check_everyone_reads(template, home: Home, count: int) -> None:
    """Every remaining account unlocks; the recovery key opens the database and every sealed value."""
    keyfile = KeyFile.load(home.keys)
    rec = keyfile.unlock_recovery(recovery.parse(template.recovery_key))
    conn = None
    for key in rec.data_keys:
        try:
            conn = connect(home.db, key, expect_schema=True)
            break
        except Exception:  # noqa: BLE001 - the other grant of a half-done data-key rotation
            continue
    assert conn is not None, "the recovery key opens the database"
    try:
        rows = conn.execute("SELECT client_id, field, ciphertext FROM sealed_values").fetchall()
    finally:
        conn.close()
    assert len(rows) == count
    for client_id, field, blob in rows:
        rec.unseal_privileged(bytes(blob), f"{template.vault_id}|{client_id}|{field}".encode())


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_sigkill_at_random_points_of_an_attorneys_removal_then_rerun(template, tmp_path):
    """A kill anywhere in `staff remove ATTORNEY`: everyone left (and the recovery key) still reads
    every sealed value; the next admin unlock finishes it; verify passes; the old key opens nothing."""
    n = 800
    staged = _padded(template, tmp_path, n)
    count = n + len(template.sample_sealed)
    old = template.keys["attorney"]
    admin_keys = template.keys["admin"]
    env = {**os.environ, "K_ACCOUNT": admin_keys.account_id, "K_DATA": bytes(admin_keys.data_keys[0]).hex(),
           "K_PRIV": bytes(admin_keys.privileged_private).hex(), "K_FPR": admin_keys.privileged_fpr,
           "K_SIGN": bytes(admin_keys.signing_key).hex(), "K_SIGNER": admin_keys.signer,
           "K_REMOVE": template.name("attorney"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}

    def start(home: Home) -> subprocess.Popen:
        child = subprocess.Popen([sys.executable, "-c", _CHILD], env={**env, "K_HOME": str(home.path)},
                                 stdout=subprocess.PIPE, cwd=REPO)
        assert child.stdout.readline() == b"go\n"
        return child

    calibrate = Home(tmp_path / "calibrate")
    shutil.copytree(staged.path, calibrate.path)
    t0 = time.monotonic()
    child = start(calibrate)
    resealing = _resealing_window(calibrate, child)
    assert child.stdout.read() == b"done\n" and child.wait() == 0
    span = time.monotonic() - t0
    rng = random.Random(9)
    finished_early = in_privileged = in_data = 0
    for attempt in range(ATTEMPTS):
        home = Home(tmp_path / f"kill{attempt}")
        shutil.copytree(staged.path, home.path)
        child = start(home)
        if attempt % 3 == 1:  # aimed: a random point of the re-sealing, found by watching for it
            _wait_for_resealing(home, child)
            time.sleep(rng.uniform(0, resealing * 0.9))
        else:  # anywhere in the whole removal (its span measured on this machine, now)
            time.sleep(rng.uniform(0, span))
        os.kill(child.pid, signal.SIGKILL)
        finished_early += b"done" in child.stdout.read()
        child.wait()
        keyfile = KeyFile.load(home.keys)
        in_privileged += bool(keyfile.doc.get("pending_privileged"))
        in_data += bool(keyfile.pending_rotation)
        _check_everyone_reads(template, home, count)
        for role in ("volunteer",) if attempt % 3 else ("coordinator", "volunteer"):
            Vault.open(home, Vault.derive(home, template.name(role), template.passphrase(role))).lock()
        admin = Vault.open(home, Vault.derive(home, template.name("admin"), template.passphrase("admin")))
        try:
            admin.staff.remove(template.name("attorney")) if _still_owed(admin, template) else None
            report = admin.verify()
            assert report.ok, (attempt, report.problems)
            assert admin.sealed.reveal(template.sample_id)
            blobs = _sealed_blobs(home.db, admin.data_key)
            assert len(blobs) == count
            assert not _opens_any(old.privileged_private, template.vault_id, blobs)
        finally:
            admin.lock()
        _check_everyone_reads(template, home, count)
        shutil.rmtree(home.path)
    assert finished_early < ATTEMPTS, "no kill landed inside the removal"
    assert in_privileged, "no kill landed inside the re-sealing"
    print(f"kills: {in_data} in the data-key rotation, {in_privileged} in the re-sealing, "
          f"{finished_early} after the end, of {ATTEMPTS}")


_PENDING = b'"pending_privileged"'


def _wait_for_resealing(home: Home, child: subprocess.Popen, limit: float = 60.0) -> float:
    """Wait until the key file names a pending privileged key (the re-sealing has begun); its time."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and child.poll() is None:
        if _PENDING in home.keys.read_bytes():
            return time.monotonic()
        time.sleep(0.001)
    return time.monotonic()


def _resealing_window(home: Home, child: subprocess.Popen) -> float:
    """How long the key file named a pending privileged key in this (unkilled) run, in seconds."""
    began = _wait_for_resealing(home, child)
    while child.poll() is None and _PENDING in home.keys.read_bytes():
        time.sleep(0.001)
    window = time.monotonic() - began
    assert window > 0.005, f"the re-sealing took {window * 1000:.1f} ms: too short to be cut inside"
    return window


def _still_owed(admin: Vault, template) -> bool:
    """The kill came before the removal was recorded: the attorney is still active (run it again)."""
    return any(s.name == template.name("attorney") and s.active for s in admin.staff.list())


def test_the_recovery_key_mid_rotation_then_the_admin_unlock_finishes_it(template, home, open_vault, monkeypatch):
    """A rotation cut off while re-sealing; `recover` (same laptop) keeps both keys; the next unlock ends it."""
    from clinic.staff import privileged

    admin = open_vault("admin")

    def cut_off(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(privileged, "_reseal", cut_off)
    with pytest.raises(KeyboardInterrupt):
        admin.staff.set_role(template.name("attorney"), m.Role.VOLUNTEER)
    admin.lock()
    monkeypatch.undo()
    assert KeyFile.load(home.keys).doc.get("pending_privileged")
    recovered = Vault.recover(home, recovery_key=template.recovery_key, admin_name=template.name("admin"),
                              new_passphrase="otra frase de paso larga")
    try:
        assert recovered.sealed.reveal(template.sample_id) == template.sample_sealed
    finally:
        recovered.lock()
    admin = Vault.unlock(home, template.name("admin"), "otra frase de paso larga")
    try:
        assert not KeyFile.load(home.keys).doc.get("pending_privileged")
        assert admin.verify().ok, admin.verify().problems
        assert admin.sealed.reveal(template.sample_id) == template.sample_sealed
        blobs = _sealed_blobs(home.db, admin.data_key)
        assert not _opens_any(template.keys["attorney"].privileged_private, template.vault_id, blobs)
    finally:
        admin.lock()


def test_an_admin_without_the_old_key_never_finishes_a_rotation_that_would_lose_values(template, home,
                                                                                        open_vault, monkeypatch):
    """Values still sealed to the old key keep it in the key file until someone holding it re-seals them."""
    from dataclasses import replace

    from clinic.staff import privileged

    admin = open_vault("admin")
    monkeypatch.setattr(privileged, "_reseal", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        admin.staff.set_role(template.name("attorney"), m.Role.VOLUNTEER)
    admin.lock()
    monkeypatch.undo()
    keys = Vault.derive(home, template.name("admin"), template.passphrase("admin"))
    assert keys.privileged_older
    with pytest.raises(PermissionDenied):
        Vault.open(home, replace(keys, privileged_older=()))  # the open tries to finish, and refuses
    assert KeyFile.load(home.keys).doc.get("pending_privileged")
    admin = Vault.open(home, keys)
    try:
        assert admin.verify().ok
        assert admin.sealed.reveal(template.sample_id) == template.sample_sealed
    finally:
        admin.lock()
