"""The funder report: counts of cases opened and closed by LSC problem code, closure category, funding
source and income band; totals equal the vault's; suppression as the public report's; no names anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from clinic import models as m
from clinic.clock import frozen
from clinic.conflicts.parties import ClearResult
from clinic.eligibility.income import IncomeLine, IncomeSource, Period
from clinic.errors import PermissionDenied, ValidationError
from clinic.reports import funder
from tests.fixtures.core import STAFF
from tests.fixtures.pdf import pdf_text

CANARY = "Zacaríasfunder"
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
# (yearly income or None, problem code, funding source, closure category or None), household of one:
# the 2026 guideline is $15,960, so 10,000 is 62.6%, 15,960 is 100%, 19,950 is 125%, 25,000 is 156.6%.
CASES = [(10_000, 63, "LSC", "A")] * 12 + [(15_960, 63, "LSC", "B"), (19_950, 22, "County", None),
                                           (25_000, 22, "County", "F"), (40_000, 37, "", None), (None, 37, "", "A")]


@pytest.fixture
def vault(open_vault):
    with frozen(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)):
        vol, att = open_vault("volunteer"), open_vault("attorney")
        for i, (income, code, source, closure) in enumerate(CASES):
            lines = () if income is None else (IncomeLine(IncomeSource.WAGES, Decimal(income), Period.YEAR),)
            receipt = vol.intakes.record(m.IntakeDraft(
                given_names=f"{CANARY}{i}", family_name_1="Quetzalcanary", household_size=1, income=lines,
                needs=(m.Need.HOUSING,), consent_to_store=True))
            att.cases.set_problem_code(receipt.case_id, code)
            att.conn.execute("UPDATE cases SET funding_source = ? WHERE id = ?", (source, receipt.case_id))
            if closure:
                att.conflicts.clear(receipt.case_id, ClearResult.NO_CONFLICT)
                att.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "Eligible")
                att.cases.set_status(receipt.case_id, m.CaseStatus.CLOSED, "Done", closure_category=closure)
        # One case opened before the period and rejected in it: neither opened nor closed in March.
        with frozen(dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)):
            early = vol.intakes.record(m.IntakeDraft(given_names=CANARY, family_name_1="Early",
                                                     consent_to_store=True))
        att.cases.set_status(early.case_id, m.CaseStatus.REJECTED, "No", rejection_reason="over_income")
        yield open_vault("coordinator")


def _cells(report) -> dict[tuple[str, str], int | None]:
    return {(c.table, c.category): c.value for c in report.cells}


def test_income_bands_have_the_issue_boundaries():
    """Under 100, 100 to 125 (125 included), over 125 to 200, over 200, and unknown without income."""
    got = [funder.band(None if p is None else Decimal(p)) for p in (None, "99.9", "100", "125", "125.1", "200",
                                                                   "200.1")]
    assert got == ["unknown", "under_100", "100_125", "100_125", "125_200", "125_200", "over_200"]


def test_counts_without_suppression_equal_the_vault(vault):
    """Totals equal the vault's own counts; each breakdown adds up to its total; the cells are right."""
    report = vault.funder_report.build(START, END, suppress_small=False)
    cells = _cells(report)
    assert (cells[("opened", "")], cells[("closed", "")]) == vault.funder_report.counts(START, END) == (17, 15)
    for section in ("opened", "closed"):
        for table in ("problem", "funding", "band") + (("closure",) if section == "closed" else ()):
            total = sum(v for (t, _c), v in cells.items() if t == f"{section}_{table}")
            assert total == cells[(section, "")], (section, table)
    assert cells[("opened_problem", "63")] == 13 and cells[("opened_problem", "22")] == 2
    assert cells[("opened_band", "under_100")] == 12 and cells[("opened_band", "100_125")] == 2
    assert cells[("opened_band", "125_200")] == 1 and cells[("opened_band", "over_200")] == 1
    assert cells[("opened_band", "unknown")] == 1
    assert cells[("closed_closure", "A")] == 13 and cells[("closed_closure", "IC")] == 0
    assert cells[("opened_funding", "LSC")] == 13 and cells[("opened_funding", "")] == 2


