"""clinic.keys: public keys, salts, KDF parameters and ciphertext that let staff unlock the data key.

Nothing in it is secret without a passphrase and this laptop's device secret (or the recovery key).
It is not trusted for authorisation: roles live in the encrypted database.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from clinic.crypto import primitives as p
from clinic.crypto.primitives import DecryptionFailed, KdfParams, SecretBytes
from clinic.errors import PermissionDenied, RecoveryKeyInvalid, VaultDamaged, WrongPassphrase
from clinic.files import atomic_write
from clinic.i18n import _
from clinic.keys.links import (  # noqa: F401 - chain_end is re-exported for callers of the key file
    RotationLinks,
    _b64,
    _damaged,
    _unb64,
    chain_end,
)
from clinic.keys.signed import canonical, roster_of, sign_roster

FORMAT = "clinic-intake-keys"
VERSION = 3  # 3: an administrators' signature over who holds which key (see clinic/keys/roster.py)
UNSIGNED_VERSION = 2  # 2: MAC key derived from the data key, epoch and pending rotation recorded
READABLE_VERSIONS = (1, 2, 3)  # 1 -> 2 at the next unlock; 2 -> 3 at the next administrator unlock
WRAP_INFO = b"clinic-intake recovery wrap for backups v1"


def recovery_wrap_key(recovery_secret: SecretBytes) -> bytes:
    """The key of the recovery entry's `backup_wrap`: from the recovery key alone, no vault id."""
    return p.hkdf(bytes(recovery_secret), info=WRAP_INFO)


@dataclass(frozen=True)
class UnlockedKeys:
    """What one account's credentials open. Held only while the vault is unlocked."""

    account_id: str
    private_key: SecretBytes
    data_keys: tuple[SecretBytes, ...]  # usually one; two while a rotation is half done
    privileged_private: SecretBytes | None
    privileged_fpr: str  # the sealing key's fingerprint: as enrolled, then along verified rotation links
    signer: str | None = None  # the administrators' signing public key this account trusts (authenticated)
    signing_key: SecretBytes | None = None  # administrators (and the recovery key) only
    unlock_key: SecretBytes | None = None  # kept from derive to open, to bind an older entry to the signer
    privileged_older: tuple[SecretBytes, ...] = ()  # older privileged keys, while a rotation is half done

    def __repr__(self) -> str:
        return f"<UnlockedKeys account={self.account_id[:8]}… redacted>"

    def owned(self) -> UnlockedKeys:
        """A copy with its own buffers, so wiping one leaves the other intact."""
        def c(secret):
            return None if secret is None else secret.copy()
        return UnlockedKeys(self.account_id, self.private_key.copy(), tuple(k.copy() for k in self.data_keys),
                            c(self.privileged_private), self.privileged_fpr, signer=self.signer,
                            signing_key=c(self.signing_key), unlock_key=c(self.unlock_key),
                            privileged_older=tuple(k.copy() for k in self.privileged_older))

    def wipe(self) -> None:
        """Overwrite every secret held here (best effort, see SecretBytes)."""
        for secret in (self.private_key, *self.data_keys, self.privileged_private, self.signing_key,
                       self.unlock_key, *self.privileged_older):
            if secret is not None:
                secret.wipe()

    def unseal_privileged(self, blob: bytes, ad: bytes) -> bytes:
        """Open an attorney-only value with the privileged key (or an older one during a rotation).

        Raises PermissionDenied without the key, DecryptionFailed when no held key opens it."""
        from clinic.errors import PermissionDenied

        if self.privileged_private is None:
            raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
        for key in (self.privileged_private, *self.privileged_older):
            try:
                return p.unseal(bytes(key), blob, ad)
            except DecryptionFailed:
                continue
        raise DecryptionFailed


