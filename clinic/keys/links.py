"""The key file's attorney-key rotation links and the administrators' signing grants (split from keyfile.py).

`RotationLinks` is a base of `clinic.keys.keyfile.KeyFile`: its methods work on the same document and
need only `vault_id` and `_entries()`. Also the small encodings the key file shares.
"""

from __future__ import annotations

import base64

from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import VaultDamaged
from clinic.i18n import _
from clinic.keys.signed import canonical


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _unb64(s: str) -> bytes:
    return base64.b64decode(s, validate=True)


def _damaged() -> VaultDamaged:
    return VaultDamaged(_("The key file clinic.keys is damaged or was edited outside Clinic Intake. "
                          "Nothing was changed. Restore it from a backup or ask the administrator."))


def chain_end(entry: dict) -> str:
    """The sealing-key fingerprint an entry leads to (unverified: its MACs are checked at unlock)."""
    links = entry.get("privileged_links") or []
    return links[-1].get("to", "") if links else entry.get("privileged_fpr") or ""


class RotationLinks:
    """Links vouching that the attorney (sealing) key moved on, and the signing key's grants."""

    vault_id: str

    def _entries(self) -> list[dict]:
        raise NotImplementedError

    def grant_signing(self, entry: dict, signing_key: SecretBytes | None) -> None:
        """The administrators' signing key, sealed to an admin account (or the recovery entry)."""
        if signing_key is None:
            entry.pop("signing_grant", None)
            return
        ad = (self.vault_id + entry["account_id"] + "signing").encode()
        entry["signing_grant"] = _b64(p.seal(_unb64(entry["public_key"]), bytes(signing_key), ad))

    def assign_role(self, entry: dict, role: str, signing_key: SecretBytes | None) -> None:
        """Record the role in the signed roster; an admin also gets the signing key."""
        entry["role"] = str(role)
        self.grant_signing(entry, signing_key if str(role) == "admin" else None)

    def _link_body(self, entry: dict, old_fpr: str, new_fpr: str) -> bytes:
        return canonical({"vault_id": self.vault_id, "account_id": entry["account_id"], "from": old_fpr,
                          "to": new_fpr})

    def add_privileged_link(self, entry: dict, old_private: SecretBytes, new_fpr: str) -> None:
        """Vouch to this account that the sealing key moved on to `new_fpr`.

        The MAC key is X25519(old privileged private, account public): only a holder of the old key (or
        the account itself) can make it, and the account checks it with its own private key. The account's
        enrolled fingerprint (authenticated under its passphrase) is where its chain starts."""
        old_public = p.public_of(bytes(old_private))
        old_fpr = chain_end(entry)
        if p.fingerprint(old_public) != old_fpr:
            raise VaultDamaged(_("The attorney key being replaced is not the one this account holds."))
        key = p.pair_key(bytes(old_private), _unb64(entry["public_key"]), info=b"clinic-intake privileged link v1")
        link = {"from_public": _b64(old_public), "to": new_fpr,
                "mac": p.mac(key, self._link_body(entry, old_fpr, new_fpr))}
        entry["privileged_links"] = [*entry.get("privileged_links", []), link]

    def _follow_links(self, entry: dict, account_private: bytes) -> str:
        fpr = entry.get("privileged_fpr") or ""
        for link in entry.get("privileged_links", []):
            try:
                old_public = _unb64(link["from_public"])
                key = p.pair_key(account_private, old_public, info=b"clinic-intake privileged link v1")
                good = p.fingerprint(old_public) == fpr and \
                    p.mac_ok(key, self._link_body(entry, fpr, link["to"]), link["mac"])
            except (KeyError, TypeError, ValueError):
                good = False
            if not good:
                raise _damaged()
            fpr = link["to"]
        return fpr

    def grant_privileged_next(self, entry: dict, new_private: SecretBytes | None) -> None:
        """Rotation, phase one: the new privileged key beside the old one (None: this account gets none)."""
        if new_private is None:
            entry.pop("privileged_next", None)
            return
        ad = (self.vault_id + entry["account_id"] + "privileged").encode()
        entry["privileged_next"] = _b64(p.seal(_unb64(entry["public_key"]), bytes(new_private), ad))

    def keep_only_next_privileged(self) -> None:
        """Rotation, last phase: the new privileged key replaces the old one everywhere."""
        for entry in self._entries():
            entry["privileged_grant"] = entry.pop("privileged_next", None)