def test_suppression_hides_small_cells_and_what_would_give_them_away(vault):
    """With suppression no shown count is from 1 to 10; the vault's report still shows its big cells."""
    report = vault.funder_report.build(START, END)
    cells = _cells(report)
    assert report.suppressed and not [v for v in cells.values() if v is not None and 1 <= v <= 10]
    assert cells[("opened", "")] == 17 and cells[("opened_band", "under_100")] == 12
    assert cells[("opened_band", "over_200")] is None and cells[("closed_closure", "B")] is None


def test_one_small_cell_in_a_table_hides_a_second_one():
    """Funding LSC 15 and County 3 of 18: County is hidden, and so is LSC (18 - 15 would give it away)."""
    day = dt.date(2026, 3, 5)
    facts = [funder.FunderFact(day, None, 63, None, "LSC" if i < 15 else "County", Decimal(50)) for i in range(18)]
    cells = _cells(funder.build(facts, date_from=START, date_to=END))
    assert cells[("opened", "")] == 18 and cells[("opened_funding", "County")] is None
    assert cells[("opened_funding", "LSC")] is None
    shown = _cells(funder.build(facts, date_from=START, date_to=END, suppress_small=False))
    assert shown[("opened_funding", "County")] == 3 and shown[("opened_funding", "LSC")] == 15


def test_csv_totals_and_no_names(vault):
    """The CSV's rows give the vault's counts, bilingual labels, and no client name or reference."""
    report = vault.funder_report.build(START, END, suppress_small=False)
    text = vault.funder_report.csv(report)
    rows = list(csv.DictReader(io.StringIO(text)))
    total = {r["section"]: int(r["count"]) for r in rows if r["table"] == "total"}
    assert total == {"opened": 17, "closed": 15}
    band = [r for r in rows if r["table"] == "band" and r["code"] == "under_100"][0]
    assert band["category_es"].startswith("Menos del 100") and band["category_en"].startswith("Under 100%")
    assert "63 Private Landlord/Tenant" in text and "63 Arrendador privado/inquilino" in text
    assert CANARY not in text and "Quetzalcanary" not in text and "C-" not in text


def test_pdf_reads_back_bilingual_with_its_chart_and_no_names(vault):
    """The PDF has both languages, the totals and the period; pypdf and pdftotext find no client name."""
    reports = vault.funder_report
    pdf = reports.pdf(reports.build(START, END))
    text = pdf_text(pdf)
    assert "Informe para financiadores" in text and "Funder report" in text
    assert "2026-03-01" in text and "<11" in text and "17" in text
    assert "Counts from 1 to 10 are not shown" in text
    reader = PdfReader(io.BytesIO(pdf))
    everything = "".join(p.extract_text() for p in reader.pages) + pdf.decode("latin-1")
    assert CANARY not in everything and "Quetzalcanary" not in everything and CANARY not in text


@pytest.mark.parametrize("role", ["volunteer"])
def test_volunteers_cannot_make_it(open_vault, role):
    """Only roles that may publish reports make the funder report."""
    with pytest.raises(PermissionDenied):
        open_vault(role).funder_report.build(START, END)


def test_a_backwards_range_is_refused_at_its_field(vault):
    with pytest.raises(ValidationError) as e:
        vault.funder_report.build(END, START)
    assert e.value.field == "to"


def test_the_cli_writes_csv_and_pdf(vault, run_cli, home, tmp_path):
    """`report funder --from --to --out` writes the file asked for; its totals are the vault's; no names."""
    for name in ("f.csv", "f.pdf"):
        out = tmp_path / name
        run = run_cli("report", "funder", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(out),
                      "--no-suppression", home=home, role="coordinator")
        assert run.returncode == 0, run.stderr
        data = out.read_bytes()
        assert CANARY.encode() not in data and b"Quetzalcanary" not in data
    rows = list(csv.DictReader(io.StringIO((tmp_path / "f.csv").read_text(encoding="utf-8"))))
    assert {r["section"]: r["count"] for r in rows if r["table"] == "total"} == {"opened": "17", "closed": "15"}
    assert "Funder report" in pdf_text((tmp_path / "f.pdf").read_bytes())
    assert STAFF["coordinator"][0] not in pdf_text((tmp_path / "f.pdf").read_bytes())
