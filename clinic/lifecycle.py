"""A vault's beginning and its recovery: the key file, the first admin, the database and the anchors.

`create` makes a new vault (for `Vault.init`); `recover` opens one with the recovery key and sets a new
admin passphrase (for `Vault.recover`). Each returns the parts the facade is built from: the facade composes
them, so this module never imports it.
"""

from __future__ import annotations

import base64
import secrets

from clinic import models as m
from clinic.clock import now_iso
from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import PermissionDenied, VaultDamaged, VaultExists
from clinic.home import Home
from clinic.i18n import _
from clinic.keys import device, recovery, roster
from clinic.keys.anchor import integrity_key_for
from clinic.keys.keyfile import KeyFile, UnlockedKeys
from clinic.staff.rules import check_passphrase, check_staff_name
from clinic.storage import audit, migrate
from clinic.storage.db import Connection, WrongKey, connect, transaction
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo


def create(home: Home, *, clinic_name: str, admin_name: str, passphrase: str, clinic_address: str = "",
           language: str = "es") -> tuple[dict, str]:
    """Create a vault and its admin; returns (the facade's parts, recovery key text to show once)."""
    admin_name = check_staff_name(admin_name)
    check_passphrase(passphrase)
    if home.has_vault():
        raise VaultExists(_("There is already a vault in {path}. Nothing was changed.")
                          .format(path=str(home.path)))
    device.check_available()
    home.path.mkdir(parents=True, exist_ok=True, mode=0o700)
    vault_id = secrets.token_hex(16)
    device_secret = device.create(vault_id)
    data_key = SecretBytes(p.random_bytes(32))
    integrity_key = integrity_key_for(data_key, vault_id)
    priv_private, priv_public = p.new_keypair()
    fpr = p.fingerprint(priv_public)
    signing_raw, signer = p.new_signing_keypair()
    signing = SecretBytes(signing_raw)
    keyfile = KeyFile.new(home.keys, vault_id)
    keyfile.doc["signer"] = base64.b64encode(signer).decode()
    entry, public = keyfile.enrol(name=admin_name, passphrase=passphrase, device_secret=device_secret,
                                  privileged_fpr=fpr)
    keyfile.grant_data_key(entry, data_key)
    keyfile.grant_privileged(entry, SecretBytes(priv_private))
    keyfile.assign_role(entry, m.Role.ADMIN, signing)
    recovery_text, recovery_secret = recovery.generate()
    rec = keyfile.set_recovery(recovery_secret, fpr)
    keyfile.grant_data_key(rec, data_key)
    keyfile.grant_privileged(rec, SecretBytes(priv_private))
    keyfile.grant_signing(rec, signing)

    conn = connect(home.db, data_key, create=True)
    try:
        migrate.migrate(conn)
        with transaction(conn):
            settings = SettingsRepo(conn)
            for key, value in (("vault_id", vault_id), ("clinic_name", clinic_name.strip()),
                               ("clinic_address", clinic_address.strip()), ("created_at", now_iso()),
                               ("privileged_public_key", base64.b64encode(priv_public).decode()),
                               ("privileged_fpr", fpr)):
                settings.set(key, value)
            staff_id = StaffRepo(conn).add(account_id=entry["account_id"], name=admin_name,
                                           role=m.Role.ADMIN, language=language,
                                           public_key=entry["public_key"])
            audit.append(conn, actor_id=staff_id, action="vault.init")
        keyfile.save(integrity_key, signer=signing)
        device.store_anchor(vault_id, home.path, epoch=keyfile.epoch,
                            fpr=p.data_key_fingerprint(bytes(data_key)))
        device.store_signer(vault_id, home.path, keyfile.doc["signer"])
    except BaseException:
        conn.close()
        raise
    keys = UnlockedKeys(entry["account_id"], SecretBytes(b""), (data_key,), SecretBytes(priv_private), fpr,
                        signer=keyfile.doc["signer"], signing_key=signing)
    user = StaffRepo(conn).get(staff_id)
    return dict(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key, user=user), \
        recovery_text


