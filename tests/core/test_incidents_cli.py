"""The incident and public-report commands: the README's example as written, roles, one-sentence errors."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from pypdf import PdfReader

REPO = Path(__file__).resolve().parents[2]
REF = re.compile(r"^I-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def _readme_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text[text.index("### Raid-incident reports"):text.index("## Demo vault")]


@pytest.fixture
def run_cli(run_cli):
    """The CLI importing this tree's `clinic` (the installed script would import the editable install's)."""
    def run(*args, **kw):
        return run_cli(*args, env={"PYTHONPATH": str(REPO)}, **kw)

    return run


def _ok(run):
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


def test_the_readme_example_works_as_written(run_cli, home, tmp_path):
    """The README's commands and incident JSON, run in order (the printed reference in place of the sample)."""
    section = _readme_section()
    (tmp_path / "incident.json").write_text(re.search(r"```json\n(.*?)```", section, re.S).group(1),
                                            encoding="utf-8")
    commands = [line.split("#")[0].strip() for line in re.search(r"```sh\n(.*?)```", section, re.S)
                .group(1).splitlines() if line.strip()]
    ref = None
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "clinic-intake"
        argv = [ref if a == "I-7K3M-9QXD" else str(tmp_path / a) if a.endswith((".json", ".pdf")) else a
                for a in argv[1:]]
        run = _ok(run_cli(*argv, home=home, role="coordinator" if "neighbourhoods" in argv else "admin"))
        if argv[:2] == ["incident", "add"]:
            ref = run.stdout.strip()
            assert REF.match(ref)
    shown = json.loads(_ok(run_cli("incident", "show", ref, "--json", "--reporter", home=home,
                                   role="attorney")).stdout)
    assert shown["status"] == "verified" and shown["reporter"] == {"name": "Lupe", "phone": "+1 323 555 0100"}
    assert shown["incident"]["vehicles"][0]["plate_text"] == "7AB"
    assert shown["history"][0]["method"] == "observer_on_site"
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "november.pdf").pages)
    for secret in ("Lupe", "0100", "Calle 5", "7AB", "Ford", "chalecos", "Se llevaron", ref, "07:30"):
        assert secret not in text
    assert "<11" in text  # one verified incident: every non-zero count is hidden


def test_a_volunteer_can_never_read_a_reporter_back(run_cli, home, tmp_path):
    """Their own report, with --reporter: refused in one sentence, and the name is nowhere in the output."""
    path = tmp_path / "i.json"
    path.write_text(json.dumps({"date": "2026-11-14", "reporter_name": "Zacarías Canario",
                                "reporter_phone": "+1 555 0142"}), encoding="utf-8")
    ref = _ok(run_cli("incident", "add", str(path), home=home, role="volunteer")).stdout.strip()
    run = run_cli("incident", "show", ref, "--reporter", "--json", home=home, role="volunteer")
    assert run.returncode == 1 and run.stderr.startswith("Error") and "Traceback" not in run.stderr
    assert "Zacar" not in run.stdout + run.stderr and "0142" not in run.stdout + run.stderr
    shown = json.loads(_ok(run_cli("incident", "show", ref, "--json", home=home, role="volunteer")).stdout)
    assert "reporter" not in shown and shown["incident"]["reporter_name"] == ""
    listed = _ok(run_cli("incident", "list", "--json", home=home, role="volunteer")).stdout
    assert "Zacar" not in listed and ref in listed
    run = run_cli("incident", "verify", ref, "--status", "malicious", "--reason", "x", home=home, role="volunteer")
    assert run.returncode == 1 and run.stderr.startswith("Error")


def test_bad_incident_json_is_refused_with_the_field_named(run_cli, home, tmp_path):
    """A wrong value names its field; nothing is saved."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"date": "2026-11-14", "warrant": "signed"}), encoding="utf-8")
    run = run_cli("incident", "add", str(path), home=home, role="admin")
    assert run.returncode == 1 and "[warrant]" in run.stderr
    assert _ok(run_cli("incident", "list", "--json", home=home, role="admin")).stdout.strip() == "[]"
