"""The facade: create, unlock, recover and lock a clinic vault; everything else hangs off an open Vault.

    keys = Vault.derive(home, name, passphrase)     # slow (Argon2id): any thread
    vault = Vault.open(home, keys)                  # fast: the thread that will use it
    vault.intakes.record(draft); vault.clients.search("garcia"); vault.lock()
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable
from typing import TypeVar

from clinic import access
from clinic import models as m
from clinic.clock import now_iso
from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import (
    PermissionDenied,
    TooManyAttempts,
    UserError,
    ValidationError,
    VaultDamaged,
    VaultExists,
    WrongPassphrase,
)
from clinic.home import Home
from clinic.i18n import _, ngettext
from clinic.keys import device, recovery
from clinic.keys.keyfile import KeyFile, UnlockedKeys
from clinic.keys.unlock_guard import UnlockGuard
from clinic.storage import audit, migrate
from clinic.storage.db import Connection, WrongKey, connect, transaction
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo

log = logging.getLogger(__name__)
MIN_PASSPHRASE = 10


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError("passphrase", _("A passphrase needs at least {n} characters; a few unrelated "
                                              "words are easiest to remember.").format(n=MIN_PASSPHRASE))


def check_staff_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 80 or any(ord(c) < 32 for c in name):
        raise ValidationError("name", _("A staff name needs 1 to 80 ordinary characters."))
    return name


T = TypeVar("T")


class Vault:
    """An unlocked vault. Use it from the thread that opened it; `lock()` drops every key."""

    def __init__(self, *, home: Home, conn: Connection, keyfile: KeyFile, keys: UnlockedKeys,
                 data_key: SecretBytes, user: m.Staff):
        from clinic.clients.cases import Cases
        from clinic.clients.clients import Clients
        from clinic.clients.documents import Documents
        from clinic.clients.intakes import Intakes
        from clinic.clients.sealed import Sealed
        from clinic.clients.settings import Settings
        from clinic.conflicts.service import Conflicts
        from clinic.eligibility.service import Eligibility
        from clinic.incidents.service import Incidents, PublicReports
        from clinic.preparedness.plans import Plans
        from clinic.referrals.service import Partners, Referrals
        from clinic.staff.manager import StaffManager

        self.home = home
        self._conn: Connection | None = conn
        self.keyfile = keyfile
        self.keys: UnlockedKeys | None = keys
        self.data_key: SecretBytes | None = data_key
        self.user = user
        self.vault_id = keyfile.vault_id
        self.staff = StaffManager(self)
        self.clients = Clients(self)
        self.intakes = Intakes(self)
        self.cases = Cases(self)
        self.sealed = Sealed(self)
        self.documents = Documents(self)
        self.settings = Settings(self)
        self.partners = Partners(self)
        self.referrals = Referrals(self)
        self.plans = Plans(self)


        self.incidents = Incidents(self)
        self.public_reports = PublicReports(self)


        self.conflicts = Conflicts(self)
        self.eligibility = Eligibility(self)

    def __repr__(self) -> str:
        return f"<Vault {self.vault_id[:8]}… user={self.user.id} {'open' if self._conn else 'locked'}>"

    # ----- plumbing for the managers ---------------------------------------------------------------

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise PermissionDenied(_("The vault is locked. Unlock it to continue."))
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

    # ----- lifecycle --------------------------------------------------------------------------------

    @staticmethod
    def check_keyring() -> None:
        """Raise KeyringUnavailable (a sentence with the remedy) when no OS keyring can hold secrets."""
        device.check_available()

    @staticmethod
    def staff_names(home: Home) -> list[str]:
        """Names enrolled on this laptop, for the unlock screen (no database access needed)."""
        return KeyFile.load(home.keys).account_names()

    @classmethod
    def init(cls, home: Home, *, clinic_name: str, admin_name: str, passphrase: str,
             clinic_address: str = "", language: str = "es") -> tuple[Vault, str]:
        """Create a vault and its admin; returns (vault, recovery key text to show once)."""
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
        keyfile = KeyFile.new(home.keys, vault_id)
        entry, public = keyfile.enrol(name=admin_name, passphrase=passphrase, device_secret=device_secret,
                                      privileged_fpr=fpr)
        keyfile.grant_data_key(entry, data_key)
        keyfile.grant_privileged(entry, SecretBytes(priv_private))
        recovery_text, recovery_secret = recovery.generate()
        rec = keyfile.set_recovery(recovery_secret, fpr)
        keyfile.grant_data_key(rec, data_key)
        keyfile.grant_privileged(rec, SecretBytes(priv_private))

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
            keyfile.save(integrity_key)
            device.store_anchor(vault_id, home.path, epoch=keyfile.epoch,
                                fpr=p.data_key_fingerprint(bytes(data_key)))
        except BaseException:
            conn.close()
            raise
        keys = UnlockedKeys(entry["account_id"], SecretBytes(b""), (data_key,), SecretBytes(priv_private), fpr)
        user = StaffRepo(conn).get(staff_id)
        return cls(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key, user=user), \
            recovery_text

    @staticmethod
    def derive(home: Home, name: str, passphrase: str, guard: UnlockGuard | None = None) -> UnlockedKeys:
        """Passphrase -> unlock key -> private key -> grants. Slow by design; never on the GUI thread."""
        if guard is not None and (wait := guard.wait_seconds()):
            raise TooManyAttempts(wait)
        keyfile = KeyFile.load(home.keys)
        entry = keyfile.find(name)
        device_secret = device.load(keyfile.vault_id)
        try:
            return keyfile.unlock(name, passphrase, device_secret)
        except WrongPassphrase:
            if guard is not None:
                guard.failed(now_iso(), entry["account_id"] if entry else "unknown")
            raise

    @classmethod
    def open(cls, home: Home, keys: UnlockedKeys, guard: UnlockGuard | None = None) -> Vault:
        """Open the database with the derived keys on the calling thread, and check who is unlocking."""
        keyfile = KeyFile.load(home.keys)
        conn, data_key = _connect_any(home, keys.data_keys)
        try:
            migrate.migrate(conn)
            settings = SettingsRepo(conn)
            if settings.get("vault_id") != keyfile.vault_id:
                raise VaultDamaged(_("The key file belongs to another vault than this database."))
            anchored = _check_anchor(home, keyfile, data_key)
            legacy = _check_keyfile_mac(keyfile, keys.data_keys, anchored, settings)
            found = StaffRepo(conn).by_account(keys.account_id)
            entry = keyfile.by_id(keys.account_id)
            if found is None or not found[0].active:
                raise PermissionDenied(_("This staff account has been removed. Ask the administrator."))
            user, public_key = found
            if entry is None or entry["public_key"] != public_key:
                raise VaultDamaged(_("The key file does not match the staff list in the database."))
            with transaction(conn):
                for at, account_id in (guard.succeeded() if guard else []):
                    who = StaffRepo(conn).by_account(account_id)
                    audit.append(conn, actor_id=who[0].id if who else None, action="unlock.failed",
                                 detail={"at": at})
                audit.append(conn, actor_id=user.id, action="unlock")
            if legacy:  # a version-1 key file: MAC it under the data key and forget the stored MAC key
                keyfile.save(integrity_key_for(data_key, keyfile.vault_id))
                with transaction(conn):
                    settings.delete("integrity_key")
                    audit.append(conn, actor_id=user.id, action="keyfile.upgrade")
        except BaseException:
            conn.close()
            raise
        vault = cls(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key, user=user)
        if keyfile.pending_rotation and vault.can(access.Can.MANAGE_STAFF):
            try:
                vault.staff.finish_rotation()
            except BaseException:
                vault.lock()
                raise
        return vault

    @classmethod
    def unlock(cls, home: Home, name: str, passphrase: str, guard: UnlockGuard | None = None) -> Vault:
        return cls.open(home, cls.derive(home, name, passphrase, guard), guard)

    @classmethod
    def recover(cls, home: Home, *, recovery_key: str, admin_name: str, new_passphrase: str) -> Vault:
        """Unlock with the recovery key (no device secret needed) and set a new admin passphrase here.

        Staff enrolled on another laptop must be enrolled again here (`staff reset NAME`).
        """
        secret = recovery.parse(recovery_key)  # a mistyped key is caught before any KDF
        check_passphrase(new_passphrase)
        keyfile = KeyFile.load(home.keys)
        rec = keyfile.unlock_recovery(secret)
        if keyfile.backup_wrap is None:  # a vault made before backups: let its backups open with this key
            keyfile.add_backup_wrap(secret, rec.private_key)
        device.check_available()
        conn, data_key = _connect_any(home, rec.data_keys)
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
            if not same_laptop:  # other staff were bound to the old laptop's secret: enrol them again
                for other in list(keyfile.accounts):
                    keyfile.remove(other["account_id"])
            keyfile.remove(admin_account)  # the forgotten passphrase's entry
            fpr = SettingsRepo(conn).get("privileged_fpr")
            entry, _pub = keyfile.enrol(name=admin.name, passphrase=new_passphrase,
                                        device_secret=device_secret, privileged_fpr=fpr)
            keyfile.grant_data_key(entry, data_key)
            keyfile.grant_privileged(entry, rec.privileged_private)
            integrity_key = integrity_key_for(data_key, keyfile.vault_id)
            with transaction(conn):
                staff.rekey_account(admin.id, account_id=entry["account_id"], public_key=entry["public_key"])
                SettingsRepo(conn).delete("integrity_key")
                audit.append(conn, actor_id=admin.id, action="vault.recover",
                             detail={"new_laptop": not same_laptop})
            keyfile.save(integrity_key)
            # The recovery key holder vouches for this database: anchor it on this laptop.
            device.store_anchor(keyfile.vault_id, home.path, epoch=keyfile.epoch,
                                fpr=p.data_key_fingerprint(bytes(data_key)))
        except BaseException:
            conn.close()
            raise
        keys = UnlockedKeys(entry["account_id"], SecretBytes(b""), (data_key,), rec.privileged_private, fpr)
        return cls(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key,
                   user=StaffRepo(conn).get(admin.id))

    def lock(self) -> None:
        """Close the database and drop every key. Safe to call twice."""
        conn, self._conn = self._conn, None
        self.keys = None
        self.data_key = None
        if conn is not None:
            try:
                with transaction(conn):
                    audit.append(conn, actor_id=self.user.id, action="lock")
            except Exception:  # locking must always succeed
                log.warning("could not record the lock in the audit log")
            conn.close()

    # ----- background work ----------------------------------------------------------------------------

    def in_worker(self, fn: Callable[[Vault], T]) -> T:
        """Run fn(session) on a connection of its own, opened and closed on the calling thread.

        For background reads (search as you type, the duplicate hint): call it ON the worker thread,
        since a connection belongs to the thread that opened it. The session acts as this one's user
        and shares its keys; it audits like this one, and is closed without a "lock" entry. Opening
        with the raw key costs about a millisecond. Raises PermissionDenied once this vault is locked.
        """
        data_key, keys = self.data_key, self.keys
        if data_key is None or keys is None or self._conn is None:
            raise PermissionDenied(_("The vault is locked. Unlock it to continue."))
        conn = connect(self.home.db, data_key, expect_schema=True)
        try:
            return fn(Vault(home=self.home, conn=conn, keyfile=self.keyfile, keys=keys, data_key=data_key,
                            user=self.user))
        finally:
            conn.close()

    # ----- checks -----------------------------------------------------------------------------------

    def verify(self, *, progress: Callable[[int, int], None] | None = None) -> m.VerifyReport:
        """Database integrity, key file, audit chain and the sealing key; problems as sentences.

        progress(done, total) follows the audit chain as it is read. Seconds on a big vault: never on a
        GUI thread."""
        problems, checked = [], []
        conn = self.conn
        from clinic.storage.db import integrity

        found = integrity(conn)
        if found["bad_pages"]:
            problems.append(_("Encrypted pages failed their integrity check ({n}).").format(n=found["bad_pages"]))
        checked.append(_("encrypted pages"))
        if not found["structure_ok"]:
            problems.append(_("The database structure is damaged."))
        checked.append(_("database structure"))
        if not found["fts_ok"]:
            problems.append(_("The search index is damaged."))
        checked.append(_("search index"))
        fresh = KeyFile.load(self.home.keys)
        if not fresh.mac_ok(self.integrity_key()):
            problems.append(_("The key file was changed outside Clinic Intake."))
        if fresh.pending_rotation:
            problems.append(_("A key rotation after removing a staff member is not finished: the removed "
                              "person's key may still open the database. Unlock as an administrator to "
                              "finish it."))
        try:
            _check_anchor(self.home, fresh, self.data_key, store=False)
        except VaultDamaged as exc:
            problems.append(str(exc))
        if fresh.vault_id != SettingsRepo(conn).get("vault_id"):
            problems.append(_("The key file belongs to another vault."))
        checked.append(_("key file"))
        bad = audit.verify(conn, progress=progress)
        if bad:
            problems.append(_("The audit log was altered at entry {id}.").format(id=bad[0]))
        entries = audit.count(conn)
        checked.append(ngettext("audit log chain ({n} entry)", "audit log chain ({n} entries)", entries)
                       .format(n=entries))
        public, fpr = self.privileged_public()
        from clinic.storage.repos.sealed import SealedRepo

        enrolled = {e.get("privileged_fpr") for e in [*fresh.accounts, fresh.doc.get("recovery") or {}]}
        if p.fingerprint(public) != fpr or enrolled != {fpr}:
            problems.append(_("The attorney-only sealing key in the database is not the one staff were "
                              "enrolled with."))
        elif SealedRepo(conn).fingerprints() - {fpr}:
            problems.append(_("Some attorney-only values are sealed to an unknown key."))
        checked.append(_("sealing key"))
        with transaction(conn):
            self.audit("vault.verify", ok=not problems)
        return m.VerifyReport(tuple(problems), tuple(checked))


def integrity_key_for(data_key: SecretBytes, vault_id: str) -> SecretBytes:
    return SecretBytes(p.keyfile_mac_key(bytes(data_key), vault_id))


def _way_out() -> str:
    return _("If you restored a backup on purpose, unlock it with the recovery key (“clinic-intake "
             "recover”); otherwise put back the latest backup.")


def _check_anchor(home: Home, keyfile: KeyFile, data_key: SecretBytes, *, store: bool = True) -> set[str]:
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


def _check_keyfile_mac(keyfile: KeyFile, data_keys, accepted: set[str], settings: SettingsRepo) -> bool:
    """The key file's MAC, under any held data key that the anchor accepts. True: a version-1 file
    MACed with the old stored key (to be rewritten now)."""
    for key in data_keys:
        if p.data_key_fingerprint(bytes(key)) in accepted and \
                keyfile.mac_ok(integrity_key_for(key, keyfile.vault_id)):
            return False
    stored = settings.get("integrity_key")
    if keyfile.doc.get("version") == 1 and stored and keyfile.mac_ok(SecretBytes(bytes.fromhex(stored))):
        return True
    raise VaultDamaged(_("The key file was changed outside Clinic Intake. Nothing was "
                         "unlocked. Run “clinic-intake verify” and ask the administrator."))


def _connect_any(home: Home, data_keys: tuple[SecretBytes, ...]) -> tuple[Connection, SecretBytes]:
    """Open with the first data key that works (two exist while a key rotation is half done)."""
    for key in data_keys:
        try:
            return connect(home.db, key, expect_schema=True), key
        except WrongKey:
            continue
    raise VaultDamaged(_("The database cannot be opened with this vault's keys: it is damaged or not a "
                         "Clinic Intake database. It was left untouched; restore it from a backup."))


__all__ = ["Vault", "Home", "UserError", "check_passphrase"]
