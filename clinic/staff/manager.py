"""Staff accounts: enrol, re-enrol, change roles and revoke, without knowing anyone's passphrase."""

from __future__ import annotations

from dataclasses import dataclass, replace

from clinic import models as m
from clinic.access import Can
from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import NotFound, PermissionDenied, UserError, ValidationError
from clinic.i18n import LANGUAGES, _
from clinic.keys import device, roster
from clinic.keys.keyfile import KeyFile
from clinic.session import Session
from clinic.staff import privileged
from clinic.staff.rules import check_passphrase, check_staff_name
from clinic.storage.db import DatabaseError, rekey, transaction
from clinic.storage.repos.staff import StaffRepo


@dataclass(frozen=True)
class Removal:
    """What `staff remove` did, and what an older copy still gives the removed person."""

    name: str
    held_privileged: bool
    resealed: privileged.Resealed | None

    def old_copies(self) -> str:
        if self.held_privileged:
            return _("Backups and copies made before today still open with {name}'s old passphrase, "
                     "attorney-only values included. Nothing written from now on can be read with "
                     "their old keys. Make a new backup now and destroy the older ones.").format(name=self.name)
        return _("Backups and copies made before today still open with {name}'s old passphrase (everything "
                 "but attorney-only values). Nothing written from now on can be read with their old keys. "
                 "Make a new backup now and destroy the older ones.").format(name=self.name)


