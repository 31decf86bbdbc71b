"""Unlocking: a wrong passphrase says so and changes no file; repeated failures slow down and are audited."""

from __future__ import annotations

import pytest

from clinic.crypto import primitives
from clinic.errors import TooManyAttempts, WrongPassphrase
from clinic.keys.unlock_guard import FREE_ATTEMPTS, UnlockGuard
from clinic.storage import audit
from clinic.vault import Vault


def test_right_passphrase_unlocks_as_that_staff_member(template, home):
    """The real path, Argon2id included: the right passphrase opens the vault as the right person."""
    vault = Vault.unlock(home, template.name("coordinator"), template.passphrase("coordinator"))
    try:
        assert vault.user.name == template.name("coordinator")
        assert vault.user.role.value == "coordinator"
    finally:
        vault.lock()


def test_wrong_passphrase_is_a_clear_wrong_passphrase_error(template, home):
    """A wrong passphrase raises WrongPassphrase with a sentence about the passphrase."""
    with pytest.raises(WrongPassphrase) as err:
        Vault.unlock(home, template.name("admin"), template.passphrase("admin") + "x")
    assert "passphrase" in str(err.value).lower()


def test_wrong_passphrase_changes_no_file(template, home, states, run_cli):
    """Wrong passphrases (facade and CLI) leave every file of the home byte-identical, mtimes included."""
    before = states(home.path)
    for role in ("admin", "volunteer"):
        with pytest.raises(WrongPassphrase):
            Vault.unlock(home, template.name(role), "not the passphrase at all")
    run = run_cli("verify", home=home, role="attorney", env={"CLINIC_PASSPHRASE": "also not the one"})
    assert run.returncode == 1 and "passphrase" in run.stderr.lower(), run.stderr
    assert "Traceback" not in run.stderr
    assert states(home.path) == before


def test_unknown_staff_name_fails_like_a_wrong_passphrase_and_changes_nothing(home, states):
    """A name that is not enrolled is refused as a failed unlock, with no file touched."""
    before = states(home.path)
    with pytest.raises(WrongPassphrase):
        Vault.unlock(home, "Nadie Conocido", "whatever passphrase")
    assert states(home.path) == before


def test_repeated_failures_raise_too_many_attempts_before_any_kdf(template, home, monkeypatch):
    """After the free attempts the guard refuses at once, even the right passphrase, without running Argon2id."""
    guard = UnlockGuard()
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(WrongPassphrase):
            Vault.derive(home, template.name("admin"), "wrong passphrase!", guard)

    def no_argon(*_a, **_k):
        raise AssertionError("Argon2id ran although the guard should have refused")

    monkeypatch.setattr(primitives, "argon2id", no_argon)
    with pytest.raises(TooManyAttempts) as err:
        Vault.derive(home, template.name("admin"), template.passphrase("admin"), guard)
    assert err.value.seconds >= 1
    assert str(err.value.seconds) in str(err.value)


def test_free_attempts_are_not_throttled(template, home):
    """Fewer failures than the free attempts never delay the right passphrase."""
    guard = UnlockGuard()
    for _ in range(FREE_ATTEMPTS - 1):
        with pytest.raises(WrongPassphrase):
            Vault.derive(home, template.name("volunteer"), "wrong passphrase!", guard)
    keys = Vault.derive(home, template.name("volunteer"), template.passphrase("volunteer"), guard)
    assert keys.data_keys


def test_failed_unlocks_are_audited_after_the_next_good_unlock(template, home):
    """The failures a guard remembered become `unlock.failed` audit rows when someone unlocks."""
    guard = UnlockGuard()
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            Vault.derive(home, template.name("attorney"), "wrong passphrase!", guard)
    vault = Vault.unlock(home, template.name("attorney"), template.passphrase("attorney"), guard)
    try:
        assert audit.count(vault.conn, "unlock.failed") == 2
        assert guard.failures == 0
        assert vault.verify().ok
    finally:
        vault.lock()


def test_unlock_and_lock_are_audited(open_vault):
    """Opening writes an `unlock` row; lock() writes a `lock` row and drops every key."""
    vault = open_vault("coordinator")
    unlocks = audit.count(vault.conn, "unlock")
    locks = audit.count(vault.conn, "lock")
    vault.lock()
    assert vault.keys is None and vault.data_key is None and not vault.is_open
    again = open_vault("coordinator")
    assert audit.count(again.conn, "unlock") == unlocks + 1
    assert audit.count(again.conn, "lock") == locks + 1


def test_a_locked_vault_refuses_every_call(open_vault):
    """After lock(), the managers raise instead of reading: no data without the key."""
    from clinic.errors import PermissionDenied

    vault = open_vault("admin")
    vault.lock()
    with pytest.raises(PermissionDenied):
        vault.clients.search("garcia")
    with pytest.raises(PermissionDenied):
        vault.staff.list()
    vault.lock()  # twice is fine
