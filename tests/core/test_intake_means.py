"""Intake means: income as lines only (the old monthly figure migrated), the region asked, asset lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from clinic import models as m
from clinic.clients.intake import draft_from_json, problems
from clinic.crypto.primitives import SecretBytes, random_bytes
from clinic.eligibility import assets as am
from clinic.eligibility.funding import FundingSource, qualify
from clinic.eligibility.guidelines import Region
from clinic.eligibility.income import Period, line
from clinic.errors import PermissionDenied, ValidationError
from clinic.storage import migrate
from clinic.storage.db import connect, transaction
from clinic.storage.repos import clients as clients_repo

AT = "2025-06-01T12:00:00+00:00"
BEFORE = migrate.NAMES.index("0016_intake_means.sql")


def _draft(given="Julián", **kw) -> m.IntakeDraft:
    return m.IntakeDraft(given_names=given, family_name_1="Ortega", date_of_birth=dt.date(1990, 1, 2),
                         needs=(m.Need.HOUSING,), consent_to_store=True, **kw)


# ----- migration 16 ------------------------------------------------------------------------------------

def test_migration_16_moves_monthly_income_into_a_line_and_keeps_existing_lines(tmp_path):
    """Each stored monthly income becomes one line "other, per month" where the intake had none; an intake
    with lines keeps them only; the old column is emptied; regions come from stored results."""
    conn = connect(tmp_path / "clinic.db", SecretBytes(random_bytes(32)), create=True)
    try:
        migrate.migrate(conn, target=BEFORE)
        with transaction(conn):
            conn.execute("INSERT INTO staff (id, account_id, name, name_key, role, public_key, created_at) "
                         "VALUES (1, 'acc1', 'Ana', 'ana', 'admin', 'pk', ?)", (AT,))
            conn.execute("INSERT INTO clients (id, ref, given_names, family_name_1, sort_key, language, created_at, "
                         "created_by) VALUES (1, 'C-AAAA-BBBB', 'José', 'Núñez', 'nunez jose', 'es', ?, 1)", (AT,))
            for intake_id, income in ((1, 1800), (2, 950), (3, None)):
                conn.execute("INSERT INTO intakes (id, client_id, recorded_at, recorded_by, channel, household_size, "
                             "monthly_income, urgency, consent_to_store, consent_date, consent_language) "
                             "VALUES (?, 1, ?, 1, 'walk-in', 3, ?, 'routine', 1, '2025-06-01', 'es')",
                             (intake_id, AT, income))
            conn.execute("INSERT INTO income_lines (intake_id, source, amount, per) VALUES (2, 'wages', '400.00', "
                         "'week')")
            conn.execute("INSERT INTO eligibility_results VALUES (2, 3, 'alaska', '20800.00', 2025, 33310, '62.4')")
        migrate.migrate(conn)
        lines = conn.execute("SELECT intake_id, source, amount, per FROM income_lines ORDER BY intake_id").fetchall()
        assert lines == [(1, "other", "1800.00", "month"), (2, "wages", "400.00", "week")]
        assert conn.execute("SELECT count(*) FROM intakes WHERE monthly_income IS NOT NULL").fetchone()[0] == 0
        assert conn.execute("SELECT intake_id, region FROM intake_region").fetchall() == [(2, "alaska")]
        assert conn.execute("SELECT value FROM settings WHERE key = 'eligibility_backfill'").fetchone() == ("1",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_moved_incomes_get_their_result_once_at_the_next_unlock(open_vault):
    """An intake whose income a migration moved into a line (no result yet) is assessed at unlock with the
    table in force on its date; the flag is then dropped, and a later unlock changes nothing."""
    admin = open_vault("admin")
    receipt = admin.intakes.record(_draft(household_size=3))
    with transaction(admin.conn):  # the state migration 16 leaves behind
        admin.conn.execute("INSERT INTO income_lines (intake_id, source, amount, per) VALUES (?, 'other', "
                           "'1800.00', 'month')", (receipt.intake_id,))
        admin.conn.execute("UPDATE intakes SET recorded_at = '2025-06-01T12:00:00+00:00' WHERE id = ?",
                           (receipt.intake_id,))
        admin.conn.execute("INSERT INTO settings (key, value) VALUES ('eligibility_backfill', '1')")
    assert admin.eligibility.for_intake(receipt.intake_id)[1] is None
    admin.lock()
    again = open_vault("coordinator")
    result = again.eligibility.for_intake(receipt.intake_id)[1]
    assert (result.table_year, result.guideline, result.annual_income) == (2025, 15650 + 2 * 5500, Decimal("21600.00"))
    assert result.percent == Decimal("81.0")  # 21,600 / 26,650 = 81.05..., rounded down
    assert again.conn.execute("SELECT count(*) FROM settings WHERE key = 'eligibility_backfill'").fetchone()[0] == 0
    assert again.eligibility.backfill() == 0


def test_the_intake_record_shows_annual_income_from_its_lines(open_vault):
    """Intake.annual_income is the lines' yearly sum in whole dollars; None without lines."""
    admin = open_vault("admin")
    with_lines = admin.intakes.record(_draft(household_size=2, income=(line("wages", "450.50", "week"),
                                                                       line("benefits", 300, "month"))))
    without = admin.intakes.record(_draft(given="Eva"))
    assert admin.intakes.get(with_lines.intake_id).annual_income == round(450.50 * 52 + 3600)
    assert admin.intakes.get(without.intake_id).annual_income is None


