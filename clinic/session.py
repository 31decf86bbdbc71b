"""The narrow session every service takes: the connection, the acting user, the unlocked keys, the clock.

    session.require(Can.VIEW_CLIENTS)        # raises PermissionDenied when locked or not allowed
    with transaction(session.conn):
        ...; session.audit("client.view", f"client:{client_id}")

The Vault builds one Session and hands it to every service; `Vault.lock()` calls `Session.lock()`,
which closes the connection and drops the keys, so every service locks with it. A service never sees
the Vault: what it needs from a sibling service comes in through its constructor.
"""

from __future__ import annotations

import base64
import logging

from clinic import access
from clinic import models as m
from clinic.clock import CLOCK, Clock
from clinic.crypto.primitives import SecretBytes
from clinic.errors import PermissionDenied
from clinic.home import Home
from clinic.i18n import _
from clinic.keys.anchor import integrity_key_for
from clinic.keys.keyfile import KeyFile, UnlockedKeys
from clinic.storage import audit
from clinic.storage.db import Connection, transaction
from clinic.storage.repos.settings import SettingsRepo

log = logging.getLogger(__name__)


def locked() -> PermissionDenied:
    return PermissionDenied(_("The vault is locked. Unlock it to continue."))


class Session:
    """An unlocked vault's plumbing. Use it from the thread that opened its connection."""

    def __init__(self, *, home: Home, conn: Connection, keyfile: KeyFile, keys: UnlockedKeys,
                 data_key: SecretBytes, user: m.Staff, clock: Clock = CLOCK):
        self.home = home
        self._conn: Connection | None = conn
        self.keyfile = keyfile
        self.keys: UnlockedKeys | None = keys
        self.data_key: SecretBytes | None = data_key
        self.user = user
        self.vault_id = keyfile.vault_id
        self.clock = clock

    def __repr__(self) -> str:
        return f"<Session {self.vault_id[:8]}… user={self.user.id} {'open' if self._conn else 'locked'}>"

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise locked()
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def require(self, what: access.Can) -> None:
        self.conn  # noqa: B018 - raises when locked
        access.require(self.user.role, what)

    def can(self, what: access.Can) -> bool:
        return access.allowed(self.user.role, what)

    def audit(self, action: str, target: str = "", **detail) -> None:
        audit.append(self.conn, actor_id=self.user.id, action=action, target=target, detail=detail or None)

    def integrity_key(self, data_key: SecretBytes | None = None) -> SecretBytes:
        """The key-file MAC key: derived from the (given or current) data key, so it rotates with it."""
        self.conn  # noqa: B018 - raises when locked
        return integrity_key_for(data_key or self.data_key, self.vault_id)

    def privileged_public(self) -> tuple[bytes, str]:
        settings = SettingsRepo(self.conn)
        return base64.b64decode(settings.get("privileged_public_key")), settings.get("privileged_fpr")

    def lock(self, *, record: bool = True) -> None:
        """Close the connection and drop every key. Safe to call twice. `record`: audit the lock."""
        conn, self._conn = self._conn, None
        keys, data_key = self.keys, self.data_key
        self.keys = None
        self.data_key = None
        if conn is not None:
            if record:
                try:
                    with transaction(conn):
                        audit.append(conn, actor_id=self.user.id, action="lock")
                except Exception:  # locking must always succeed
                    log.warning("could not record the lock in the audit log")
            conn.close()
        for secret in (keys, data_key):  # overwrite our copies (best effort: see SecretBytes)
            if secret is not None:
                secret.wipe()
