"""`backup create|verify|status` and `restore` from the command line; SIGKILL during `backup create`."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from clinic.home import Home
from clinic.keys import device
from clinic.maintenance import backup as b
from clinic.maintenance import verify_backup as vb
from clinic.vault import Vault
from tests.fixtures.core import REPO, STAFF, cli_env

NEW_PW = "restored by a script pw"
# This tree's code, not whatever the venv's clinic-intake script imports.
COMMAND = [sys.executable, "-m", "clinic.cli.main"]


@pytest.fixture
def run_cli(tmp_path):
    """run_cli(*args, home=, env={}) -> CompletedProcess: the CLI of this tree, no terminal, TMPDIR private."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)

    def run(*args: str, home, env=None) -> subprocess.CompletedProcess:
        full = cli_env(home=home, tmpdir=tmpdir, extra={"PYTHONPATH": str(REPO), **(env or {})})
        return subprocess.run([*COMMAND, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=180, cwd=REPO, env=full)

    return run


def _ok(run):
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


def test_create_prints_the_path_and_verify_passes_on_the_laptop_and_with_the_recovery_key(run_cli, lone_vault,
                                                                                        tmp_path):
    """create prints one path; verify says the date and counts, exit 0, by unlocking or by the recovery key."""
    lone = lone_vault()
    usb = tmp_path / "usb"
    usb.mkdir()
    env = {"CLINIC_USER": lone.admin[0], "CLINIC_PASSPHRASE": lone.admin[1]}
    path = _ok(run_cli("backup", "create", "--to", str(usb), home=lone.home, env=env)).stdout.strip()
    assert os.path.dirname(path) == str(usb) and b.NAME.match(os.path.basename(path))
    run = _ok(run_cli("backup", "verify", path, home=lone.home, env=env))
    assert "clients: 1" in run.stdout and "whole" in run.stdout
    run = _ok(run_cli("backup", "verify", path, home=tmp_path / "nothing-here",
                      env={"CLINIC_RECOVERY_KEY": lone.recovery_key}))
    assert "recovery key" in run.stdout
    status = _ok(run_cli("backup", "status", home=lone.home, env=env)).stdout
    assert "Last backup:" in status and str(usb) in status


def test_verify_exits_non_zero_for_a_damaged_file_and_a_wrong_key(run_cli, lone_vault, tmp_path):
    """A flipped byte: exit 1, 'damaged'; another vault's recovery key: exit 1, 'does not open'."""
    lone, other = lone_vault(), lone_vault()
    vault = Vault.unlock(lone.home, *lone.admin)
    try:
        path = b.make_backup(vault, tmp_path).path
    finally:
        vault.lock()
    run = run_cli("backup", "verify", str(path), home=tmp_path / "x", env={"CLINIC_RECOVERY_KEY": other.recovery_key})
    assert run.returncode == 1 and "does not open" in run.stderr and run.stderr.count("\n") == 1
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))
    run = run_cli("backup", "verify", str(path), home=tmp_path / "x", env={"CLINIC_RECOVERY_KEY": lone.recovery_key})
    assert run.returncode == 1 and "damaged" in run.stderr and "Traceback" not in run.stderr


def test_a_missing_folder_is_refused_before_the_passphrase(run_cli, lone_vault, tmp_path):
    """`--to` an unplugged stick: exit 1, one sentence naming the folder; nothing created."""
    lone = lone_vault()
    run = run_cli("backup", "create", "--to", str(tmp_path / "gone"), home=lone.home)  # no passphrase set
    assert run.returncode == 1 and "USB" in run.stderr and str(tmp_path / "gone") in run.stderr
    assert not (tmp_path / "gone").exists()


def test_restore_from_a_script_into_an_empty_home_then_staff_reset(run_cli, lone_vault, tmp_path):
    """restore with CLINIC_RECOVERY_KEY and CLINIC_NEW_PASSPHRASE into an empty --home on a 'new laptop'."""
    lone = lone_vault()
    vault = Vault.unlock(lone.home, *lone.admin)
    try:
        path = b.make_backup(vault, tmp_path).path
    finally:
        vault.lock()
    device.delete(lone.vault_id)
    target = tmp_path / "new" / "home"
    env = {"CLINIC_RECOVERY_KEY": lone.recovery_key, "CLINIC_NEW_PASSPHRASE": NEW_PW}
    run = _ok(run_cli("--home", str(target), "restore", str(path), "--admin", lone.admin[0], home=target, env=env))
    assert "Restored" in run.stdout
    again = run_cli("--home", str(target), "restore", str(path), "--admin", lone.admin[0], home=target, env=env)
    assert again.returncode == 1 and "not empty" in again.stderr
    admin_env = {"CLINIC_USER": lone.admin[0], "CLINIC_PASSPHRASE": NEW_PW}
    _ok(run_cli("client", "show", lone.client_ref, home=target, env=admin_env))
    _ok(run_cli("staff", "reset", lone.volunteer[0], home=target,
                env={**admin_env, "CLINIC_NEW_PASSPHRASE": "volunteer again pw"}))
    _ok(run_cli("search", "garcia", home=target,
                env={"CLINIC_USER": lone.volunteer[0], "CLINIC_PASSPHRASE": "volunteer again pw"}))


