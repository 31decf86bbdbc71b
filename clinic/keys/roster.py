"""The administrators' signed roster: which accounts hold which keys with which role, checked at unlock.

Grants are public-key seals anyone can make, and the key-file MAC is only as strong as the data key. So
since key-file version 3 an Ed25519 *signing key*, sealed only to admin accounts and the recovery entry,
signs `keyfile.roster_of(doc)`: every account's id, public key, role and which grants it holds, the
recovery entry, the epoch and the data key (through its MAC key's id). Each account trusts the signer's
public key that its own AEAD authenticates (written at enrolment, or bound at its first unlock after
the upgrade), so nobody without an admin's key can add an account, swap a public key, change a role or
slip in a grant of another data key without unlock refusing it.
"""

from __future__ import annotations

from dataclasses import replace

from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import PermissionDenied, VaultDamaged
from clinic.i18n import _
from clinic.keys import device
from clinic.keys.keyfile import KeyFile, UnlockedKeys
from clinic.keys.signed import _b64, roster_of, roster_signature_ok


def forged() -> VaultDamaged:
    return VaultDamaged(_("The key file lists accounts, roles or keys that no administrator signed: it was "
                          "changed outside Clinic Intake. Nothing was unlocked. If you restored a backup on "
                          "purpose, unlock it with the recovery key (“clinic-intake recover”); otherwise "
                          "put back the latest backup."))


def trusted_signer(keyfile: KeyFile, keys: UnlockedKeys, anchored: str | None) -> str | None:
    """The signing public key this unlock trusts: the one the account's own AEAD authenticates, else the
    one this laptop recorded, else (an older account on a laptop that recorded none) the file's own."""
    if keys.signer and anchored and keys.signer != anchored:
        raise forged()
    return keys.signer or anchored or keyfile.doc.get("signer")


def signature_ok(keyfile: KeyFile, signer: str) -> bool:
    doc = keyfile.doc
    return doc.get("signer") == signer and roster_signature_ok(roster_of(doc), doc.get("roster_sig") or "",
                                                               signer)


def accepted_data_keys(keyfile: KeyFile, keys: UnlockedKeys, signer: str | None) -> tuple[SecretBytes, ...]:
    """The data keys this account's grants open that the roster names; refuses an unsigned roster."""
    if signer is None:  # an unsigned (version 2) file and nothing recorded: accepted, for now
        return keys.data_keys
    if not signature_ok(keyfile, signer):
        raise forged()
    roster = roster_of(keyfile.doc)
    accepted = tuple(k for k in keys.data_keys
                     if p.mac_key_id(p.keyfile_mac_key(bytes(k), keyfile.vault_id)) == roster["mac_key_id"]
                     or p.data_key_fingerprint(bytes(k)) == roster["next_fpr"])
    if not accepted:
        raise forged()
    return accepted


def signed_role(keyfile: KeyFile, account_id: str) -> str | None:
    entry = next((a for a in roster_of(keyfile.doc)["accounts"] if a["account_id"] == account_id), None)
    return entry["role"] if entry else None


def check_role(keyfile: KeyFile, signer: str | None, account_id: str, role: str) -> None:
    """The role the database gives an account must be the one an administrator signed (hole 5)."""
    if signer is None or not keyfile.doc.get("roster_sig"):
        return
    if not signature_ok(keyfile, signer):
        raise forged()
    signed = signed_role(keyfile, account_id)
    if signed is not None and signed != str(role):
        raise PermissionDenied(_("This account's role in the database is not the one an administrator "
                                 "signed: it was changed outside Clinic Intake. Nothing was done. Ask the "
                                 "administrator to run “clinic-intake verify”."))


def staff_problems(keyfile: KeyFile, signer: str | None, staff: list[tuple[str, str, str, bool]]) -> list[str]:
    """For verify: the signature, and every active staff row (account id, role, public key, active)
    against the signed roster."""
    if signer is None:
        return [_("The key file is not yet signed by an administrator; it will be at the next "
                  "administrator unlock.")]
    if not signature_ok(keyfile, signer):
        return [_("The key file lists accounts, roles or keys that no administrator signed.")]
    signed = {a["account_id"]: a for a in roster_of(keyfile.doc)["accounts"]}
    for account_id, role, public_key, active in staff:
        entry = signed.get(account_id)
        if active and entry is not None and (entry["role"] != str(role) or entry["public_key"] != public_key):
            return [_("A staff member's role or key in the database is not the one an administrator "
                      "signed: it was changed outside Clinic Intake.")]
    return []


def settle(keyfile: KeyFile, keys: UnlockedKeys, *, signer: str | None, folder, recorded: str | None,
           staff_roles: dict[str, str], integrity_key: SecretBytes) -> UnlockedKeys:
    """After a successful unlock: an administrator signs a version-2 file for the first time (roles from
    the database, which is all there is to go on); an entry written before version 3 is bound to the
    signer with its owner's unlock key; this laptop records the signer. Returns the keys to keep."""
    entry = keyfile.by_id(keys.account_id)
    first = signer is None and staff_roles.get(keys.account_id) == "admin"
    if first:
        raw, public = p.new_signing_keypair()
        signing = SecretBytes(raw)
        keyfile.doc["signer"] = signer = _b64(public)
        for other in list(keyfile.accounts):
            if other["account_id"] not in staff_roles:  # not active staff: it could not unlock anyway
                keyfile.remove(other["account_id"])
            else:
                keyfile.assign_role(other, staff_roles[other["account_id"]], signing)
        if keyfile.doc.get("recovery"):
            keyfile.doc["recovery"]["role"] = "recovery"
            keyfile.grant_signing(keyfile.doc["recovery"], signing)
        keys = replace(keys, signing_key=signing)
    bind = (signer is not None and entry is not None and "signer" not in entry
            and keyfile.doc.get("signer") == signer and keys.unlock_key is not None and len(keys.unlock_key))
    if bind:
        keyfile.bind_signer(entry, keys.unlock_key, keys.private_key)
    if first or bind:
        keyfile.save(integrity_key, signer=keys.signing_key if first else None, first_signature=first)
    if signer is not None and recorded is None:  # what this laptop recorded when the unlock began
        device.store_signer(keyfile.vault_id, folder, signer)
    return replace(keys, signer=signer, unlock_key=None)
