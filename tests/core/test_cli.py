"""The command line over the facade: the README's intake JSON, roles, errors as one sentence, exit codes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import keyring
import pytest

from clinic.home import Home
from clinic.keys import device, recovery

REPO = Path(__file__).resolve().parents[2]
REF = re.compile(r"^C-[0-9A-Z]{4}-[0-9A-Z]{4}$")
# Issue 2's example, exactly as written there.
README_EXAMPLE = """\
{"given_names": "María José", "family_names": "Hernández López", "date_of_birth": "1987-03-14",
 "phone": "+1 323 555 0142", "safe_to_leave_message": false, "language": "es",
 "household_size": 4, "monthly_income": 2300, "needs": ["immigration", "food"],
 "notes": "Esposo detenido el 28 de junio; dos hijos en casa.",
 "sealed": {"immigration_status": "undocumented", "a_number": "A123456789"}}
"""
SEALED = {"immigration_status": "undocumented", "a_number": "A123456789"}


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "intake.json"
    path.write_text(README_EXAMPLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shared(template, tmp_path_factory, cli_runner):
    """One vault copy for the module's read-mostly tests, with the README example recorded by the volunteer.

    Returns (home, ref). Reading through the CLI only appends audit rows, so the tests can share it.
    """
    base = tmp_path_factory.mktemp("cli")
    home = Home(base / "home")
    shutil.copytree(template.path, home.path)
    (base / "intake.json").write_text(README_EXAMPLE, encoding="utf-8")
    run = cli_runner("intake", "add", str(base / "intake.json"), home=home, role="volunteer")
    assert run.returncode == 0, run.stderr
    return home, run.stdout.strip()


def _ok(run):
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


def _refused(run, *words):
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and run.stderr.startswith("Error")
    for word in words:
        assert word in run.stderr, run.stderr
    return run


def test_readme_example_records_an_intake_and_prints_its_reference(run_cli, home, example):
    """`intake add` with the README's JSON prints only a reference like C-7K3M-9QXD."""
    run = _ok(run_cli("intake", "add", str(example), home=home, role="admin"))
    assert REF.match(run.stdout.strip()), run.stdout
    assert run.stdout.count("\n") == 1


def test_readme_example_is_stored_field_for_field(run_cli, shared):
    """Every value of the README example comes back in `client show --json` for an admin."""
    home, added = shared
    file = json.loads(_ok(run_cli("client", "show", added, "--json", home=home, role="admin")).stdout)
    client, intake = file["client"], file["intakes"][0]
    assert (client["ref"], client["given_names"], client["family_name_1"], client["family_name_2"]) == (
        added, "María José", "Hernández", "López")
    assert client["date_of_birth"] == "1987-03-14" and client["language"] == "es"
    assert client["phones"] == [{"number": "+1 323 555 0142", "label": "", "safe_to_call": True,
                                 "safe_to_text": True, "safe_to_leave_message": False}]
    # the old single figure is kept as what the migration makes of it: one line "other, per month"
    assert (intake["household_size"], intake["annual_income"], intake["needs"]) == (4, 27600,
                                                                                    ["immigration", "food"])
    assert intake["notes"] == "Esposo detenido el 28 de junio; dos hijos en casa."
    assert file["sealed"] == SEALED


def test_the_old_monthly_income_key_becomes_an_income_line_with_a_note(run_cli, home, example):
    """`monthly_income` (scripts written before income lines) is saved as one line, and stderr says so."""
    run = _ok(run_cli("intake", "add", str(example), home=home, role="admin"))
    assert "monthly_income" in run.stderr and "income" in run.stderr
    ref = run.stdout.strip()
    file = json.loads(_ok(run_cli("client", "show", ref, "--json", home=home, role="admin")).stdout)
    assert file["intakes"][0]["annual_income"] == 2300 * 12


