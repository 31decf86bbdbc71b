"""The facade: create, unlock, recover and lock a clinic vault; everything else hangs off an open Vault.

    keys = Vault.derive(home, name, passphrase)     # slow (Argon2id): any thread
    vault = Vault.open(home, keys)                  # fast: the thread that will use it
    vault.intakes.record(draft); vault.clients.search("garcia"); vault.lock()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from clinic import access, lifecycle
from clinic import models as m
from clinic.clients.cases import Cases
from clinic.clients.clients import Clients
from clinic.clients.documents import Documents
from clinic.clients.intakes import Intakes
from clinic.clients.sealed import Sealed
from clinic.clients.settings import Settings
from clinic.clock import now_iso
from clinic.conflicts.service import Conflicts
from clinic.crypto.primitives import SecretBytes
from clinic.deadlines.service import Deadlines
from clinic.drafts.service import Drafts
from clinic.eligibility.service import Eligibility
from clinic.eligibility.sources import FundingSources
from clinic.errors import (
    PermissionDenied,
    TooManyAttempts,
    UserError,
    VaultDamaged,
    WrongPassphrase,
)
from clinic.followups.service import FollowUps
from clinic.home import Home
from clinic.i18n import _
from clinic.incidents.media import IncidentMedia
from clinic.incidents.service import Incidents, PublicReports
from clinic.keys import device, roster
from clinic.keys.anchor import check_anchor, check_keyfile_mac, integrity_key_for
from clinic.keys.keyfile import KeyFile, UnlockedKeys
from clinic.keys.unlock_guard import UnlockGuard
from clinic.preparedness.plans import Plans
from clinic.referrals.partners import Partners
from clinic.referrals.service import Referrals
from clinic.reports.funder_service import FunderReports
from clinic.session import Session, locked
from clinic.staff.manager import StaffManager
from clinic.staff.rules import MIN_PASSPHRASE, check_passphrase, check_staff_name
from clinic.storage import audit, migrate
from clinic.storage.db import Connection, connect, transaction
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo

log = logging.getLogger(__name__)

T = TypeVar("T")


class HandedOver:
    """An opened vault's keys in transit between threads (`Vault.open_elsewhere`): `take()` once, or `wipe()`."""

    def __init__(self, *, home: Home, keyfile: KeyFile, keys: UnlockedKeys, data_key: SecretBytes, user: m.Staff):
        self._parts: dict | None = {"home": home, "keyfile": keyfile, "keys": keys, "data_key": data_key,
                                    "user": user}

    def take(self) -> Vault:
        """The open vault, its connection opened on the calling thread."""
        parts, self._parts = self._parts, None
        if parts is None:
            raise locked()
        try:
            conn = connect(parts["home"].db, parts["data_key"], expect_schema=True)
        except BaseException:
            parts["keys"].wipe()
            parts["data_key"].wipe()
            raise
        return Vault(conn=conn, **parts)

    def wipe(self) -> None:
        """Drop the keys unused (the unlock was abandoned), auditing the "lock" that closes its "unlock"
        entry (a millisecond's connection). Safe twice, and after take()."""
        parts, self._parts = self._parts, None
        if parts is None:
            return
        try:
            conn = connect(parts["home"].db, parts["data_key"], expect_schema=True)
            try:
                with transaction(conn):
                    audit.append(conn, actor_id=parts["user"].id, action="lock")
            finally:
                conn.close()
        except Exception:  # dropping the keys must always happen
            log.warning("could not record the abandoned unlock's lock in the audit log")
        finally:
            parts["keys"].wipe()
            parts["data_key"].wipe()


