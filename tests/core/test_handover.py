"""Vault.open_elsewhere: open on one thread, use on another (check_same_thread holds), wipe if unwanted."""

import threading

import pytest

from clinic.errors import PermissionDenied
from clinic.vault import Vault


def _open_on_a_thread(home, template):
    out = []
    worker = threading.Thread(target=lambda: out.append(
        Vault.open_elsewhere(home, template.name("admin"), template.passphrase("admin"))))
    worker.start()
    worker.join(60)
    return out[0]


def test_a_vault_opened_on_a_worker_is_used_on_the_taking_thread(template, home):
    handed = _open_on_a_thread(home, template)
    vault = handed.take()
    try:
        assert vault.settings.get().name  # this thread's own connection: no ProgrammingError
        assert vault.user.name == template.name("admin")
    finally:
        vault.lock()
    with pytest.raises(PermissionDenied):
        handed.take()  # once only
    handed.wipe()  # safe after take


def test_an_unwanted_hand_over_is_wiped(template, home):
    handed = _open_on_a_thread(home, template)
    data_key = handed._parts["data_key"]
    handed.wipe()
    assert data_key.wiped
    with pytest.raises(PermissionDenied):
        handed.take()


def test_an_abandoned_unlock_is_closed_by_a_lock_in_the_audit_log(template, home):
    """A hand-over wiped unused (lock or panic during unlock) audits "lock" after its "unlock", once."""
    from clinic.storage import audit

    handed = _open_on_a_thread(home, template)
    handed.wipe()
    handed.wipe()
    vault = Vault.unlock(home, template.name("admin"), template.passphrase("admin"))
    try:
        actions = [row[3] for row in reversed(audit.recent(vault.session.conn)) if row[3] in ("unlock", "lock")]
    finally:
        vault.lock()
    assert actions[-3:] == ["unlock", "lock", "unlock"], actions
