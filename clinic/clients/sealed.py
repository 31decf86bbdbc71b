"""Sealed values (A-number, status): encrypted to the privileged key, read only by attorneys and admins."""

from __future__ import annotations

from clinic import models as m
from clinic.access import Can
from clinic.clients.fields import check_text
from clinic.crypto import primitives as p
from clinic.errors import PermissionDenied, VaultDamaged
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.sealed import SealedRepo


class Sealer:
    """Seals attorney-only values to the clinic's privileged public key, after checking it is ours."""

    def __init__(self, session: Session):
        self._v = session
        self.public, self.fpr = session.privileged_public()
        if p.fingerprint(self.public) != self.fpr or self.fpr != session.keys.privileged_fpr:
            raise VaultDamaged(_("The clinic's sealing key in the database does not match the one your "
                                 "account was enrolled with. Nothing was saved. Ask the administrator."))

    def seal(self, *, client_id: int, intake_id: int | None, field: m.SealedField, value: str) -> None:
        ad = f"{self._v.vault_id}|{client_id}|{field.value}".encode()
        blob = p.seal(self.public, value.encode("utf-8"), ad)
        SealedRepo(self._v.conn).add(client_id=client_id, intake_id=intake_id, field=field, ciphertext=blob,
                                     key_fpr=self.fpr, by=self._v.user.id)


class Sealed:
    def __init__(self, session: Session):
        self._v = session

    def reveal(self, client_id: int) -> dict[m.SealedField, str]:
        """Decrypt a client's attorney-only values (latest per field). Every reveal is audited."""
        self._v.require(Can.VIEW_SEALED)
        private = self._v.keys.privileged_private
        if private is None:
            raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
        values: dict[m.SealedField, str] = {}
        rows = SealedRepo(self._v.conn).for_client(client_id)
        for _id, _intake, field, blob in rows:
            ad = f"{self._v.vault_id}|{client_id}|{field.value}".encode()
            try:
                values[field] = self._v.keys.unseal_privileged(blob, ad).decode("utf-8")
            except p.DecryptionFailed:
                raise VaultDamaged(_("An attorney-only value could not be decrypted; it may have been "
                                     "altered.")) from None
        with transaction(self._v.conn):
            self._v.audit("sealed.reveal", f"client:{client_id}", fields=sorted(f.value for f in values))
        return values

    def set(self, client_id: int, field: m.SealedField, value: str) -> None:
        """Record a new value for one attorney-only field (the history is kept, sealed)."""
        self._v.require(Can.VIEW_SEALED)
        check_text("sealed", value, m.MAX_SEALED, multiline=True, path=f"sealed.{m.SealedField(field).value}")
        with transaction(self._v.conn):
            Sealer(self._v).seal(client_id=client_id, intake_id=None, field=m.SealedField(field), value=value)
            self._v.audit("sealed.edit", f"client:{client_id}", field=m.SealedField(field).value)