def test_the_storage_layer_counts_periods_as_the_eligibility_rules_do():
    """The repository's per-year factors (storage may not import eligibility) are Period's."""
    assert clients_repo._PER_YEAR == {p.value: p.per_year for p in Period}


# ----- region ----------------------------------------------------------------------------------------

def test_the_clinic_default_region_is_used_when_an_intake_gives_none(open_vault):
    """Until an admin sets it the default is the 48 states and DC; set to Hawaii, an intake without a region
    is stored and assessed for Hawaii; one that names a region keeps it. Only admins set it."""
    admin = open_vault("admin")
    assert admin.eligibility.default_region() is Region.CONTIGUOUS
    admin.eligibility.set_default_region("hawaii")
    lines = (line("wages", 2000, "month"),)
    plain = admin.intakes.record(_draft(household_size=1, income=lines))
    alaska = admin.intakes.record(_draft(given="Eva", household_size=1, income=lines, region="alaska"))
    no_income = admin.intakes.record(_draft(given="Luz"))
    assert admin.eligibility.for_intake(plain.intake_id)[1].region is Region.HAWAII
    assert admin.eligibility.means(alaska.intake_id).region is Region.ALASKA
    assert admin.eligibility.means(no_income.intake_id).region is Region.HAWAII  # stored without income too
    with pytest.raises(ValidationError):
        admin.eligibility.set_default_region("guam")
    admin.lock()
    with pytest.raises(PermissionDenied):
        open_vault("coordinator").eligibility.set_default_region("alaska")


def test_an_unknown_region_is_refused():
    with pytest.raises(ValidationError) as exc:
        draft_from_json({"given_names": "Ana", "family_names": "Ruiz", "region": "puerto rico"})
    assert exc.value.field == "region"


# ----- assets ----------------------------------------------------------------------------------------

def test_countable_assets_leave_out_the_home_and_one_vehicle():
    lines = (am.asset("cash", "1200.50"), am.asset("home", 180000, True), am.asset("vehicle", 6000, True),
             am.asset("vehicle", 2500), am.asset("other", 300))
    assert am.countable(am.check_lines(lines)) == Decimal("4000.50")
    assert am.countable(()) is None


@pytest.mark.parametrize("lines, path", [
    ((am.AssetLine(am.AssetKind.CASH, Decimal(10), True),), "assets[0]"),
    ((am.AssetLine(am.AssetKind.VEHICLE, Decimal(10), True), am.AssetLine(am.AssetKind.VEHICLE, Decimal(5), True)),
     "assets[1]"),
    ((am.AssetLine(am.AssetKind.HOME, Decimal(1), True), am.AssetLine(am.AssetKind.HOME, Decimal(1), True)),
     "assets[1]"),
    (("cash",), "assets[0]"),
])
def test_exclusions_beyond_the_home_and_one_vehicle_are_refused(lines, path):
    with pytest.raises(ValidationError) as exc:
        am.check_lines(lines)
    assert (exc.value.field, exc.value.path) == ("assets", path)


@pytest.mark.parametrize("kind, value, excluded", [("boat", 1, False), ("cash", -1, False), ("cash", "1.234", False),
                                                   ("cash", True, False), ("cash", "nan", False),
                                                   ("cash", 1, "yes"), ("cash", 10 ** 9, False)])