def test_restore_replace_needs_yes_without_a_terminal(run_cli, lone_vault, tmp_path):
    """--replace over a vault with no terminal and no --yes is refused; with --yes the old one is moved aside."""
    lone = lone_vault()
    vault = Vault.unlock(lone.home, *lone.admin)
    try:
        path = b.make_backup(vault, tmp_path).path
    finally:
        vault.lock()
    env = {"CLINIC_RECOVERY_KEY": lone.recovery_key, "CLINIC_NEW_PASSPHRASE": NEW_PW}
    run = run_cli("restore", str(path), "--admin", lone.admin[0], "--replace", home=lone.home, env=env)
    assert run.returncode == 1 and "--yes" in run.stderr
    run = _ok(run_cli("restore", str(path), "--admin", lone.admin[0], "--replace", "--yes", home=lone.home, env=env))
    assert "moved" not in run.stderr and "now in" in run.stdout
    assert [p for p in lone.home.path.parent.iterdir() if ".before-restore-" in p.name]


@pytest.mark.slow
def test_sigkill_during_backup_create_never_leaves_a_final_file_that_does_not_verify(template, tmp_path):
    """Kill `backup create` at random moments, dozens of times: every final-named file verifies; vault intact."""
    home = Home(tmp_path / "home")
    import shutil

    shutil.copytree(template.path, home.path)
    vault = Vault.open(home, template.keys["attorney"])
    try:  # a few MB so that a kill often lands inside the export or the write
        case_id = vault.clients.get(template.sample_ref).cases[0].id
        for i in range(8):
            vault.documents.attach(case_id, f"scan{i}.bin", os.urandom(4 * 1024 * 1024))
    finally:
        vault.lock()
    usb = tmp_path / "usb"
    usb.mkdir()
    name, passphrase = STAFF["admin"]
    env = cli_env(home=home, user=name, passphrase=passphrase, tmpdir=tmp_path, extra={"PYTHONPATH": str(REPO)})
    rng = random.Random(9)
    checked: set[str] = set()
    kills = finished = 0
    command = [*COMMAND, "backup", "create", "--to", str(usb)]
    t = time.perf_counter()
    subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    whole = time.perf_counter() - t  # start-up, Argon2id and the backup itself: kills land all over it
    for attempt in range(30):
        before = {p.name for p in usb.iterdir()}
        proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if attempt % 3 == 1 and _wait_for_scratch(usb, before, proc):  # aimed: inside the write, found by watching
            time.sleep(rng.uniform(0, 0.05))
        else:
            time.sleep(rng.uniform(0.2, whole * 1.1))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        else:
            finished += 1
        proc.wait()
        for path in b.backups_in(usb):
            if path.name not in checked:
                report = vb.verify_backup(path, recovery_key=template.recovery_key)
                assert report.ok, (path.name, report.problems)
                checked.add(path.name)
    assert kills >= 5, "no kill landed while the backup was running"
    vault = Vault.open(home, template.keys["admin"])
    try:
        assert vault.verify().ok
    finally:
        vault.lock()
    scratch = [p.name for p in usb.iterdir() if p.name not in checked]
    assert all(n.startswith(".clinic-backup-") and n.endswith(".part") for n in scratch), scratch
    assert scratch, "no kill landed inside the export or the write (no scratch file was left)"
    assert checked, "no backup ever finished"


def _wait_for_scratch(folder, before: set[str], proc, limit: float = 60.0) -> bool:
    """Wait until a new backup scratch file appears in `folder` (the write has begun) or the run ends."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.endswith(".part") and p.name not in before for p in folder.iterdir()):
            return True
        time.sleep(0.002)
    return False


@pytest.mark.slow
def test_sigkill_during_restore_leaves_no_half_vault_and_a_rerun_restores(lone_vault, tmp_path):
    """Kill `restore` at random moments: the target is absent or a whole vault; running it again works."""
    lone = lone_vault()
    vault = Vault.unlock(lone.home, *lone.admin)
    try:
        case_id = vault.clients.get(lone.client_ref).cases[0].id
        for i in range(4):
            vault.documents.attach(case_id, f"scan{i}.bin", os.urandom(4 * 1024 * 1024))
        path = b.make_backup(vault, tmp_path).path
    finally:
        vault.lock()
    device.delete(lone.vault_id)
    rng = random.Random(11)
    env_extra = {"CLINIC_RECOVERY_KEY": lone.recovery_key, "CLINIC_NEW_PASSPHRASE": NEW_PW,
                 "PYTHONPATH": str(REPO)}
    kills = 0
    first = Home(tmp_path / "timed" / "home")
    t = time.perf_counter()
    subprocess.run([*COMMAND, "restore", str(path), "--admin", lone.admin[0]], check=True, capture_output=True,
                   env=cli_env(home=first, tmpdir=tmp_path, extra=env_extra), stdin=subprocess.DEVNULL)
    whole = time.perf_counter() - t  # kills land all over a whole run, whatever the machine's load
    for i in range(12):
        target = Home(tmp_path / f"laptop{i}" / "home")
        env = cli_env(home=target, tmpdir=tmp_path, extra=env_extra)
        command = [*COMMAND, "restore", str(path), "--admin", lone.admin[0]]
        proc = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, whole * 1.05))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        if target.path.exists():  # it got to the final rename: a whole vault that unlocks
            Vault.unlock(target, lone.admin[0], NEW_PW).lock()
            continue
        again = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=180)
        assert again.returncode == 0, again.stderr
        admin = Vault.unlock(target, lone.admin[0], NEW_PW)
        try:
            assert admin.verify().ok and admin.clients.get(lone.client_ref)
        finally:
            admin.lock()
    assert kills >= 3, "no kill landed while restoring"
