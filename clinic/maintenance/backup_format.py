"""The backup file format: a keyless header, key slots, then AES-256-GCM chunks authenticating everything.

    header     b"CLINICBAK\\0" + format version (u16 big-endian)                     readable without keys
    key block  u32 length + slots (kind u8, length u16, body); then SHA-256 of all of the above
    chunks     AES-256-GCM under the file key, 1 MiB of plaintext each; nonce = chunk number;
               associated data = that SHA-256 + chunk number + "last chunk" flag

The file key is fresh for every backup. Slot 1 opens it with the vault's data key (what any unlock on the
laptop gives); slot 2 with the recovery key alone (through the recovery private key's second wrapping in
the key file, which needs no vault id). Nothing else is in the clear: the vault id, the date and the
counts are inside the chunks. The SHA-256 tells a damaged key block ("damaged") from a key that opens no
slot ("wrong key"); once a slot opens, any chunk that fails its tag is damage, not a wrong key. Layout is
fixed by the file's size (every chunk but the last is full), so a cut-off file or an appended byte makes
the last chunk fail.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clinic.crypto import primitives as p
from clinic.crypto.primitives import DecryptionFailed, SecretBytes
from clinic.errors import RecoveryKeyInvalid, VaultDamaged
from clinic.i18n import _
from clinic.keys.keyfile import WRAP_INFO, recovery_wrap_key

MAGIC = b"CLINICBAK\0"
VERSION = 1
HEADER = MAGIC + struct.pack(">H", VERSION)
CHUNK = 1 << 20
TAG = 16
SUFFIX = ".cibak"

SLOT_DATA_KEY = 1
SLOT_RECOVERY = 2
_DATA_SLOT_INFO = b"clinic-intake backup slot v1: data key"


class BackupDamaged(VaultDamaged):
    """The file was changed, cut short or is not a backup: the key is not to blame."""


class BackupKeyWrong(RecoveryKeyInvalid):
    """The file looks whole but the key given opens none of its slots."""


def damaged() -> BackupDamaged:
    return BackupDamaged(_("This backup file is damaged: part of it was changed or cut off after it was "
                           "written (the key is not the problem), so nothing was restored from it."))


def _not_a_backup() -> BackupDamaged:
    return BackupDamaged(_("This file is not a Clinic Intake backup, or its beginning is damaged; nothing "
                           "was restored from it."))


# ----- slots ------------------------------------------------------------------------------------------

def data_key_slot(file_key: bytes, data_key: SecretBytes) -> tuple[int, bytes]:
    salt = p.random_bytes(16)
    key = p.hkdf(bytes(data_key), salt=salt, info=_DATA_SLOT_INFO)
    return SLOT_DATA_KEY, salt + p.aead_encrypt(key, file_key, HEADER)


def recovery_slot(file_key: bytes, recovery_public: bytes, wrap: bytes) -> tuple[int, bytes]:
    return SLOT_RECOVERY, struct.pack(">H", len(wrap)) + wrap + p.seal(recovery_public, file_key, HEADER)


def _open_data_slot(body: bytes, data_key: SecretBytes) -> bytes:
    key = p.hkdf(bytes(data_key), salt=body[:16], info=_DATA_SLOT_INFO)
    return p.aead_decrypt(key, body[16:], HEADER)


def _open_recovery_slot(body: bytes, recovery_secret: SecretBytes) -> bytes:
    if len(body) < 2:
        raise DecryptionFailed
    (n,) = struct.unpack(">H", body[:2])
    wrap, sealed = body[2:2 + n], body[2 + n:]
    private = p.aead_decrypt(recovery_wrap_key(recovery_secret), wrap, WRAP_INFO)
    return p.unseal(private, sealed, HEADER)


# ----- writing ----------------------------------------------------------------------------------------

class Writer:
    """Streams plaintext into chunks. `finish()` writes the last chunk; without it the file never opens."""

    def __init__(self, out: BinaryIO, file_key: bytes, slots: list[tuple[int, bytes]]):
        block = b"".join(struct.pack(">BH", kind, len(body)) + body for kind, body in slots)
        prefix = HEADER + struct.pack(">I", len(block)) + block
        self._bind = hashlib.sha256(prefix).digest()
        out.write(prefix + self._bind)
        self._out, self._aead, self._index, self._buf = out, AESGCM(file_key), 0, bytearray()
        self.written = len(prefix) + len(self._bind)

    def _emit(self, data: bytes, last: bool) -> None:
        nonce = self._index.to_bytes(12, "big")
        ct = self._aead.encrypt(nonce, data, self._bind + struct.pack(">QB", self._index, last))
        self._out.write(ct)
        self.written += len(ct)
        self._index += 1

    def write(self, data: bytes) -> None:
        self._buf += data
        while len(self._buf) > CHUNK:  # keep at least one byte back: the last chunk is never empty-by-guess
            self._emit(bytes(self._buf[:CHUNK]), False)
            del self._buf[:CHUNK]

    def finish(self) -> None:
        self._emit(bytes(self._buf), True)
        self._buf.clear()


# ----- reading ----------------------------------------------------------------------------------------

class Reader:
    """Opens a backup file: header, key block, then `chunks()` decrypts and authenticates every chunk."""

    def __init__(self, f: BinaryIO):
        self._f = f
        f.seek(0, os.SEEK_END)
        self.size = f.tell()
        f.seek(0)
        head = f.read(len(HEADER) + 4)
        if len(head) < len(HEADER) + 4 or not head.startswith(MAGIC):
            raise _not_a_backup()
        (version,) = struct.unpack(">H", head[len(MAGIC):len(HEADER)])
        if version != VERSION:
            raise BackupDamaged(_("This backup says it has format version {version}, which this version of "
                                  "Clinic Intake cannot read: the file is damaged or was made by a newer "
                                  "version, and nothing was restored from it.").format(version=version))
        (n,) = struct.unpack(">I", head[len(HEADER):])
        if n > self.size:
            raise damaged()
        block = f.read(n)
        bind = f.read(32)
        if len(block) != n or hashlib.sha256(head + block).digest() != bind:
            raise damaged()
        self._bind = bind
        self._start = f.tell()
        self.slots = _parse_slots(block)

    def open_with_data_key(self, data_key: SecretBytes) -> bytes:
        for kind, body in self.slots:
            if kind == SLOT_DATA_KEY:
                try:
                    return _open_data_slot(body, data_key)
                except DecryptionFailed:
                    continue
        raise BackupKeyWrong(_("This backup was not made from this vault with its current key (the file "
                               "itself is intact). Check it with the recovery key instead."))

    def open_with_recovery(self, recovery_secret: SecretBytes) -> bytes:
        for kind, body in self.slots:
            if kind == SLOT_RECOVERY:
                try:
                    return _open_recovery_slot(body, recovery_secret)
                except (DecryptionFailed, ValueError):
                    continue
        raise BackupKeyWrong(_("That recovery key does not open this backup (the file itself is intact): "
                               "it is the key of another vault, or one replaced after this backup was made."))

    def chunks(self, file_key: bytes) -> Iterator[bytes]:
        """Plaintext chunk by chunk; raises BackupDamaged at the first one that fails (and at the end
        when the file was cut short or has bytes after its last chunk)."""
        aead = AESGCM(file_key)
        remaining = self.size - self._start
        if remaining < TAG:
            raise damaged()
        self._f.seek(self._start)
        index = 0
        while remaining > 0:
            size = min(remaining, CHUNK + TAG)
            last = size == remaining
            ct = self._f.read(size)
            if len(ct) != size:
                raise damaged()
            try:
                plain = aead.decrypt(index.to_bytes(12, "big"), ct,
                                     self._bind + struct.pack(">QB", index, last))
            except InvalidTag:
                raise damaged() from None
            remaining -= size
            index += 1
            yield plain


def _parse_slots(block: bytes) -> list[tuple[int, bytes]]:
    slots, at = [], 0
    while at < len(block):
        if at + 3 > len(block):
            raise damaged()
        kind, n = struct.unpack(">BH", block[at:at + 3])
        body = block[at + 3:at + 3 + n]
        if len(body) != n:
            raise damaged()
        slots.append((kind, body))
        at += 3 + n
    if not slots:
        raise damaged()
    return slots


class PlainStream:
    """Reads the decrypted plaintext as a byte stream over `Reader.chunks()`."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks, self._buf = chunks, b""

    def read(self, n: int) -> bytes:
        while len(self._buf) < n:
            try:
                self._buf += next(self._chunks)
            except StopIteration:
                break
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def rest(self) -> Iterator[bytes]:
        if self._buf:
            yield self._buf
            self._buf = b""
        yield from self._chunks
