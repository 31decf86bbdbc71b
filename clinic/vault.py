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
from clinic.clients.cases import Cases
from clinic.clients.clients import Clients
from clinic.clients.documents import Documents
from clinic.clients.intakes import Intakes
from clinic.clients.sealed import Sealed
from clinic.clients.settings import Settings
from clinic.clock import now_iso
from clinic.conflicts.service import Conflicts
from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.eligibility.service import Eligibility
from clinic.errors import (
    PermissionDenied,
    TooManyAttempts,
    UserError,
    VaultDamaged,
    VaultExists,
    WrongPassphrase,
)
from clinic.followups.service import FollowUps
from clinic.home import Home
from clinic.i18n import _, ngettext
from clinic.incidents.media import IncidentMedia
from clinic.incidents.service import Incidents, PublicReports
from clinic.keys import device, recovery, roster
from clinic.keys.anchor import check_anchor, check_keyfile_mac, integrity_key_for
from clinic.keys.keyfile import KeyFile, UnlockedKeys
from clinic.keys.unlock_guard import UnlockGuard
from clinic.preparedness.plans import Plans
from clinic.referrals.partners import Partners
from clinic.referrals.service import Referrals
from clinic.session import Session, locked
from clinic.staff.manager import StaffManager
from clinic.staff.rules import MIN_PASSPHRASE, check_passphrase, check_staff_name
from clinic.storage import audit, migrate
from clinic.storage.db import Connection, WrongKey, connect, transaction
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo

log = logging.getLogger(__name__)

T = TypeVar("T")


