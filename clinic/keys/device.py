"""The device secret in the OS keyring: never stored anywhere else, every call bounded by a timeout."""

from __future__ import annotations

import base64
import concurrent.futures
import logging
import time

from clinic.crypto.primitives import SecretBytes, random_bytes
from clinic.errors import KeyringUnavailable, VaultDamaged
from clinic.i18n import _

SERVICE = "clinic-intake"
TIMEOUT_SECONDS = 10.0
RACE_RETRIES = 3
RESTART_WAIT_SECONDS = 0.5
_TRANSIENT = ("ItemNotFoundException", "InitError")
log = logging.getLogger(__name__)

# One long-lived worker: a hung D-Bus call blocks only it, never the caller beyond the timeout.
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")


def _call(fn, *args):
    import keyring
    from keyring.backends import fail, null

    def run():
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring | null.Keyring):
            raise KeyringUnavailable("no backend")
        for attempt in range(RACE_RETRIES):
            try:
                return fn(backend, *args)
            except Exception as exc:
                # gnome-keyring can answer a search with an item another program deleted a moment ago,
                # and a Secret Service that D-Bus is restarting refuses a connection (InitError) for a
                # moment; every call here is idempotent (get, set with replace, delete), so ask again.
                # Still failing: the caller gets KeyringUnavailable (fail closed, nothing stored).
                if type(exc).__name__ not in _TRANSIENT or attempt == RACE_RETRIES - 1:
                    raise
                if type(exc).__name__ == "InitError":
                    time.sleep(RESTART_WAIT_SECONDS)
        raise AssertionError("unreachable")

    future = _pool.submit(run)
    try:
        return future.result(timeout=TIMEOUT_SECONDS)
    except concurrent.futures.TimeoutError:
        log.error("keyring call timed out")
        raise KeyringUnavailable("timeout") from None
    except KeyringUnavailable:
        raise
    except Exception as exc:  # keyring raises many types: locked, no D-Bus, no backend
        log.error("keyring unavailable: %s", type(exc).__name__)
        raise KeyringUnavailable(type(exc).__name__) from None


def check_available() -> None:
    """Raise KeyringUnavailable (a sentence with the remedy) when no usable keyring backend exists."""
    _call(lambda backend: backend.get_password(SERVICE, "__probe__"))


def create(vault_id: str) -> SecretBytes:
    """Make and store a new device secret for this vault on this machine."""
    secret = random_bytes(32)
    encoded = base64.b64encode(secret).decode()
    _call(lambda backend: backend.set_password(SERVICE, vault_id, encoded))
    if _call(lambda backend: backend.get_password(SERVICE, vault_id)) != encoded:
        raise KeyringUnavailable("readback")
    return SecretBytes(secret)


def load(vault_id: str) -> SecretBytes:
    value = _call(lambda backend: backend.get_password(SERVICE, vault_id))
    if value is None:
        raise VaultDamaged(_("This laptop's keyring does not hold the device secret for this vault. If the "
                             "vault was copied from another laptop, restore it with the recovery key."))
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise VaultDamaged(_("The device secret in the keyring is damaged. Restore with the recovery key."))
    return SecretBytes(raw)


def delete(vault_id: str) -> None:
    try:
        _call(lambda backend: backend.delete_password(SERVICE, vault_id))
    except KeyringUnavailable:
        pass


# ----- the data-key anchor: which data key (and epoch) this folder's vault is at, outside the folder ------

def _anchor_name(vault_id: str, folder) -> str:
    import hashlib
    from pathlib import Path

    where = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]
    return f"{vault_id}:anchor:{where}"


def load_anchor(vault_id: str, folder) -> dict | None:
    """{"epoch": int, "fpr": str, "next": str | None} recorded for the vault in `folder`, or None."""
    import json

    value = _call(lambda backend: backend.get_password(SERVICE, _anchor_name(vault_id, folder)))
    if value is None:
        return None
    try:
        doc = json.loads(value)
        if isinstance(doc, dict) and isinstance(doc.get("epoch"), int) and isinstance(doc.get("fpr"), str):
            return {"epoch": doc["epoch"], "fpr": doc["fpr"], "next": doc.get("next")}
    except ValueError:
        pass
    raise VaultDamaged(_("The record of this vault's current key in the keyring is damaged. Restore with "
                         "the recovery key."))


def store_anchor(vault_id: str, folder, *, epoch: int, fpr: str, next_fpr: str | None = None) -> None:
    import json

    name = _anchor_name(vault_id, folder)
    value = json.dumps({"epoch": epoch, "fpr": fpr, "next": next_fpr}, sort_keys=True)
    _call(lambda backend: backend.set_password(SERVICE, name, value))
    if _call(lambda backend: backend.get_password(SERVICE, name)) != value:
        raise KeyringUnavailable("readback")


def delete_anchor(vault_id: str, folder) -> None:
    try:
        _call(lambda backend: backend.delete_password(SERVICE, _anchor_name(vault_id, folder)))
    except KeyringUnavailable:
        pass


# ----- the administrators' signing public key this laptop has seen for the vault in `folder` ----------

def _signer_name(vault_id: str, folder) -> str:
    return _anchor_name(vault_id, folder).replace(":anchor:", ":signer:", 1)


def load_signer(vault_id: str, folder) -> str | None:
    return _call(lambda backend: backend.get_password(SERVICE, _signer_name(vault_id, folder)))


def store_signer(vault_id: str, folder, signer: str) -> None:
    name = _signer_name(vault_id, folder)
    _call(lambda backend: backend.set_password(SERVICE, name, signer))
    if _call(lambda backend: backend.get_password(SERVICE, name)) != signer:
        raise KeyringUnavailable("readback")


def delete_signer(vault_id: str, folder) -> None:
    try:
        _call(lambda backend: backend.delete_password(SERVICE, _signer_name(vault_id, folder)))
    except KeyringUnavailable:
        pass


# ----- the audit head at the newest backup, kept outside the folder so a rolled-back vault shows ------------

def load_backup_head(vault_id: str) -> dict | None:
    """{"id": int, "hash": str, "at": str} of the audit chain when this laptop last backed the vault up."""
    import json

    value = _call(lambda backend: backend.get_password(SERVICE, f"{vault_id}:backup-head"))
    if value is None:
        return None
    try:
        doc = json.loads(value)
        if isinstance(doc, dict) and isinstance(doc.get("id"), int) and isinstance(doc.get("hash"), str):
            return {"id": doc["id"], "hash": doc["hash"], "at": str(doc.get("at", ""))}
    except ValueError:
        pass
    return None


def store_backup_head(vault_id: str, *, id: int, hash: str, at: str) -> None:  # noqa: A002 - the row's names
    import json

    value = json.dumps({"id": id, "hash": hash, "at": at}, sort_keys=True)
    _call(lambda backend: backend.set_password(SERVICE, f"{vault_id}:backup-head", value))


def delete_backup_head(vault_id: str) -> None:
    try:
        _call(lambda backend: backend.delete_password(SERVICE, f"{vault_id}:backup-head"))
    except KeyringUnavailable:
        pass
