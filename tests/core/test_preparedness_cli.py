"""`clinic-intake plan`: the README's example exactly as written, JSON out, errors as one sentence."""

from __future__ import annotations

import json
import shlex

import pypdf

from tests.fixtures.preparedness_sample import README, readme_plan, readme_plan_json


def _readme_commands() -> list[list[str]]:
    """The shell lines of the README's plan example, split as the shell would."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index("<!-- plan-example -->"):].split("```sh\n", 1)[1].split("\n```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def test_the_readme_example_works_exactly_as_written(run_cli, home, template, tmp_path):
    """Each README command, with REF set to a client's reference, succeeds and writes a readable PDF."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "plan.json").write_text(readme_plan_json(), encoding="utf-8")
    commands = _readme_commands()
    assert [c[:3] for c in commands][0] == ["clinic-intake", "plan", "set"] and len(commands) == 5
    for command in commands:
        assert command[0] == "clinic-intake"
        args = [template.sample_ref if a == "$REF" else a for a in command[1:]]
        args = [str(work / a) if a.endswith((".json", ".pdf")) else a for a in args]
        run = run_cli(*args, home=home, role="admin")
        assert run.returncode == 0, (command, run.stderr)
        assert "Traceback" not in run.stderr
    for name in ("affidavit.pdf", "packet.pdf", "cards.pdf"):
        reader = pypdf.PdfReader(work / name)
        assert reader.pages and reader.pages[0].extract_text()
    shown = run_cli("plan", "show", template.sample_ref, home=home, role="admin").stdout
    assert "Lucía Núñez" in shown and "Sofía García" in shown


def test_plan_show_json_gives_back_the_plan(run_cli, home, template, tmp_path):
    """`plan show --json` prints the plan as set, key for key."""
    path = tmp_path / "plan.json"
    path.write_text(readme_plan_json(), encoding="utf-8")
    assert run_cli("plan", "set", template.sample_ref, str(path), home=home, role="coordinator").returncode == 0
    run = run_cli("plan", "show", template.sample_ref, "--json", home=home, role="coordinator")
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    for key, value in readme_plan().items():
        if isinstance(value, dict):
            assert {k: shown[key][k] for k in value} == value
        elif isinstance(value, list):
            assert [{k: s[k] for k in v} for s, v in zip(shown[key], value, strict=True)] == value
        else:
            assert shown[key] == value


def test_bad_plan_json_is_refused_before_the_passphrase(run_cli, home, template, tmp_path):
    """A plan with an immigration status is refused with the field named, and no passphrase is needed."""
    path = tmp_path / "plan.json"
    path.write_text('{"immigration_status": "undocumented"}', encoding="utf-8")
    run = run_cli("plan", "set", template.sample_ref, str(path), home=home)
    assert run.returncode == 1 and run.stderr.startswith("Error") and "immigration_status" in run.stderr


def test_a_volunteer_is_refused_in_one_sentence(run_cli, home, template, tmp_path):
    """A volunteer printing someone else's client's cards gets a one-sentence refusal and no file."""
    out = tmp_path / "cards.pdf"
    run = run_cli("plan", "print", template.sample_ref, "--what", "cards", "--out", str(out), home=home,
                  role="volunteer")
    assert run.returncode == 1 and run.stderr.startswith("Error") and "Traceback" not in run.stderr
    assert not out.exists()


def test_plan_due_lists_nothing_for_a_fresh_affidavit(run_cli, home, template, tmp_path):
    """`plan due --json` is an empty list when no affidavit is older than 11 months (signed today)."""
    import datetime as dt

    data = readme_plan() | {"affidavit_date": dt.date.today().isoformat()}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run_cli("plan", "set", template.sample_ref, str(path), home=home, role="admin").returncode == 0
    run = run_cli("plan", "due", "--json", home=home, role="admin")
    assert run.returncode == 0 and json.loads(run.stdout) == []