def test_the_old_monthly_income_key_with_income_lines_is_refused(run_cli, home, tmp_path):
    """Both the old figure and income lines: refused, the field named, nothing saved."""
    path = tmp_path / "both.json"
    path.write_text(json.dumps({"given_names": "Ana", "family_names": "Ruiz", "household_size": 2,
                                "monthly_income": 900, "income": [{"source": "wages", "amount": 900}]}))
    _refused(run_cli("intake", "add", str(path), home=home, role="admin"), "monthly_income")


def test_every_json_example_in_the_readme_works(run_cli, home, tmp_path):
    """Each ```json intake example in README.md is accepted by `intake add`."""
    blocks = re.findall(r"```json\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    intakes = [b for b in blocks if '"given_names"' in b]
    assert intakes, "README.md documents no intake JSON example"
    for i, block in enumerate(intakes):
        path = tmp_path / f"readme-{i}.json"
        path.write_text(block, encoding="utf-8")
        assert REF.match(_ok(run_cli("intake", "add", str(path), home=home, role="admin")).stdout.strip())


def test_client_show_reveals_sealed_values_to_an_attorney(run_cli, shared):
    """An attorney gets the sealed values in `client show` (text) with the rest of the file."""
    home, added = shared
    out = _ok(run_cli("client", "show", added, home=home, role="attorney")).stdout
    assert out.startswith(f"{added}  María José Hernández López\n")
    assert "Immigration status: undocumented" in out and "A-number: A123456789" in out
    assert "Esposo detenido el 28 de junio; dos hijos en casa." in out


def test_client_show_json_for_a_coordinator_has_no_sealed_values(run_cli, shared):
    """A coordinator's `client show --json` has the file and cases but no sealed value."""
    home, added = shared
    run = _ok(run_cli("client", "show", added, "--json", home=home, role="coordinator"))
    file = json.loads(run.stdout)
    assert file["cases"] and "sealed" not in file
    assert sorted(file["sealed_fields"]) == sorted(SEALED)
    assert not any(value in run.stdout for value in SEALED.values())


def test_client_show_for_a_volunteer(run_cli, shared, template):
    """A volunteer sees their own recent intake without sealed values, and is refused anyone else's file."""
    home, added = shared
    run = _ok(run_cli("client", "show", added, "--json", home=home, role="volunteer"))
    file = json.loads(run.stdout)
    assert file["client"]["ref"] == added and file["cases"] == [] and "sealed" not in file
    assert not any(value in run.stdout for value in SEALED.values())
    _refused(run_cli("client", "show", template.sample_ref, home=home, role="volunteer"), "24 hours")


def test_search_json_per_role(run_cli, shared):
    """Coordinators get client rows; a volunteer gets only id, ref, name, date of birth and last visit."""
    home, added = shared
    rows = json.loads(_ok(run_cli("search", "hernandez", "--json", home=home, role="coordinator")).stdout)
    assert [r["ref"] for r in rows] == [added]
    assert {"id", "ref", "display_name", "date_of_birth", "language", "last_visit", "open_cases"} <= set(rows[0])
    rows = json.loads(_ok(run_cli("search", "maria jose", "--json", home=home, role="volunteer")).stdout)
    assert [r["ref"] for r in rows] == [added]
    assert set(rows[0]) == {"id", "ref", "display_name", "date_of_birth", "last_visit"}
    # notes and phones are not searchable for a volunteer
    assert json.loads(_ok(run_cli("search", "detenido 0142", "--json", home=home, role="volunteer")).stdout) == []


def test_search_text_output_is_one_line_per_client(run_cli, shared, template):
    """Plain `search` prints ref, name, date of birth and last visit, tab-separated."""
    out = _ok(run_cli("search", "garcia", home=shared[0], role="coordinator")).stdout.splitlines()
    assert len(out) == 1 and out[0].split("\t")[:3] == [template.sample_ref, "Rosa María García Núñez",
                                                          "1979-05-02"]


BAD_INTAKES = {
    "unknown-key": ('{"given_names": "Ana", "family_names": "Ruiz", "favourite_colour": "red"}',
                    "favourite_colour"),
    "wrong-type": ('{"given_names": "Ana", "family_names": "Ruiz", "household_size": "four"}', "household_size"),
    "bool-for-number": ('{"given_names": "Ana", "family_names": "Ruiz", "monthly_income": true}',
                        "monthly_income"),
    "impossible-date": ('{"given_names": "Ana", "family_names": "Ruiz", "date_of_birth": "1987-02-30"}',
                        "date_of_birth"),
    "oversized-notes": (json.dumps({"given_names": "Ana", "family_names": "Ruiz", "notes": "n" * 1_048_576}),
                        "notes"),
    "oversized-sealed": (json.dumps({"given_names": "Ana", "family_names": "Ruiz",
                                     "sealed": {"a_number": "9" * 1_048_576}}), "sealed"),
    "oversized-file": (json.dumps({"given_names": "Ana", "family_names": "Ruiz", "notes": "n" * 3_000_000}),
                       "too large"),
    "oversized-name": (json.dumps({"given_names": "A" * 100_000, "family_names": "Ruiz"}), "given_names"),
    "unknown-need": ('{"given_names": "Ana", "family_names": "Ruiz", "needs": ["jetpack"]}', "needs"),
    "unknown-sealed": ('{"given_names": "Ana", "family_names": "Ruiz", "sealed": {"shoe_size": "9"}}', "sealed"),
    "nul-in-name": ('{"given_names": "A\\u0000na", "family_names": "Ruiz"}', "given_names"),
    "no-consent": ('{"given_names": "Ana", "family_names": "Ruiz", "consent_to_store": false}',
                   "consent_to_store"),
    "not-an-object": ('["Ana", "Ruiz"]', "JSON object"),
    "broken-json": ('{"given_names": "Ana", ', "not valid JSON"),
}


@pytest.mark.parametrize(("text", "named"), list(BAD_INTAKES.values()), ids=list(BAD_INTAKES))
def test_bad_intake_json_is_refused_naming_the_field(run_cli, home, tmp_path, states, text, named):
    """Unknown keys, wrong types, impossible dates, oversized values: exit 1, field named, nothing saved.

    No user or passphrase is given: the file is refused before anything is unlocked.
    """
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    before = states(home.path)
    run = _refused(run_cli("intake", "add", str(path), home=home), named)
    assert run.stdout == "" and len(run.stderr.splitlines()) == 1
    assert states(home.path) == before


def test_a_non_utf8_file_is_refused(run_cli, home, tmp_path):
    """Bytes that are not UTF-8 are refused with a sentence, not a traceback."""
    path = tmp_path / "latin1.json"
    path.write_bytes('{"given_names": "José", "family_names": "Núñez"}'.encode("latin-1"))
    _refused(run_cli("intake", "add", str(path), home=home, role="admin"))


def test_verify_exits_0_then_1_after_an_audit_row_is_edited(run_cli, home, template, raw_db):
    """`verify` passes on a sound vault and exits 1 naming the audit log once a row is edited."""
    run = _ok(run_cli("verify", home=home, role="admin"))
    assert "All checks passed." in run.stdout
    with raw_db(home.db, template.keys["admin"].data_keys[0]) as conn:
        conn.execute("UPDATE audit SET action = 'lock' WHERE id = (SELECT min(id) FROM audit "
                     "WHERE action = 'intake.create')")
    run = run_cli("verify", home=home, role="admin")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "audit" in run.stderr.lower()


def test_verify_detects_a_deleted_audit_row(run_cli, home, template, raw_db):
    """Deleting an audit row in the middle of the chain makes `verify` exit 1."""
    with raw_db(home.db, template.keys["admin"].data_keys[0]) as conn:
        conn.execute("DELETE FROM audit WHERE id = (SELECT min(id) + 2 FROM audit)")
    run = run_cli("verify", home=home, role="admin")
    assert run.returncode == 1 and "audit" in run.stderr.lower()


def test_recover_on_a_new_laptop(run_cli, lone_vault, tmp_path):
    """`recover --admin` with CLINIC_RECOVERY_KEY and CLINIC_NEW_PASSPHRASE; the admin then verifies."""
    lone = lone_vault()
    copy = Home(tmp_path / "new-laptop")
    shutil.copytree(lone.home.path, copy.path)
    keyring.delete_password(device.SERVICE, lone.vault_id)
    new_pw = "brand new admin passphrase"
    refused = run_cli("verify", home=copy, env={"CLINIC_USER": lone.admin[0], "CLINIC_PASSPHRASE": lone.admin[1]})
    _refused(refused, "recovery key")
    run = _ok(run_cli("recover", "--admin", lone.admin[0], home=copy,
                      env={"CLINIC_RECOVERY_KEY": lone.recovery_key, "CLINIC_NEW_PASSPHRASE": new_pw}))
    assert "staff reset" in run.stdout
    _ok(run_cli("verify", home=copy, env={"CLINIC_USER": lone.admin[0], "CLINIC_PASSPHRASE": new_pw}))


def test_recover_with_a_mistyped_key_says_so_first(run_cli, lone_vault, states):
    """A mistyped recovery key is named before a new passphrase is even asked for; nothing changes."""
    lone = lone_vault()
    key = lone.recovery_key
    mistyped = key[:3] + ("7" if key[3] != "7" else "8") + key[4:]
    before = states(lone.home.path)
    run = _refused(run_cli("recover", "--admin", lone.admin[0], home=lone.home,
                           env={"CLINIC_RECOVERY_KEY": mistyped}), "recovery key")
    assert "CLINIC_NEW_PASSPHRASE" not in run.stderr
    assert states(lone.home.path) == before


def test_init_prints_the_recovery_key_once_on_stdout(run_cli, tmp_path):
    """`init` prints exactly one valid recovery key on stdout; stderr carries only the explanation."""
    target = tmp_path / "new-vault"
    run = _ok(run_cli("init", "--admin", "Irene Admin", "--clinic", "Clínica Nueva", home=target,
                      env={"CLINIC_NEW_PASSPHRASE": "irene's long passphrase"}))
    vault_id = json.loads((target / "clinic.keys").read_bytes())["vault_id"]
    try:
        key = run.stdout.strip()
        assert len(run.stdout.splitlines()) == 1
        recovery.parse(key)
        assert key not in run.stderr
        assert sorted(p.name for p in target.iterdir()) == ["clinic.db", "clinic.keys"]
        _ok(run_cli("staff", "list", home=target,
                    env={"CLINIC_USER": "Irene Admin", "CLINIC_PASSPHRASE": "irene's long passphrase"}))
        again = run_cli("init", "--admin", "Otra", home=target, env={"CLINIC_NEW_PASSPHRASE": "another long one"})
        _refused(again, "already")
    finally:
        device.delete(vault_id)


def test_staff_add_list_and_remove(run_cli, home, template):
    """An admin adds, lists and removes staff; the new member can work until removed."""
    _ok(run_cli("staff", "add", "Julia Nueva", "--role", "coordinator", home=home, role="admin",
                env={"CLINIC_NEW_PASSPHRASE": "julia's passphrase"}))
    julia = {"CLINIC_USER": "Julia Nueva", "CLINIC_PASSPHRASE": "julia's passphrase"}
    _ok(run_cli("search", "garcia", home=home, env=julia))
    _ok(run_cli("staff", "remove", "Julia Nueva", home=home, role="admin"))
    _refused(run_cli("search", "garcia", home=home, env=julia))
    listed = json.loads(_ok(run_cli("staff", "list", "--json", home=home, role="admin")).stdout)
    rows = {s["name"]: (s["role"], s["active"]) for s in listed}
    assert rows["Julia Nueva"] == ("coordinator", False)
    assert rows[template.name("volunteer")] == ("volunteer", True)


def test_non_admins_cannot_manage_staff_from_the_cli(run_cli, home, states):
    """`staff add` / `staff list` by a non-admin: exit 1 with a sentence, the key file unchanged."""
    before = states(home.path)["clinic.keys"]
    _refused(run_cli("staff", "list", home=home, role="volunteer"), "does not allow")
    for role in ("coordinator", "attorney"):
        _refused(run_cli("staff", "add", "Intrusa", "--role", "admin", home=home, role=role,
                         env={"CLINIC_NEW_PASSPHRASE": "intruder passphrase"}), "does not allow")
    assert states(home.path)["clinic.keys"] == before


def test_without_a_terminal_the_passphrase_comes_from_the_environment(run_cli, home, template):
    """No tty and no CLINIC_PASSPHRASE: exit 1 naming the variable to set; no traceback."""
    _refused(run_cli("verify", home=home, env={"CLINIC_USER": template.name("admin")}), "CLINIC_PASSPHRASE")
    _refused(run_cli("verify", home=home, env={"CLINIC_PASSPHRASE": "x" * 12}), "CLINIC_USER")


def test_a_folder_without_a_vault_is_not_created(run_cli, tmp_path):
    """Commands on a folder with no vault say how to create one and create nothing."""
    target = tmp_path / "nothing-here"
    _refused(run_cli("verify", home=target, role="admin"), "init")
    assert not target.exists()


def test_search_dash_reads_the_query_from_standard_input(shared, template):
    """`search -`: the query comes from standard input, so it is never in the process's argv."""
    import subprocess

    from tests.fixtures.core import STAFF, cli_command, cli_env

    env = cli_env(home=shared[0], user=STAFF["coordinator"][0], passphrase=STAFF["coordinator"][1])
    run = subprocess.run([*cli_command(), "search", "-"], input="garcia\n", env=env, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == [template.sample_ref]


@pytest.mark.parametrize("value", ["2020-W01-1", "2020W011", "20200101", "2020-001"])
def test_intake_dates_other_than_yyyy_mm_dd_are_refused(value):
    from clinic.clients.intake import draft_from_json
    from clinic.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        draft_from_json({"given_names": "Ana", "family_names": "Ruiz", "date_of_birth": value,
                         "consent_to_store": True})
    assert err.value.field == "date_of_birth"


def test_readme_eligibility_example_prints_what_the_readme_says(run_cli, tmp_path):
    """The `clinic-intake eligibility` example in README.md prints exactly the lines shown under it."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\n\$ clinic-intake (eligibility[^\n]*)\n(.*?)```", text, re.S)
    command, expected = block.group(1).split(), block.group(2)
    out = _ok(run_cli(*command, home=tmp_path / "none"))
    assert out.stdout == expected


def test_conflicts_check_as_volunteer_hides_names_and_attorney_sees_them(run_cli, shared):
    """`conflicts check` tells a volunteer only that there is a possible conflict; an attorney sees who."""
    home, _added = shared
    vol = _ok(run_cli("conflicts", "check", "Hernandez Lopez, Maria Jose", home=home, role="volunteer")).stdout
    assert vol.strip() == "Possible conflict: an attorney must review before advice is given."
    vol_json = json.loads(_ok(run_cli("conflicts", "check", "Maria Hernandes", "--json", home=home,
                                      role="volunteer")).stdout)
    assert vol_json["possible_conflict"] and vol_json["matches"] == []
    att = _ok(run_cli("conflicts", "check", "Maria Hernandes", "--dob", "1987-03-14", home=home,
                      role="attorney")).stdout
    assert "María José Hernández López" in att and "same_dob" in att
    none = _ok(run_cli("conflicts", "check", "Zacarías Uribe", home=home, role="attorney")).stdout
    assert none.strip() == "No possible conflict found."
