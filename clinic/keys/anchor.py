"""The data-key anchor: which key (and epoch) this laptop last used for a folder's vault, checked at unlock."""

from __future__ import annotations

from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import VaultDamaged
from clinic.i18n import _
from clinic.keys import device
from clinic.keys.keyfile import KeyFile


def _way_out() -> str:
    return _("If you restored a backup on purpose, unlock it with the recovery key (“clinic-intake "
             "recover”); otherwise put back the latest backup.")


def check(home, keyfile: KeyFile, data_key: SecretBytes, *, store: bool = True) -> set[str]:
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
                             "in again. Nothing was unlocked.") + " " + _way_out())
    if fpr not in accepted:
        raise VaultDamaged(_("The database is not encrypted with the key this laptop last used for this "
                             "vault: it was replaced or put back from an earlier copy. Nothing was "
                             "unlocked.") + " " + _way_out())
    if store and anchor.get("next") == fpr and not keyfile.pending_rotation:  # a rotation cut off after
        device.store_anchor(keyfile.vault_id, home.path, epoch=keyfile.epoch, fpr=fpr)  # its last write
        return {fpr}
    return accepted