def test_bad_asset_lines_are_refused(kind, value, excluded):
    with pytest.raises(ValidationError) as exc:
        am.asset(kind, value, excluded)
    assert exc.value.field == "assets"


def test_asset_lines_from_json_and_every_problem_at_once():
    """The JSON's assets become lines; a bad one is named by its position, beside other problems."""
    draft = draft_from_json({"given_names": "Ana", "family_names": "Ruiz",
                             "assets": [{"kind": "cash", "value": 820.5}, {"kind": "vehicle", "value": 4000,
                                                                            "excluded": True}]})
    assert draft.assets == (am.AssetLine(am.AssetKind.CASH, Decimal("820.50")),
                            am.AssetLine(am.AssetKind.VEHICLE, Decimal("4000.00"), True))
    with pytest.raises(ValidationError) as exc:
        draft_from_json({"given_names": "Ana", "family_names": "Ruiz", "assets": [{"kind": "cash"}]})
    assert exc.value.path == "assets[0]"
    bad = dataclasses.replace(draft, assets=(am.AssetLine(am.AssetKind.OTHER, Decimal(1), True),), site="x\x00")
    assert {p.path for p in problems(bad)} == {"assets[0]", "site"}


def test_assets_are_stored_and_an_asset_ceiling_applies(open_vault):
    """Asset lines and the countable sum are stored with the intake; a source's asset ceiling then rules
    the household out, whatever its income."""
    admin = open_vault("admin")
    receipt = admin.intakes.record(_draft(household_size=2, income=(line("wages", 1000, "month"),),
                                          assets=(am.asset("cash", 5000), am.asset("home", 90000, True))))
    means = admin.eligibility.means(receipt.intake_id)
    assert means.assets == (am.AssetLine(am.AssetKind.CASH, Decimal("5000.00")),
                            am.AssetLine(am.AssetKind.HOME, Decimal("90000.00"), True))
    assert means.countable_assets == Decimal("5000.00")
    assert all(q.qualifies for q in means.qualifications if q.source.income_ceiling_pct in (125, 200))
    capped = FundingSource("Capped", 200, asset_ceiling=4000)
    (q,) = qualify(means.result, (capped,), countable_assets=means.countable_assets)
    assert q.over_assets and not q.qualifies
    admin.lock()
    with pytest.raises(PermissionDenied):
        open_vault("volunteer").eligibility.means(receipt.intake_id)


def test_forgetting_an_intake_removes_its_assets_and_region(open_vault):
    """Retention's delete takes the new rows with the intake."""
    from clinic.storage.repos.retention import RetentionRepo

    admin = open_vault("admin")
    receipt = admin.intakes.record(_draft(household_size=1, assets=(am.asset("cash", 10),)))
    with transaction(admin.conn):
        RetentionRepo(admin.conn).delete_intakes([receipt.intake_id])
    for table in ("asset_lines", "intake_region"):
        assert admin.conn.execute(f"SELECT count(*) FROM {table} WHERE intake_id = ?",  # noqa: S608
                                  (receipt.intake_id,)).fetchone()[0] == 0


def test_the_cli_prints_the_percent_as_each_language_writes_it(run_cli, home):
    """`eligibility` in Spanish: "137,5 %" (Babel's es locale); in English "137.5%"; money as "$15,960"."""
    args = ("eligibility", "--household", "1", "--income", "21945", "--year", "2026")
    es = run_cli(*args, home=home, env={"CLINIC_LANG": "es"})
    assert es.returncode == 0, es.stderr
    assert es.stdout.startswith("137,5\xa0% de la pauta federal de pobreza de 2026 ($15,960 al año"), es.stdout
    en = run_cli(*args, home=home, env={"CLINIC_LANG": "en"})
    assert en.stdout.startswith("137.5% of the 2026 poverty guideline ($15,960 a year"), en.stdout


def test_an_admin_sets_the_clinic_region_from_the_command_line(run_cli, home, open_vault):
    """`guideline-table region hawaii` (admin): new intakes start there; a coordinator is refused."""
    assert run_cli("guideline-table", "region", "hawaii", home=home, role="coordinator").returncode == 1
    run = run_cli("guideline-table", "region", "hawaii", home=home, role="admin")
    assert run.returncode == 0 and "Hawaii" in run.stdout, run.stderr
    assert open_vault("admin").eligibility.default_region() is Region.HAWAII