class Vault:
    """An unlocked vault. Use it from the thread that opened it; `lock()` drops every key."""

    def __init__(self, *, home: Home, conn: Connection, keyfile: KeyFile, keys: UnlockedKeys,
                 data_key: SecretBytes, user: m.Staff):
        self.session = s = Session(home=home, conn=conn, keyfile=keyfile, keys=keys, data_key=data_key,
                                   user=user)
        self.staff = StaffManager(s)
        self.settings = Settings(s)
        self.eligibility = Eligibility(s)
        self.funding = FundingSources(s)
        self.conflicts = Conflicts(s)
        # Cases and referrals of a client an incident's intake opened become that incident's follow-ups
        # (ids only), through these hooks: neither imports incidents or follow-ups.
        self.cases = Cases(s, conflicts=self.conflicts, eligibility=self.eligibility,
                           on_status=self._case_status_changed)
        self.deadlines = Deadlines(s)
        self.funder_report = FunderReports(s)
        # The conflict index follows a corrected name; composed here so services never reach for siblings.
        self.clients = Clients(s, index_names=self.conflicts.index_client)
        self.sealed = Sealed(s)
        self.documents = Documents(s, cases=self.cases)
        self.intakes = Intakes(s, conflicts=self.conflicts, eligibility=self.eligibility)
        self.partners = Partners(s)
        self.referrals = Referrals(s, partners=self.partners, sealed=self.sealed, settings=self.settings,
                                   on_created=self._referral_created)
        self.plans = Plans(s, clients=self.clients, settings=self.settings,
                           index_people=self.conflicts.index_plan_people)
        self.incidents = Incidents(s)
        self.public_reports = PublicReports(s)
        self.drafts = Drafts(s)  # unsaved forms kept at lock, for their owner only
        self.incident_media = IncidentMedia(s, incidents=self.incidents)
        self.followups = FollowUps(s, incidents=self.incidents, intakes=self.intakes)

    def _case_status_changed(self, case_id: int) -> None:
        self.followups.from_case_status(case_id)

    def _referral_created(self, referral_id: int) -> None:
        self.followups.from_referral(referral_id)

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
        parts, recovery_text = lifecycle.create(home, clinic_name=clinic_name, admin_name=admin_name,
                                                passphrase=passphrase, clinic_address=clinic_address,
                                                language=language)
        return cls(**parts), recovery_text

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
            conn, data_key = lifecycle.connect_any(home, data_keys)
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
        vault.drafts.purge_stale()  # a draft untouched for a day is gone, whoever unlocks
        vault.conflicts.run_pending()  # an intake saved just before a crash gets its conflict check now
        vault.eligibility.backfill()  # once, after migration 16: results for the monthly incomes it moved
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
    def open_elsewhere(cls, home: Home, name: str, passphrase: str,
                       guard: UnlockGuard | None = None) -> HandedOver:
        """Derive and open on a worker thread, then hand the open vault over to another thread.

        Every check of `open` runs here; its connection is closed on this thread (no "lock" entry) and
        `HandedOver.take()` opens a fresh one with the raw data key on the thread that will use it
        (about a millisecond). Drop an unwanted hand-over with `wipe()`.
        """
        vault = cls.unlock(home, name, passphrase, guard)
        handed = HandedOver(home=vault.home, keyfile=vault.keyfile, keys=vault.keys,
                            data_key=vault.data_key.copy(), user=vault.user)
        vault.session.keys = None  # now the hand-over's, not wiped by this lock
        vault.session.lock(record=False)
        return handed

    @classmethod
    def recover(cls, home: Home, *, recovery_key: str, admin_name: str, new_passphrase: str) -> Vault:
        """Unlock with the recovery key (no device secret needed) and set a new admin passphrase here.

        Staff enrolled on another laptop must be enrolled again here (`staff reset NAME`).
        """
        return cls(**lifecycle.recover(home, recovery_key=recovery_key, admin_name=admin_name,
                                       new_passphrase=new_passphrase))

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

    def verify(self, *, progress: Callable[[int, int], None] | None = None, full: bool = False
               ) -> m.VerifyReport:
        """Encrypted pages, key file, audit chain and the sealing key; `full` adds SQLite's structure and
        search-index checks (clinic.maintenance.verify)."""
        from clinic.maintenance.verify import verify_vault

        return verify_vault(self, progress=progress, full=full)


__all__ = ["Vault", "Home", "UserError", "MIN_PASSPHRASE", "check_passphrase", "check_staff_name",
           "integrity_key_for"]
