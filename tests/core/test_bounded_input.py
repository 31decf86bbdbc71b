"""Issue 15, lower items: oversized and deeply nested input gets one sentence, without being loaded whole."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import tracemalloc

import pytest

from clinic.clients.intake import draft_from_json
from clinic.errors import ValidationError
from clinic.referrals.csvfile import MAX_CSV_BYTES, read_csv_text

from .conftest import REPO, STAFF, cli_command, cli_env


def _sparse(path, size: int):
    with open(path, "wb") as f:  # a hole: takes no disk, but reads back as `size` bytes of zeros
        f.truncate(size)
    return path


def test_a_huge_partner_csv_is_refused_after_reading_at_most_the_limit(tmp_path):
    """read_csv_text on a 300 MB file: a sentence naming the file, and at most ~the limit allocated."""
    big = _sparse(tmp_path / "partners.csv", 300 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as err:
            read_csv_text(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.field == "file" and "too large" in str(err.value)
    assert peak < 3 * MAX_CSV_BYTES, peak


def test_the_cli_partner_import_reads_at_most_the_limit(template, home, tmp_path):
    """`partner import` of a 400 MB file: the sentence, exit 1, and the process never holds the file."""
    big = _sparse(tmp_path / "partners.csv", 400 * 1024 * 1024)
    name, passphrase = STAFF["coordinator"]
    env = cli_env(home=home, user=name, passphrase=passphrase)
    probe = textwrap.dedent(f"""
        import resource, subprocess, sys
        run = subprocess.run({[*cli_command(), "partner", "import", str(big)]!r}, capture_output=True, text=True)
        print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sys.stderr.write(run.stderr)
    """)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=REPO,
                         timeout=300)
    code, max_kib = map(int, run.stdout.split())
    assert code == 1 and "too large" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert max_kib < 300 * 1024, max_kib  # reading it whole (bytes, then text) would need over 800 MB


def test_a_deeply_nested_intake_json_gets_a_sentence_from_the_cli(template, home, tmp_path, run_cli):
    """100,000 nested lists: one sentence and exit 1, not a RecursionError (exit 3)."""
    path = tmp_path / "deep.json"
    path.write_text('{"given_names": "Ana", "phones": ' + "[" * 100_000 + "]" * 100_000 + "}")
    run = run_cli("intake", "add", str(path), home=home, role="volunteer")
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert "too deeply" in run.stderr and "Recursion" not in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_nested_intake_within_the_parsers_reach_is_refused_by_the_core():
    """Nesting that json can parse (500 levels) is refused by draft_from_json with a sentence."""
    obj = json.loads('{"given_names": "Ana", "phones": ' + "[" * 500 + "]" * 500 + "}")
    with pytest.raises(ValidationError) as err:
        draft_from_json(obj)
    assert "levels deep" in str(err.value)
    draft_from_json({"given_names": "Ana", "family_name_1": "Ruiz",
                     "phones": [{"number": "+1 213 555 0100"}]})  # ordinary nesting is fine
