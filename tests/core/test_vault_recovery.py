"""A copy on a laptop without the device secret: staff passphrases fail, the recovery key restores access."""

from __future__ import annotations

import shutil

import keyring
import pytest

from clinic.errors import PermissionDenied, RecoveryKeyInvalid, VaultDamaged, WrongPassphrase
from clinic.home import Home
from clinic.keys import device
from clinic.vault import Vault

NEW_ADMIN_PW = "recovered admin passphrase"


def _new_laptop(lone, tmp_path) -> Home:
    """Copy the home elsewhere and drop its device secret from the keyring, as on another machine."""
    copy = Home(tmp_path / "new-laptop")
    shutil.copytree(lone.home.path, copy.path)
    keyring.delete_password(device.SERVICE, lone.vault_id)
    return copy


def _mistypes(key: str) -> dict[str, str]:
    """One changed character, two adjacent characters swapped, two groups swapped."""
    groups = key.split("-")
    first = groups[0]
    changed = ("1" if first[0] != "1" else "2") + first[1:]
    i = next(i for i in range(len(first) - 1)
             if first[i] != first[i + 1] and {first[i], first[i + 1]} != {"0", "Z"})
    swapped = first[:i] + first[i + 1] + first[i] + first[i + 2:]
    j = next(j for j in range(1, len(groups)) if groups[j] != groups[0])
    reordered = list(groups)
    reordered[0], reordered[j] = reordered[j], reordered[0]
    return {"one character changed": "-".join([changed, *groups[1:]]),
            "adjacent characters swapped": "-".join([swapped, *groups[1:]]),
            "two groups swapped": "-".join(reordered)}


def test_staff_passphrases_cannot_unlock_without_the_device_secret(lone_vault, tmp_path, states):
    """Without this laptop's device secret, the right passphrase fails with a sentence naming the recovery key."""
    lone = lone_vault()
    copy = _new_laptop(lone, tmp_path)
    before = states(copy.path)
    for name, passphrase in (lone.admin, lone.volunteer):
        with pytest.raises(VaultDamaged) as err:
            Vault.unlock(copy, name, passphrase)
        assert "recovery key" in str(err.value)
    assert states(copy.path) == before


def test_recovery_key_restores_a_copy_on_a_new_laptop(lone_vault, tmp_path):
    """recover() with the recovery key: the admin unlocks with the new passphrase and the data is intact."""
    lone = lone_vault()
    copy = _new_laptop(lone, tmp_path)
    vault = Vault.recover(copy, recovery_key=lone.recovery_key, admin_name=lone.admin[0],
                          new_passphrase=NEW_ADMIN_PW)
    vault.lock()
    vault = Vault.unlock(copy, lone.admin[0], NEW_ADMIN_PW)
    try:
        file = vault.clients.get(lone.client_ref)
        assert file.client.family_name_1 == "García"
        assert vault.sealed.reveal(file.client.id)  # the privileged key came back too
        assert vault.verify().ok
    finally:
        vault.lock()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(copy, lone.admin[0], lone.admin[1])


def test_other_staff_need_a_reset_after_recovery(lone_vault, tmp_path):
    """After recovery on a new laptop, other staff cannot unlock until the admin runs `staff reset`."""
    lone = lone_vault()
    copy = _new_laptop(lone, tmp_path)
    Vault.recover(copy, recovery_key=lone.recovery_key, admin_name=lone.admin[0],
                  new_passphrase=NEW_ADMIN_PW).lock()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(copy, *lone.volunteer)
    admin = Vault.unlock(copy, lone.admin[0], NEW_ADMIN_PW)
    try:
        admin.staff.reset(lone.volunteer[0], "volunteer on the new laptop")
    finally:
        admin.lock()
    volunteer = Vault.unlock(copy, lone.volunteer[0], "volunteer on the new laptop")
    try:
        assert volunteer.user.role.value == "volunteer"
        assert volunteer.keys.privileged_private is None
    finally:
        volunteer.lock()


@pytest.mark.parametrize("kind", ["one character changed", "adjacent characters swapped", "two groups swapped"])
def test_mistyped_recovery_key_is_caught_before_any_kdf(lone_vault, tmp_path, states, forbid_kdf, kind):
    """A mistyped recovery key raises RecoveryKeyInvalid from its checksum; no KDF runs, no file changes."""
    lone = lone_vault()
    copy = _new_laptop(lone, tmp_path)
    before = states(copy.path)
    forbid_kdf()
    with pytest.raises(RecoveryKeyInvalid):
        Vault.recover(copy, recovery_key=_mistypes(lone.recovery_key)[kind], admin_name=lone.admin[0],
                      new_passphrase=NEW_ADMIN_PW)
    assert states(copy.path) == before


def test_recovery_key_is_read_leniently(lone_vault, tmp_path):
    """Lower case, spaces instead of dashes and O for 0 are the same key."""
    lone = lone_vault()
    copy = _new_laptop(lone, tmp_path)
    typed = lone.recovery_key.lower().replace("-", " ").replace("0", "o")
    Vault.recover(copy, recovery_key=typed, admin_name=lone.admin[0], new_passphrase=NEW_ADMIN_PW).lock()


def test_another_vaults_recovery_key_is_refused(lone_vault, tmp_path, states):
    """A well-formed key of another vault passes the checksum but is refused, changing nothing."""
    lone, other = lone_vault(), lone_vault()
    copy = _new_laptop(lone, tmp_path)
    before = states(copy.path)
    with pytest.raises(RecoveryKeyInvalid):
        Vault.recover(copy, recovery_key=other.recovery_key, admin_name=lone.admin[0],
                      new_passphrase=NEW_ADMIN_PW)
    assert states(copy.path) == before


def test_recovery_names_an_active_admin(lone_vault, tmp_path):
    """Recovering as a volunteer is refused with PermissionDenied: only an active administrator may take over."""
    lone = lone_vault()
    copy = _new_laptop(lone, tmp_path)
    with pytest.raises(PermissionDenied):
        Vault.recover(copy, recovery_key=lone.recovery_key, admin_name=lone.volunteer[0],
                      new_passphrase=NEW_ADMIN_PW)


def test_recovery_as_a_non_admin_gives_no_access(lone_vault, tmp_path, states):
    """Whatever the error, naming a volunteer in recover() enrols nobody and leaves the files as they were."""
    lone = lone_vault()
    copy = _new_laptop(lone, tmp_path)
    before = states(copy.path)
    with pytest.raises(PermissionDenied):
        Vault.recover(copy, recovery_key=lone.recovery_key, admin_name=lone.volunteer[0],
                      new_passphrase=NEW_ADMIN_PW)
    assert states(copy.path) == before


def test_recovery_on_the_same_laptop_lets_the_admin_in_with_the_new_passphrase(lone_vault):
    """A forgotten admin passphrase on the same laptop: after recover(), the new passphrase unlocks."""
    lone = lone_vault()
    Vault.recover(lone.home, recovery_key=lone.recovery_key, admin_name=lone.admin[0],
                  new_passphrase=NEW_ADMIN_PW).lock()
    Vault.unlock(lone.home, lone.admin[0], NEW_ADMIN_PW).lock()


def test_recovery_on_the_same_laptop_keeps_other_staff_enrolled(lone_vault):
    """On the laptop that still holds the device secret, recovery does not lock the other staff out."""
    lone = lone_vault()
    Vault.recover(lone.home, recovery_key=lone.recovery_key, admin_name=lone.admin[0],
                  new_passphrase=NEW_ADMIN_PW).lock()
    Vault.unlock(lone.home, *lone.volunteer).lock()