def recover(home: Home, *, recovery_key: str, admin_name: str, new_passphrase: str) -> dict:
    """The facade's parts, unlocked with the recovery key. Unlock with the recovery key (no device secret needed) and set a new admin passphrase here.

    Staff enrolled on another laptop must be enrolled again here (`staff reset NAME`).
    """
    secret = recovery.parse(recovery_key)  # a mistyped key is caught before any KDF
    check_passphrase(new_passphrase)
    keyfile = KeyFile.load(home.keys)
    rec = keyfile.unlock_recovery(secret)
    if keyfile.backup_wrap is None:  # a vault made before backups: let its backups open with this key
        keyfile.add_backup_wrap(secret, rec.private_key)
    device.check_available()
    signed = rec.signer is not None and roster.signature_ok(keyfile, rec.signer)
    conn, data_key = connect_any(home, roster.accepted_data_keys(keyfile, rec, rec.signer) if signed
                                  else rec.data_keys)
    try:
        migrate.migrate(conn)
        staff = StaffRepo(conn)
        found = staff.by_name(admin_name)
        if found is None or not found[0].active or found[0].role is not m.Role.ADMIN:
            raise PermissionDenied(_("{name} is not an active administrator of this vault.")
                                   .format(name=admin_name))
        admin, admin_account = found
        try:
            device_secret = device.load(keyfile.vault_id)
            same_laptop = True
        except VaultDamaged:
            device_secret = device.create(keyfile.vault_id)
            same_laptop = False
        if not same_laptop or not signed:  # other staff were bound to the old laptop's secret, or
            for other in list(keyfile.accounts):  # nothing vouches for their entries: enrol them again
                keyfile.remove(other["account_id"])
        keyfile.remove(admin_account)  # the forgotten passphrase's entry
        signing = rec.signing_key
        if signing is None:  # a key file from before version 3: the recovery key holder signs it now
            raw, public = p.new_signing_keypair()
            signing, keyfile.doc["signer"] = SecretBytes(raw), base64.b64encode(public).decode()
        else:
            keyfile.doc["signer"] = base64.b64encode(p.signing_public_of(bytes(signing))).decode()
        keyfile.bind_recovery_signer(secret, rec.private_key)
        keyfile.grant_signing(keyfile.doc["recovery"], signing)
        keyfile.doc["recovery"]["role"] = "recovery"
        fpr = rec.privileged_fpr  # the recovery entry's, along its verified rotation links
        entry, _pub = keyfile.enrol(name=admin.name, passphrase=new_passphrase,
                                    device_secret=device_secret, privileged_fpr=fpr)
        keyfile.grant_data_key(entry, data_key)
        _grant_held_privileged(keyfile, entry, rec)
        keyfile.assign_role(entry, m.Role.ADMIN, signing)
        integrity_key = integrity_key_for(data_key, keyfile.vault_id)
        with transaction(conn):
            staff.rekey_account(admin.id, account_id=entry["account_id"], public_key=entry["public_key"])
            SettingsRepo(conn).delete("integrity_key")
            audit.append(conn, actor_id=admin.id, action="vault.recover",
                         detail={"new_laptop": not same_laptop})
        keyfile.save(integrity_key, signer=signing, first_signature=True)
        # The recovery key holder vouches for this database: anchor it on this laptop.
        device.store_anchor(keyfile.vault_id, home.path, epoch=keyfile.epoch,
                            fpr=p.data_key_fingerprint(bytes(data_key)))
        device.store_signer(keyfile.vault_id, home.path, keyfile.doc["signer"])
    except BaseException:
        conn.close()
        raise
    keys = UnlockedKeys(entry["account_id"], SecretBytes(b""), (data_key,), rec.privileged_private,
                        rec.privileged_fpr, signer=keyfile.doc["signer"], signing_key=signing,
                        privileged_older=rec.privileged_older)
    return dict(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key,
                user=StaffRepo(conn).get(admin.id))


def _grant_held_privileged(keyfile: KeyFile, entry: dict, rec: UnlockedKeys) -> None:
    """Give a re-enrolled account the privileged key(s) the recovery entry holds (two mid-rotation)."""
    if rec.privileged_older:
        keyfile.grant_privileged(entry, rec.privileged_older[0])
        keyfile.grant_privileged_next(entry, rec.privileged_private)
    else:
        keyfile.grant_privileged(entry, rec.privileged_private)


def connect_any(home: Home, data_keys: tuple[SecretBytes, ...]) -> tuple[Connection, SecretBytes]:
    """Open with the first data key that works (two exist while a key rotation is half done)."""
    for key in data_keys:
        try:
            return connect(home.db, key, expect_schema=True), key
        except WrongKey:
            continue
    raise VaultDamaged(_("The database cannot be opened with this vault's keys: it is damaged or not a "
                         "Clinic Intake database. It was left untouched; restore it from a backup."))
