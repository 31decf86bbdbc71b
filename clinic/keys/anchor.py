"""What makes this laptop refuse a vault put back from an earlier copy: the keyring's anchor and the
key file's MAC under the data key. Checked at every unlock (clinic/vault.py) and by `verify`."""

from __future__ import annotations

from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import VaultDamaged
from clinic.home import Home
from clinic.i18n import _
from clinic.keys import device
from clinic.keys.keyfile import KeyFile


def integrity_key_for(data_key: SecretBytes, vault_id: str) -> SecretBytes:
    """The key-file MAC key, derived from a data key so it rotates with it."""
    return SecretBytes(p.keyfile_mac_key(bytes(data_key), vault_id))


def way_out() -> str:
    return _("If you restored a backup on purpose, unlock it with the recovery key (“clinic-intake "
             "recover”); otherwise put back the latest backup.")


def check_anchor(home: Home, keyfile: KeyFile, data_key: SecretBytes, *, store: bool = True) -> set[str]:
    """Refuse a database or key file older than, or different from, the one this laptop last used.

    The keyring holds (epoch, fingerprint of the data key) for this folder's vault; the folder cannot
    change it. The first unlock of a folder without a record (an older version, or a folder opened here
    for the first time) records it. Returns the fingerprints accepted now (two while a rotation is open).
    """
    fpr = p.data_key_fingerprint(bytes(data_key))
    anchor = device.load_anchor(keyfile.vault_id, home.path)
    if anchor is None:
        if store:
            device.store_anchor(keyfile.vault_id, home.path, epoch=max(keyfile.epoch, 0), fpr=fpr)
        return {fpr}
    accepted = {anchor["fpr"], *([anchor["next"]] if anchor.get("next") else [])}
    if keyfile.epoch < anchor["epoch"]:
        raise VaultDamaged(_("The key file is older than the one this laptop last used for this vault: "
                             "it was put back from an earlier copy, which could let a removed staff member "
                             "in again. Nothing was unlocked.") + " " + way_out())
    if fpr not in accepted:
        raise VaultDamaged(_("The database is not encrypted with the key this laptop last used for this "
                             "vault: it was replaced or put back from an earlier copy. Nothing was "
                             "unlocked.") + " " + way_out())
    if store and anchor.get("next") == fpr and not keyfile.pending_rotation:  # a rotation cut off after
        device.store_anchor(keyfile.vault_id, home.path, epoch=keyfile.epoch, fpr=fpr)  # its last write
        return {fpr}
    return accepted


def check_keyfile_mac(keyfile: KeyFile, data_keys, accepted: set[str], stored_mac_key: str | None) -> bool:
    """The key file's MAC, under any held data key that the anchor accepts. True: a version-1 file
    MACed with the old stored key (to be rewritten now)."""
    for key in data_keys:
        if p.data_key_fingerprint(bytes(key)) in accepted and \
                keyfile.mac_ok(integrity_key_for(key, keyfile.vault_id)):
            return False
    stored = stored_mac_key
    if keyfile.doc.get("version") == 1 and stored and keyfile.mac_ok(SecretBytes(bytes.fromhex(stored))):
        return True
    raise VaultDamaged(_("The key file was changed outside Clinic Intake. Nothing was "
                         "unlocked. Run “clinic-intake verify” and ask the administrator."))