class Vault:
    """An unlocked vault. Use it from the thread that opened it; `lock()` drops every key."""

    def __init__(self, *, home: Home, conn: Connection, keyfile: KeyFile, keys: UnlockedKeys,
                 data_key: SecretBytes, user: m.Staff):
        self.session = s = Session(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key,
                                   user=user)
        self.staff = StaffManager(s)
        self.settings = Settings(s)
        self.eligibility = Eligibility(s)
        self.conflicts = Conflicts(s)
        self.cases = Cases(s, conflicts=self.conflicts)
        # The conflict index follows a corrected name; composed here so services never reach for siblings.
        self.clients = Clients(s, index_names=self.conflicts.index_client)
        self.sealed = Sealed(s)
        self.documents = Documents(s, cases=self.cases)
        self.intakes = Intakes(s, conflicts=self.conflicts, eligibility=self.eligibility)
        self.partners = Partners(s)
        self.referrals = Referrals(s, partners=self.partners, sealed=self.sealed, settings=self.settings)
        self.plans = Plans(s, clients=self.clients, settings=self.settings)
        self.incidents = Incidents(s)
        self.public_reports = PublicReports(s)
        self.incident_media = IncidentMedia(s, incidents=self.incidents)
        self.followups = FollowUps(s, incidents=self.incidents, intakes=self.intakes)

    def __repr__(self) -> str:
        return f"<Vault {self.vault_id[:8]}… user={self.user.id} {'open' if self.is_open else 'locked'}>"

    # ----- the session's plumbing, for callers that hold the facade ----------------------------------

    home = property(lambda self: self.session.home)
    keyfile = property(lambda self: self.session.keyfile)
    keys = property(lambda self: self.session.keys)
    data_key = property(lambda self: self.session.data_key)
    user = property(lambda self: self.session.user)
    vault_id = property(lambda self: self.session.vault_id)
    conn = property(lambda self: self.session.conn)
    is_open = property(lambda self: self.session.is_open)

    def require(self, what: access.Can) -> None:
        self.session.require(what)

    def can(self, what: access.Can) -> bool:
        return self.session.can(what)

    def audit(self, action: str, target: str = "", **detail) -> None:
        self.session.audit(action, target, **detail)

    def integrity_key(self, data_key: SecretBytes | None = None) -> SecretBytes:
        return self.session.integrity_key(data_key)

    def privileged_public(self) -> tuple[bytes, str]:
        return self.session.privileged_public()

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
        keys = keys.owned()  # this vault's own copies, wiped at lock; the caller's stay the caller's
        recorded_signer = device.load_signer(keyfile.vault_id, home.path)
        signer = roster.trusted_signer(keyfile, keys, recorded_signer)
        data_keys = roster.accepted_data_keys(keyfile, keys, signer)  # a grant no admin signed is ignored
        try:
            conn, data_key = _connect_any(home, data_keys)
        except VaultDamaged:
            if len(data_keys) < len(keys.data_keys):  # only a grant no admin signed would open it
                raise roster.forged() from None
            raise
        try:
            migrate.migrate(conn)
            settings = SettingsRepo(conn)
            if settings.get("vault_id") != keyfile.vault_id:
                raise VaultDamaged(_("The key file belongs to another vault than this database."))
            anchored = check_anchor(home, keyfile, data_key)
            legacy = check_keyfile_mac(keyfile, data_keys, anchored, settings.get("integrity_key"))
            found = StaffRepo(conn).by_account(keys.account_id)
            entry = keyfile.by_id(keys.account_id)
            if found is None or not found[0].active:
                raise PermissionDenied(_("This staff account has been removed. Ask the administrator."))
            user, public_key = found
            if entry is None or entry["public_key"] != public_key:
                raise VaultDamaged(_("The key file does not match the staff list in the database."))
            roster.check_role(keyfile, signer, keys.account_id, user.role)
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
            was_signed = bool(keyfile.doc.get("roster_sig"))
            keys = roster.settle(keyfile, keys, signer=signer, folder=home.path, recorded=recorded_signer,
                                 integrity_key=integrity_key_for(data_key, keyfile.vault_id),
                                 staff_roles={a: r for a, r, pub, active in StaffRepo(conn).accounts()
                                              if active and (keyfile.by_id(a) or {}).get("public_key") == pub})
            if not was_signed and keyfile.doc.get("roster_sig"):  # version 2 -> 3: signed for the first time
                with transaction(conn):
                    audit.append(conn, actor_id=user.id, action="keyfile.sign")
        except BaseException:
            conn.close()
            keys.wipe()
            raise
        vault = cls(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key, user=user)
        if vault.can(access.Can.MANAGE_STAFF) and vault.keys.privileged_private is not None:
            try:
                if keyfile.pending_rotation:
                    vault.staff.finish_rotation()
                vault.staff.finish_privileged_rotation()  # a removal or demotion cut off: finish it
            except BaseException:
                vault.lock()
                raise
        return vault

    @classmethod
    def unlock(cls, home: Home, name: str, passphrase: str, guard: UnlockGuard | None = None) -> Vault:
        keys = cls.derive(home, name, passphrase, guard)
        try:
            return cls.open(home, keys, guard)
        finally:
            keys.wipe()  # the vault holds its own copies

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
        signed = rec.signer is not None and roster.signature_ok(keyfile, rec.signer)
        conn, data_key = _connect_any(home, roster.accepted_data_keys(keyfile, rec, rec.signer) if signed
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
        return cls(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key,
                   user=StaffRepo(conn).get(admin.id))

    def lock(self) -> None:
        """Close the database and drop every key (in the Session every service holds). Safe twice."""
        self.session.lock()

    # ----- background work ----------------------------------------------------------------------------

    def in_worker(self, fn: Callable[[Vault], T]) -> T:
        """Run fn(session) on a connection of its own, opened and closed on the calling thread.

        For background reads (search as you type, the duplicate hint): call it ON the worker thread,
        since a connection belongs to the thread that opened it. The session acts as this one's user
        and shares its keys; it audits like this one, and is closed without a "lock" entry. Opening
        with the raw key costs about a millisecond. Raises PermissionDenied once this vault is locked.
        """
        data_key, keys = self.data_key, self.keys
        if data_key is None or keys is None or not self.is_open:
            raise locked()
        data_key = data_key.copy()  # lock() may wipe the original meanwhile
        if len(data_key) != 32:
            raise locked()
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
        from clinic.staff import privileged

        if privileged.is_due(self):
            problems.append(_("A change of the attorney key after removing or demoting a staff member is not "
                              "finished: their old key may still open attorney-only values. Unlock as an "
                              "administrator to finish it."))
        if fresh.pending_rotation:
            problems.append(_("A key rotation after removing a staff member is not finished: the removed "
                              "person's key may still open the database. Unlock as an administrator to "
                              "finish it."))
        try:
            check_anchor(self.home, fresh, self.data_key, store=False)
        except VaultDamaged as exc:
            problems.append(str(exc))
        if fresh.vault_id != SettingsRepo(conn).get("vault_id"):
            problems.append(_("The key file belongs to another vault."))
        problems += roster.staff_problems(fresh, self.keys.signer, StaffRepo(conn).accounts())
        checked.append(_("key file"))
        bad = audit.verify(conn, progress=progress)
        if bad:
            problems.append(_("The audit log was altered at entry {id}.").format(id=bad[0]))
        entries = audit.count(conn)
        checked.append(ngettext("audit log chain ({n} entry)", "audit log chain ({n} entries)", entries)
                       .format(n=entries))
        public, fpr = self.privileged_public()
        from clinic.keys.keyfile import chain_end
        from clinic.storage.repos.resealing import ResealRepo

        enrolled = {chain_end(e) for e in fresh.entries()}
        if p.fingerprint(public) != fpr or (enrolled != {fpr} and not privileged.is_due(self)):
            problems.append(_("The attorney-only sealing key in the database is not the one staff were "
                              "enrolled with."))
        elif ResealRepo(conn).fingerprints() - {fpr} and not privileged.is_due(self):
            problems.append(_("Some attorney-only values are sealed to an unknown key."))
        checked.append(_("sealing key"))
        with transaction(conn):
            self.audit("vault.verify", ok=not problems)
        return m.VerifyReport(tuple(problems), tuple(checked))


def _grant_held_privileged(keyfile: KeyFile, entry: dict, rec: UnlockedKeys) -> None:
    """Give a re-enrolled account the privileged key(s) the recovery entry holds (two mid-rotation)."""
    if rec.privileged_older:
        keyfile.grant_privileged(entry, rec.privileged_older[0])
        keyfile.grant_privileged_next(entry, rec.privileged_private)
    else:
        keyfile.grant_privileged(entry, rec.privileged_private)



def _connect_any(home: Home, data_keys: tuple[SecretBytes, ...]) -> tuple[Connection, SecretBytes]:
    """Open with the first data key that works (two exist while a key rotation is half done)."""
    for key in data_keys:
        try:
            return connect(home.db, key, expect_schema=True), key
        except WrongKey:
            continue
    raise VaultDamaged(_("The database cannot be opened with this vault's keys: it is damaged or not a "
                         "Clinic Intake database. It was left untouched; restore it from a backup."))


__all__ = ["Vault", "Home", "UserError", "MIN_PASSPHRASE", "check_passphrase", "check_staff_name",
           "integrity_key_for"]
