"""Thin, named compositions of `cryptography` and `argon2` primitives; nothing here is hand-rolled."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16


class DecryptionFailed(Exception):
    """Wrong key or altered ciphertext: AES-GCM's tag did not verify."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The floor is RFC 9106's second recommended option; the code never goes below it."""

    memory_kib: int = 65536
    time_cost: int = 3
    parallelism: int = 4

    def as_dict(self) -> dict:
        return {"alg": "argon2id", "m": self.memory_kib, "t": self.time_cost, "p": self.parallelism}

    @classmethod
    def from_dict(cls, d: dict) -> KdfParams:
        if d.get("alg") != "argon2id":
            raise ValueError("unsupported KDF")
        params = cls(memory_kib=int(d["m"]), time_cost=int(d["t"]), parallelism=int(d["p"]))
        params.check_floor()
        return params

    def check_floor(self) -> None:
        if (self.memory_kib < KDF_FLOOR.memory_kib or self.time_cost < KDF_FLOOR.time_cost
                or self.parallelism < KDF_FLOOR.parallelism):
            raise ValueError("KDF parameters below the floor")


KDF_FLOOR = KdfParams()


class SecretBytes:
    """Key material with a redacted repr, so it never lands in a log or a traceback's locals dump.

    The bytes live in a bytearray that `wipe()` overwrites with zeros (lock calls it). That is best
    effort: every `bytes(secret)` handed to a library is an immutable copy Python frees but never clears,
    and `cryptography` and SQLCipher keep their own copies while a key object or connection lives.
    """

    __slots__ = ("_b",)

    def __init__(self, b: bytes | bytearray):
        self._b = bytearray(b)

    def __bytes__(self) -> bytes:
        return bytes(self._b)

    def __len__(self) -> int:
        return len(self._b)

    def __repr__(self) -> str:
        return "<SecretBytes redacted>"

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return isinstance(other, SecretBytes) and hmac.compare_digest(self._b, other._b)

    def __hash__(self) -> int:
        return hash(hashlib.sha256(self._b).digest())

    def copy(self) -> SecretBytes:
        return SecretBytes(self._b)

    def view(self) -> memoryview:
        """The buffer itself, for libraries that take bytes-like objects (no immutable copy is made)."""
        return memoryview(self._b)

    def wipe(self) -> None:
        """Overwrite the buffer with zeros; the object is useless afterwards (length 0, or all zeros
        while someone still holds a view of it)."""
        wipe(self._b)
        try:
            del self._b[:]
        except BufferError:  # a view is still exported: the zeros stay
            pass

    @property
    def wiped(self) -> bool:
        return not any(self._b)


def wipe(buffer: bytearray | memoryview) -> None:
    """Overwrite a mutable buffer with zeros in place (best effort: no copy of it is made here)."""
    view = memoryview(buffer).cast("B")
    view[:] = bytes(len(view))


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


def argon2id(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    params.check_floor()
    return hash_secret_raw(secret, salt, time_cost=params.time_cost, memory_cost=params.memory_kib,
                           parallelism=params.parallelism, hash_len=KEY_BYTES, type=Type.ID)


def hkdf(ikm: bytes, *, info: bytes, salt: bytes | None = None, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def aead_encrypt(key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, ad)


def aead_decrypt(key: bytes, blob: bytes, ad: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + 16:
        raise DecryptionFailed
    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], ad)
    except InvalidTag:
        raise DecryptionFailed from None


def new_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 keypair as (private, public) raw bytes."""
    priv = X25519PrivateKey.generate()
    return private_bytes(priv), public_bytes(priv.public_key())


def private_bytes(priv: X25519PrivateKey) -> bytes:
    return priv.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                              serialization.NoEncryption())


def public_bytes(pub: X25519PublicKey) -> bytes:
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_of(private_raw: bytes) -> bytes:
    return public_bytes(X25519PrivateKey.from_private_bytes(private_raw).public_key())


_SEAL_INFO = b"clinic-intake seal v1"


def seal(recipient_public: bytes, plaintext: bytes, ad: bytes = b"") -> bytes:
    """ECIES: ephemeral X25519 + HKDF-SHA256 + AES-256-GCM. Output: ephemeral public || nonce || ct."""
    eph = X25519PrivateKey.generate()
    eph_pub = public_bytes(eph.public_key())
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = hkdf(shared, salt=eph_pub + recipient_public, info=_SEAL_INFO)
    return eph_pub + aead_encrypt(key, plaintext, ad)


def unseal(recipient_private: bytes, blob: bytes, ad: bytes = b"") -> bytes:
    if len(blob) < 32 + NONCE_BYTES + 16:
        raise DecryptionFailed
    priv = X25519PrivateKey.from_private_bytes(recipient_private)
    eph_pub, rest = blob[:32], blob[32:]
    shared = priv.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    key = hkdf(shared, salt=eph_pub + public_bytes(priv.public_key()), info=_SEAL_INFO)
    return aead_decrypt(key, rest, ad)


def fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(b"clinic-intake fpr v1" + public_key).hexdigest()[:32]


def mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def mac_ok(key: bytes, data: bytes, expected: str) -> bool:
    return hmac.compare_digest(mac(key, data), expected)


def mac_key_id(mac_key: bytes) -> str:
    """Names a key-file MAC key (and so the data key it derives from) without revealing either."""
    return hashlib.sha256(b"clinic-intake mac key id v1" + mac_key).hexdigest()[:32]


def data_key_fingerprint(data_key: bytes) -> str:
    """Names a data key without revealing it (HKDF output; the key is 256 random bits)."""
    return hkdf(data_key, info=b"clinic-intake data key fingerprint v1", length=16).hex()


def keyfile_mac_key(data_key: bytes, vault_id: str) -> bytes:
    """The key-file MAC key: derived from the data key, so it rotates with it."""
    return hkdf(data_key, info=b"clinic-intake key file mac v2" + vault_id.encode())


# ----- signatures (Ed25519): the admins' roster of who holds which key --------------------------------

def new_signing_keypair() -> tuple[bytes, bytes]:
    """A fresh Ed25519 keypair as (private, public) raw bytes."""
    priv = Ed25519PrivateKey.generate()
    return (priv.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                               serialization.NoEncryption()),
            priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def signing_public_of(private_raw: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_raw).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(private_raw: bytes, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_raw).sign(data)


def signature_ok(public_raw: bytes, data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
        return True
    except (InvalidSignature, ValueError):
        return False


def pair_key(own_private: bytes, their_public: bytes, *, info: bytes) -> bytes:
    """A key only the two holders of this pair of X25519 keys can compute (static-static DH + HKDF)."""
    shared = X25519PrivateKey.from_private_bytes(own_private).exchange(X25519PublicKey.from_public_bytes(their_public))
    return hkdf(shared, info=info)
