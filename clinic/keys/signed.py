"""What the administrators' signature in clinic.keys covers, and how it is made and checked (Ed25519)."""

from __future__ import annotations

import base64
import json

from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import PermissionDenied, VaultDamaged
from clinic.i18n import _


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _unb64(s: str) -> bytes:
    return base64.b64decode(s, validate=True)


def roster_of(doc: dict) -> dict:
    """What the administrators' signature covers: who holds which key, with which role, at which epoch.

    Grants themselves are not covered (only their owners can tell them apart); what they open is: the
    data key must be the one named here (through the MAC key it derives), or the pending rotation's.
    """
    def who(entry: dict) -> dict:
        return {"account_id": entry.get("account_id"), "public_key": entry.get("public_key"),
                "role": entry.get("role"), "privileged_fpr": entry.get("privileged_fpr"),
                # where the entry's attorney-key rotation links end: a link only an admin signed counts
                "sealing_fpr": (entry.get("privileged_links") or [{}])[-1].get("to") or entry.get("privileged_fpr"),
                "privileged": bool(entry.get("privileged_grant")), "signing": bool(entry.get("signing_grant"))}

    recovery = doc.get("recovery")
    return {"vault_id": doc.get("vault_id"), "signer": doc.get("signer"), "epoch": doc.get("epoch", 0),
            "mac_key_id": doc.get("mac_key_id"),
            "next_fpr": (doc.get("pending_rotation") or {}).get("next_fpr"),
            "accounts": sorted((who(a) for a in doc.get("accounts", [])), key=lambda a: str(a["account_id"])),
            "recovery": who(recovery) if recovery else None}


def _roster_bytes(roster: dict) -> bytes:
    return b"clinic-intake roster v1\0" + canonical(roster)


def sign_roster(keyfile, signing_key: SecretBytes, *, first_signature: bool = False) -> None:
    public = _b64(p.signing_public_of(bytes(signing_key)))
    if keyfile.doc.get("signer") not in (None, public):
        raise PermissionDenied(_("Your signing key is not this vault's. Ask another administrator."))
    previously_signed = keyfile.loaded_roster is not None
    if first_signature:  # the upgrade of an unsigned file, or the recovery key vouching afresh
        pass
    elif previously_signed and not roster_signature_ok(keyfile.loaded_roster,
                                                     keyfile.loaded_sig, public):
        raise VaultDamaged(_("The key file was changed outside Clinic Intake since it was signed, so it "
                             "was not signed again. Nothing was changed. Run “clinic-intake verify”."))
    if not previously_signed and keyfile.path.exists() and not first_signature:
        raise VaultDamaged(_("The key file carries no administrator's signature, so it was not signed "
                             "now. Nothing was changed. Run “clinic-intake verify”."))
    keyfile.doc["signer"] = public
    keyfile.doc["roster_sig"] = _b64(p.sign(bytes(signing_key), _roster_bytes(roster_of(keyfile.doc))))


def roster_signature_ok(roster: dict, signature: str, signer: str) -> bool:
    try:
        return p.signature_ok(_unb64(signer), _roster_bytes(roster), _unb64(signature))
    except (ValueError, TypeError):
        return False