class StaffManager:
    def __init__(self, session: Session):
        self._v = session

    def _repo(self) -> StaffRepo:
        return StaffRepo(self._v.conn)

    def list(self) -> list[m.Staff]:
        self._v.require(Can.MANAGE_STAFF)
        return self._repo().all()

    def attorneys(self) -> list[m.Staff]:
        """Active attorneys, for assigning cases (anyone who reviews cases may ask)."""
        self._v.require(Can.VIEW_CLIENTS)
        return [s for s in self._repo().all() if s.active and s.role is m.Role.ATTORNEY]

    def enrolled_here(self) -> set[str]:
        return {a["account_id"] for a in KeyFile.load(self._v.home.keys).accounts}

    def _get(self, name: str) -> tuple[m.Staff, str]:
        found = self._repo().by_name(name)
        if found is None:
            raise NotFound(_("There is no staff member called {name}.").format(name=name))
        return found

    def _grant(self, keyfile: KeyFile, entry: dict, role: m.Role) -> None:
        keyfile.grant_data_key(entry, self._v.data_key)
        keyfile.grant_privileged(entry, self._v.keys.privileged_private if role.privileged else None)
        keyfile.assign_role(entry, role, self._v.keys.signing_key)

    def _check_signed_role(self, keyfile: KeyFile, staff: m.Staff, account: str) -> None:
        """Before granting anything by a role, the database's role must be the one an admin signed."""
        roster.check_role(keyfile, self._v.keys.signer, account, staff.role)

    def add(self, name: str, role: m.Role, passphrase: str, *, language: str = "es") -> m.Staff:
        """Enrol a new staff member; they type their own passphrase (the admin need not know it)."""
        self._v.require(Can.MANAGE_STAFF)
        name = check_staff_name(name)
        check_passphrase(passphrase)
        role = m.Role(role)
        if language not in LANGUAGES:
            raise ValidationError("language", _("Unknown language."))
        if self._repo().by_name(name) is not None:
            raise ValidationError("name", _("There is already a staff member called {name}.")
                                  .format(name=name))
        self._settle()
        keyfile = KeyFile.load(self._v.home.keys)
        _pub, fpr = self._v.privileged_public()
        entry, _key = keyfile.enrol(name=name, passphrase=passphrase, privileged_fpr=fpr,
                                    device_secret=device.load(keyfile.vault_id))
        self._grant(keyfile, entry, role)
        with transaction(self._v.conn):
            staff_id = self._repo().add(account_id=entry["account_id"], name=name, role=role,
                                        language=language, public_key=entry["public_key"])
            self._v.audit("staff.add", f"staff:{staff_id}", role=role.value)
        keyfile.save(self._v.integrity_key(), signer=self._v.keys.signing_key)
        return self._repo().get(staff_id)

    def reset(self, name: str, passphrase: str) -> m.Staff:
        """Enrol an existing staff member again: a forgotten passphrase, or a laptop restored from recovery."""
        self._v.require(Can.MANAGE_STAFF)
        check_passphrase(passphrase)
        staff, old_account = self._get(name)
        if not staff.active:
            raise PermissionDenied(_("{name} was removed; add them again as new staff.").format(name=name))
        self._settle()
        keyfile = KeyFile.load(self._v.home.keys)
        self._check_signed_role(keyfile, staff, old_account)
        keyfile.remove(old_account)
        _pub, fpr = self._v.privileged_public()
        entry, _key = keyfile.enrol(name=staff.name, passphrase=passphrase, privileged_fpr=fpr,
                                    device_secret=device.load(keyfile.vault_id))
        self._grant(keyfile, entry, staff.role)
        with transaction(self._v.conn):
            self._repo().rekey_account(staff.id, account_id=entry["account_id"],
                                       public_key=entry["public_key"])
            self._v.audit("staff.reset", f"staff:{staff.id}")
        keyfile.save(self._v.integrity_key(), signer=self._v.keys.signing_key)
        return self._repo().get(staff.id)

    def set_role(self, name: str, role: m.Role) -> m.Staff:
        """Change a role. Demotion from attorney or admin also rotates the privileged key (see
        clinic/staff/privileged.py), so the person's old key material opens nothing sealed from now on."""
        self._v.require(Can.MANAGE_STAFF)
        staff, account = self._get(name)
        role = m.Role(role)
        if staff.id == self._v.user.id and role is not m.Role.ADMIN:
            raise PermissionDenied(_("You cannot remove your own administrator role."))
        self._settle()
        demoted = staff.role.privileged and not role.privileged
        if demoted and self._v.keys.privileged_private is None:
            raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
        keyfile = KeyFile.load(self._v.home.keys)
        self._check_signed_role(keyfile, staff, account)
        entry = keyfile.by_id(account)
        if entry is not None:
            if not demoted:  # a demotion drops the grant by rotating the attorney key, below
                keyfile.grant_privileged(entry, self._v.keys.privileged_private if role.privileged else None)
            keyfile.assign_role(entry, role, self._v.keys.signing_key)
        with transaction(self._v.conn):
            self._repo().set_role(staff.id, role)
            if demoted:
                privileged.mark_due(self._v.conn)
            self._v.audit("staff.role", f"staff:{staff.id}", role=role.value)
        keyfile.save(self._v.integrity_key(), signer=self._v.keys.signing_key)
        if demoted:
            self._rotate_privileged()  # drops the demoted account's grant of the attorney key
        return self._repo().get(staff.id)

    def _settle(self) -> None:
        """Finish any key change left half done before starting another."""
        if KeyFile.load(self._v.home.keys).pending_rotation:
            self.finish_rotation()
        if privileged.is_due(self._v):
            self._rotate_privileged()

    def _rotate_privileged(self, progress=None) -> privileged.Resealed:
        if KeyFile.load(self._v.home.keys).pending_rotation:
            self.finish_rotation()
        return privileged.rotate(self._v, progress=progress)

    def finish_privileged_rotation(self, progress=None) -> privileged.Resealed | None:
        """Finish a privileged-key rotation that is owed or was cut off (the admin unlock calls this)."""
        self._v.require(Can.MANAGE_STAFF)
        return self._rotate_privileged(progress) if privileged.is_due(self._v) else None

    def set_language(self, language: str) -> None:
        """The acting user's own UI language, remembered for their next unlock."""
        if language not in LANGUAGES:
            raise ValidationError("language", _("Unknown language."))
        with transaction(self._v.conn):
            self._repo().set_language(self._v.user.id, language)
        self._v.user = self._repo().get(self._v.user.id)

    def remove(self, name: str, *, progress=None) -> Removal:
        """Revoke an account and rotate the data key, so a kept copy of the key file opens nothing new;
        for an attorney or admin, the privileged key too (every sealed value is re-sealed).

        Two-phase and crash-safe: new grants for everyone left, then rekey, then drop the old grants.
        A kill at any step leaves every remaining account and the recovery key able to unlock; running
        it again (or the next admin unlock) finishes what was cut off.
        """
        self._v.require(Can.MANAGE_STAFF)
        staff, account = self._get(name)
        if staff.id == self._v.user.id:
            raise PermissionDenied(_("You cannot remove your own account."))
        if staff.role.privileged and self._v.keys.privileged_private is None:
            raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
        if not staff.active:
            keyfile = KeyFile.load(self._v.home.keys)
            if keyfile.pending_rotation:  # a removal cut off inside its rotation: finish it
                self.finish_rotation()
            elif keyfile.by_id(account) is not None:  # a removal cut off before its rotation: finish it
                self.rotate_data_key(remove_account=account)
            elif not privileged.is_due(self._v):
                raise ValidationError("name", _("{name} was already removed.").format(name=staff.name))
        else:
            with transaction(self._v.conn):
                self._repo().revoke(staff.id)
                if staff.role.privileged:
                    privileged.mark_due(self._v.conn)
                self._v.audit("staff.remove", f"staff:{staff.id}")
            self.rotate_data_key(remove_account=account)
        resealed = self._rotate_privileged(progress) if privileged.is_due(self._v) else None
        return Removal(staff.name, staff.role.privileged, resealed)

    def new_recovery_key(self) -> str:
        """Replace the recovery key (the old one stops working); returns the new one, to show once."""
        from clinic.keys import recovery

        self._v.require(Can.MANAGE_STAFF)
        if self._v.keys.privileged_private is None:
            raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
        self._settle()
        text, secret = recovery.generate()
        keyfile = KeyFile.load(self._v.home.keys)
        _pub, fpr = self._v.privileged_public()
        entry = keyfile.set_recovery(secret, fpr)
        keyfile.grant_data_key(entry, self._v.data_key)
        keyfile.grant_privileged(entry, self._v.keys.privileged_private)
        keyfile.grant_signing(entry, self._v.keys.signing_key)
        with transaction(self._v.conn):
            self._v.audit("recovery.replace")
        keyfile.save(self._v.integrity_key(), signer=self._v.keys.signing_key)
        return text

    def rotate_data_key(self, *, remove_account: str | None = None) -> None:
        """New data key: grant it to everyone left, record the rotation as pending, rekey, finish.

        The pending rotation sits in the key file (durable) before the database is touched, so a kill
        or a full disk anywhere after it leaves a record that the next `staff remove` or admin unlock
        finishes and that `verify` reports until then.
        """
        self._v.require(Can.MANAGE_STAFF)
        keyfile = KeyFile.load(self._v.home.keys)
        if keyfile.pending_rotation:
            self.finish_rotation()
            keyfile = KeyFile.load(self._v.home.keys)
        new_key = SecretBytes(p.random_bytes(32))
        if remove_account:
            keyfile.remove(remove_account)
        keyfile.add_data_key_everywhere(new_key)
        new_fpr = p.data_key_fingerprint(bytes(new_key))
        keyfile.doc["pending_rotation"] = {"next_fpr": new_fpr}
        keyfile.save(self._v.integrity_key(), signer=self._v.keys.signing_key)  # phase 1: everyone can open old and new; rotation pending
        device.store_anchor(self._v.vault_id, self._v.home.path, epoch=keyfile.epoch,
                            fpr=p.data_key_fingerprint(bytes(self._v.data_key)), next_fpr=new_fpr)
        self._v.keys = replace(self._v.keys, data_keys=(new_key, *self._v.keys.data_keys))
        self.finish_rotation()

    def finish_rotation(self) -> None:
        """Phases two and three of a pending rotation: rekey to the new key, drop every older grant."""
        self._v.require(Can.MANAGE_STAFF)
        keyfile = KeyFile.load(self._v.home.keys)
        pending = keyfile.pending_rotation
        if not pending:
            return
        new_key = next((k for k in self._v.keys.data_keys
                        if p.data_key_fingerprint(bytes(k)) == pending.get("next_fpr")), None)
        if new_key is None:
            raise PermissionDenied(_("Your account does not hold the new key of the unfinished key "
                                     "rotation. Ask another administrator to unlock."))
        if self._v.data_key != new_key:
            try:
                rekey(self._v.conn, new_key)  # phase 2
            except DatabaseError as exc:
                self._v.lock()  # the connection's key state is unknown after a failed rekey: start afresh
                raise _rotation_failed(exc, self._v.home.path) from None
            self._v.data_key = new_key
        keyfile.keep_only_newest_grant()
        keyfile.doc.pop("pending_rotation", None)
        keyfile.doc["epoch"] = keyfile.epoch + 1
        keyfile.save(self._v.integrity_key(new_key), signer=self._v.keys.signing_key)  # phase 3: only the new key remains
        device.store_anchor(self._v.vault_id, self._v.home.path, epoch=keyfile.epoch,
                            fpr=pending["next_fpr"])
        self._v.keyfile = keyfile
        self._v.keys = replace(self._v.keys, data_keys=(new_key,))
        with transaction(self._v.conn):
            self._v.audit("key.rotate")


def _rotation_failed(exc: Exception, folder) -> UserError:
    import logging
    import os

    logging.getLogger(__name__).error("rekey failed: %s", exc)
    try:
        st = os.statvfs(folder)
        low = st.f_bavail * st.f_frsize < 4 * 1024 * 1024
    except OSError:
        low = False
    if low or "full" in str(exc).lower():
        return UserError(_("The disk is full, so the key rotation could not finish and the vault was "
                           "locked. Nothing was lost: the rotation is recorded and finishes at the next "
                           "administrator unlock once some space is free."))
    return UserError(_("The key rotation could not finish and the vault was locked. Nothing was lost: the "
                       "rotation is recorded and finishes at the next administrator unlock."))
