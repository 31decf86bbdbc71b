"""Issue 15: the command line (and the desktop app it starts) writes no core dump and is not dumpable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import resource, sys
from clinic.keys import hardening
assert hardening.dumpable(), "a fresh process should start dumpable, or this test proves nothing"
import clinic.cli.main
try:
    clinic.cli.main.main(["verify"])
except SystemExit:
    pass
print(resource.getrlimit(resource.RLIMIT_CORE), hardening.dumpable())
"""


def test_cli_start_turns_off_core_dumps(tmp_path):
    env = {"CLINIC_HOME": str(tmp_path / "nothing here"), "CLINIC_LANG": "en", "PYTHONPATH": str(REPO),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "(0, 0) False"
