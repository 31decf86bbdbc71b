"""Issue 15, lower item: key buffers are overwritten when the vault locks (best effort; docs/security.md)."""

from __future__ import annotations

from clinic.crypto.primitives import SecretBytes
from clinic.vault import Vault


def test_secret_bytes_wipe_overwrites_the_buffer_in_place():
    """wipe() zeroes the very buffer (a view taken before sees zeros); repr never shows the bytes."""
    secret = SecretBytes(b"\x07" * 32)
    view = secret.view()
    assert "07" not in repr(secret) and "\x07" not in str(secret)
    secret.wipe()
    assert bytes(view) == bytes(32) and secret.wiped
    del view
    secret.wipe()  # twice is fine
    assert bytes(secret) in (b"", bytes(32))


def test_lock_overwrites_every_key_the_vault_held(template, home):
    """After lock the data key, private key, privileged key and signing key buffers are all zeros."""
    vault = Vault.open(home, template.keys["admin"])
    keys = vault.keys
    held = [vault.data_key, keys.private_key, keys.privileged_private, keys.signing_key, *keys.data_keys]
    views = [s.view() for s in held]
    assert all(any(v) for v in views)
    vault.lock()
    assert all(bytes(v) == bytes(len(v)) for v in views)


def test_open_keeps_its_own_copies_and_unlock_wipes_the_derived_keys(template, home, monkeypatch):
    """Locking one vault does not wipe the caller's keys (they open again); Vault.unlock leaves none behind."""
    keys = template.keys["volunteer"]
    Vault.open(home, keys).lock()
    assert len(keys.data_keys[0]) == 32 and not keys.data_keys[0].wiped
    Vault.open(home, keys).lock()
    derived = []
    real = Vault.derive

    def recording(*args, **kw):
        derived.append(real(*args, **kw))
        return derived[-1]

    monkeypatch.setattr(Vault, "derive", staticmethod(recording))
    Vault.unlock(home, template.name("volunteer"), template.passphrase("volunteer")).lock()
    assert derived and derived[0].private_key.wiped and all(k.wiped for k in derived[0].data_keys)