class KeyFile(RotationLinks):
    """The key file clinic.keys: accounts, their grants, the recovery entry; rotation links and signing
    grants are in clinic/keys/links.py."""

    """The parsed key file. Mutating methods change it in memory; `save` writes it atomically."""

    def __init__(self, path: Path, doc: dict):
        self.path = path
        self.doc = doc
        self._remember_signed()

    def _remember_signed(self) -> None:
        """What the roster and its signature were when read (or last written), to sign only over them."""
        self.loaded_sig = self.doc.get("roster_sig")
        self.loaded_roster = roster_of(self.doc) if self.loaded_sig else None

    # ----- reading and writing -------------------------------------------------------------------

    @classmethod
    def new(cls, path: Path, vault_id: str) -> KeyFile:
        return cls(path, {"format": FORMAT, "version": VERSION, "vault_id": vault_id,
                          "accounts": [], "recovery": None})

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """Read clinic.keys, or its .bak when a crash left the new one unreadable."""
        main = cls._try_load(path)
        if main is not None:
            return main
        bak = cls._try_load(path.with_name(path.name + ".bak"))
        if bak is not None:
            bak.path = path
            return bak
        if not path.exists():
            raise VaultDamaged(_("The key file clinic.keys is missing from the clinic folder. Restore it "
                                 "from a backup; the database cannot be opened without it."))
        raise VaultDamaged(_("The key file clinic.keys is damaged or was edited outside Clinic Intake. "
                             "Nothing was changed. Restore it from a backup or ask the administrator."))

    @classmethod
    def _try_load(cls, path: Path) -> KeyFile | None:
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") not in READABLE_VERSIONS:
            return None
        body = {k: v for k, v in doc.items() if k not in ("checksum", "mac")}
        if doc.get("checksum") != hashlib.sha256(canonical(body)).hexdigest():
            return None
        return cls(path, doc)

    def body_bytes(self) -> bytes:
        return canonical({k: v for k, v in self.doc.items() if k not in ("checksum", "mac")})

    def save(self, integrity_key: SecretBytes, signer: SecretBytes | None = None, *,
             first_signature: bool = False) -> None:
        """Write atomically, keeping the previous version as .bak until the new one reads back intact.

        With `signer` (an administrator's signing key) the roster is signed again, but only over a file
        whose signature verified with that key when it was read (or a new file, or `first_signature`
        for the upgrade of an unsigned one): a change made outside the app is never signed into place.
        Without it, the roster must be unchanged since it was signed.
        """
        self.doc["mac_key_id"] = p.mac_key_id(bytes(integrity_key))
        if signer is not None:
            sign_roster(self, signer, first_signature=first_signature)
        elif self.doc.get("roster_sig") and roster_of(self.doc) != self.loaded_roster:
            raise PermissionDenied(_("Only an administrator can change who holds the vault's keys."))
        self.doc["version"] = VERSION if self.doc.get("roster_sig") else UNSIGNED_VERSION
        body = self.body_bytes()
        doc = copy.deepcopy(self.doc)
        doc["checksum"] = hashlib.sha256(body).hexdigest()
        doc["mac"] = p.mac(bytes(integrity_key), body)
        bak = self.path.with_name(self.path.name + ".bak")
        if self.path.exists():
            atomic_write(bak, self.path.read_bytes())
        atomic_write(self.path, json.dumps(doc, indent=1, sort_keys=True).encode())
        reread = KeyFile._try_load(self.path)
        if reread is None or not reread.mac_ok(integrity_key):
            raise VaultDamaged(_("The key file could not be written back intact. The previous version "
                                 "is kept as clinic.keys.bak."))
        bak.unlink(missing_ok=True)
        self.doc = doc
        self._remember_signed()

    def mac_ok(self, integrity_key: SecretBytes) -> bool:
        expected = self.doc.get("mac")
        return isinstance(expected, str) and p.mac_ok(bytes(integrity_key), self.body_bytes(), expected)

    # ----- facts ---------------------------------------------------------------------------------

    @property
    def vault_id(self) -> str:
        return self.doc["vault_id"]

    @property
    def epoch(self) -> int:
        """How many data-key rotations this vault has finished (anchored in the keyring too)."""
        value = self.doc.get("epoch", 0)
        return value if isinstance(value, int) else -1

    @property
    def pending_rotation(self) -> dict | None:
        """A data-key rotation that was started (new grants written) but not yet finished."""
        value = self.doc.get("pending_rotation")
        return value if isinstance(value, dict) else None

    @property
    def accounts(self) -> list[dict]:
        return self.doc["accounts"]

    def account_names(self) -> list[str]:
        return sorted((a["name"] for a in self.accounts), key=str.casefold)

    def find(self, name: str) -> dict | None:
        key = name.strip().casefold()
        return next((a for a in self.accounts if a["name"].casefold() == key), None)

    def by_id(self, account_id: str) -> dict | None:
        return next((a for a in self.accounts if a["account_id"] == account_id), None)

    # ----- enrolment -----------------------------------------------------------------------------

    def _meta(self, entry: dict) -> bytes:
        """What the AEAD of an entry's private key authenticates. `signer` (since version 3) only when
        the entry has one, so entries written by version 2 still open and can be bound later."""
        fields = ("account_id", "name", "kdf", "salt", "public_key", "privileged_fpr")
        meta = {"vault_id": self.vault_id, **{k: entry.get(k) for k in fields}}
        if "signer" in entry:
            meta["signer"] = entry["signer"]
        return canonical(meta)

    def _unlock_key(self, entry: dict, passphrase: str, device_secret: SecretBytes) -> bytes:
        try:
            salt, params = _unb64(entry["salt"]), KdfParams.from_dict(entry["kdf"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise _damaged() from None
        # argon2-cffi takes only bytes, so the encoded passphrase and its output are immutable copies;
        # the concatenation with the device secret is ours and is overwritten.
        ikm = bytearray(p.argon2id(passphrase.encode("utf-8"), salt, params))
        ikm += device_secret.view()
        try:
            return p.hkdf(ikm, info=(self.vault_id + entry["account_id"]).encode())
        finally:
            p.wipe(ikm)

    def enrol(self, *, name: str, passphrase: str, device_secret: SecretBytes, privileged_fpr: str,
              account_id: str | None = None, kdf: KdfParams | None = None) -> tuple[dict, bytes]:
        """Add (or replace) an account whose private key opens with `passphrase` on this laptop.

        Returns (entry, public key). The caller grants it the data key (and the privileged key).
        """
        priv, pub = p.new_keypair()
        entry = {
            "account_id": account_id or secrets.token_hex(16),
            "name": name,
            "kdf": (kdf or KdfParams()).as_dict(),
            "salt": _b64(p.random_bytes(p.SALT_BYTES)),
            "public_key": _b64(pub),
            "privileged_fpr": privileged_fpr,
            "grants": [],
            "privileged_grant": None,
        }
        if self.doc.get("signer"):
            entry["signer"] = self.doc["signer"]
        unlock_key = self._unlock_key(entry, passphrase, device_secret)
        entry["private_key"] = _b64(p.aead_encrypt(unlock_key, priv, self._meta(entry)))
        self.doc["accounts"] = [a for a in self.accounts if a["account_id"] != entry["account_id"]]
        self.accounts.append(entry)
        return entry, pub

    def set_recovery(self, recovery_secret: SecretBytes, privileged_fpr: str) -> dict:
        priv, pub = p.new_keypair()
        entry = {"account_id": "recovery", "name": "", "kdf": None, "salt": None,
                 "public_key": _b64(pub), "privileged_fpr": privileged_fpr,
                 "grants": [], "privileged_grant": None, "role": "recovery"}
        if self.doc.get("signer"):
            entry["signer"] = self.doc["signer"]
        key = p.hkdf(bytes(recovery_secret), info=(self.vault_id + "recovery").encode())
        entry["private_key"] = _b64(p.aead_encrypt(key, priv, self._meta(entry)))
        self.doc["recovery"] = entry
        self.add_backup_wrap(recovery_secret, SecretBytes(priv))
        return entry

    def bind_signer(self, entry: dict, unlock_key: SecretBytes, private_key: SecretBytes) -> None:
        """Authenticate the file's signer inside an older entry (its owner's unlock key is needed)."""
        entry["signer"] = self.doc["signer"]
        entry["private_key"] = _b64(p.aead_encrypt(bytes(unlock_key), bytes(private_key), self._meta(entry)))

    def bind_recovery_signer(self, recovery_secret: SecretBytes, private_key: SecretBytes) -> None:
        key = p.hkdf(bytes(recovery_secret), info=(self.vault_id + "recovery").encode())
        self.bind_signer(self.doc["recovery"], SecretBytes(key), private_key)

    def add_backup_wrap(self, recovery_secret: SecretBytes, recovery_private: SecretBytes) -> None:
        """A second wrapping of the recovery private key that needs no vault id, so that a backup (whose
        vault id is inside its encryption) opens with the recovery key alone."""
        self.doc["recovery"]["backup_wrap"] = _b64(p.aead_encrypt(recovery_wrap_key(recovery_secret),
                                                                  bytes(recovery_private), WRAP_INFO))

    @property
    def backup_wrap(self) -> bytes | None:
        value = (self.doc.get("recovery") or {}).get("backup_wrap")
        return _unb64(value) if isinstance(value, str) else None

    def remove(self, account_id: str) -> None:
        self.doc["accounts"] = [a for a in self.accounts if a["account_id"] != account_id]

    # ----- grants --------------------------------------------------------------------------------

    def _entries(self) -> list[dict]:
        return [*self.accounts, *([self.doc["recovery"]] if self.doc.get("recovery") else [])]

    def grant_data_key(self, entry: dict, data_key: SecretBytes) -> None:
        ad = (self.vault_id + entry["account_id"] + "data").encode()
        sealed = _b64(p.seal(_unb64(entry["public_key"]), bytes(data_key), ad))
        entry["grants"] = [*entry.get("grants", []), sealed]

    def grant_privileged(self, entry: dict, privileged_private: SecretBytes | None) -> None:
        if privileged_private is None:
            entry["privileged_grant"] = None
            entry.pop("privileged_next", None)
            return
        ad = (self.vault_id + entry["account_id"] + "privileged").encode()
        entry["privileged_grant"] = _b64(p.seal(_unb64(entry["public_key"]), bytes(privileged_private), ad))

    def add_data_key_everywhere(self, data_key: SecretBytes) -> None:
        """Rotation, phase one: every remaining account and the recovery key also get the new key."""
        for entry in self._entries():
            self.grant_data_key(entry, data_key)

    def keep_only_newest_grant(self) -> None:
        """Rotation, phase three: drop every data-key grant but the newest (phase one appended it last;
        only each account's own private key could tell the grants apart)."""
        for entry in self._entries():
            entry["grants"] = entry["grants"][-1:]

    # ----- unlocking -----------------------------------------------------------------------------

    def _open_entry(self, entry: dict, key: bytes) -> UnlockedKeys:
        try:
            priv = p.aead_decrypt(key, _unb64(entry["private_key"]), self._meta(entry))
        except (DecryptionFailed, ValueError, KeyError):
            raise DecryptionFailed from None
        data_keys = []
        ad = (self.vault_id + entry["account_id"] + "data").encode()
        for grant in entry.get("grants", []):
            try:
                data_keys.append(SecretBytes(p.unseal(priv, _unb64(grant), ad)))
            except (DecryptionFailed, ValueError):
                continue
        held = []
        ad = (self.vault_id + entry["account_id"] + "privileged").encode()
        for grant in (entry.get("privileged_next"), entry.get("privileged_grant")):
            if grant:
                try:
                    held.append(SecretBytes(p.unseal(priv, _unb64(grant), ad)))
                except (DecryptionFailed, ValueError):
                    continue
        signing = None
        expected = entry.get("signer") or self.doc.get("signer")  # unbound entries: checked at unlock
        if entry.get("signing_grant") and expected:
            ad = (self.vault_id + entry["account_id"] + "signing").encode()
            try:
                raw = p.unseal(priv, _unb64(entry["signing_grant"]), ad)
                if _b64(p.signing_public_of(raw)) == expected:
                    signing = SecretBytes(raw)
            except (DecryptionFailed, ValueError):
                signing = None
        if not data_keys:
            raise VaultDamaged(_("This account holds no working key for the database. Ask the "
                                 "administrator to enrol it again."))
        fpr = self._follow_links(entry, priv)
        # The current key is only one whose fingerprint this account's verified chain ends at (a forged
        # grant is never used to seal or to stand for the attorney key); any other held key is an older
        # one, kept only to open values a half-done rotation has not re-sealed yet.
        current = [k for k in held if p.fingerprint(p.public_of(bytes(k))) == fpr]
        older = tuple(k for k in held if p.fingerprint(p.public_of(bytes(k))) != fpr)
        return UnlockedKeys(entry["account_id"], SecretBytes(priv), tuple(reversed(data_keys)),
                            current[0] if current else None, fpr, signer=entry.get("signer"),
                            signing_key=signing, unlock_key=SecretBytes(key), privileged_older=older)

    def entries(self) -> list[dict]:
        """Every account and the recovery entry."""
        return self._entries()

    def unlock(self, name: str, passphrase: str, device_secret: SecretBytes) -> UnlockedKeys:
        entry = self.find(name)
        if entry is None:
            raise WrongPassphrase(_("There is no staff member of that name on this laptop."))
        try:
            return self._open_entry(entry, self._unlock_key(entry, passphrase, device_secret))
        except DecryptionFailed:
            raise WrongPassphrase() from None

    def unlock_recovery(self, recovery_secret: SecretBytes) -> UnlockedKeys:
        entry = self.doc.get("recovery")
        if not entry:
            raise VaultDamaged(_("The key file has no recovery entry."))
        key = p.hkdf(bytes(recovery_secret), info=(self.vault_id + "recovery").encode())
        try:
            return self._open_entry(entry, key)
        except DecryptionFailed:
            raise RecoveryKeyInvalid(_("That recovery key does not belong to this vault.")) from None
