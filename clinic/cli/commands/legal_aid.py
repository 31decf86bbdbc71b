"""Command-line verbs for conflict checks and financial eligibility."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clinic import clock
from clinic.conflicts.parties import MORE_CANDIDATES_NOTICE, VOLUNTEER_NOTICE
from clinic.errors import ValidationError
from clinic.i18n import _, format_amount, format_money, format_percent


def _date(text: str | None, field: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        pass
    raise ValidationError(field, _("{field} is not a real date; write it as YYYY-MM-DD.").format(field=field))


def cmd_conflicts(args) -> int:
    """Check a name against every client, household member and adverse party, as the acting user may see."""
    from clinic.cli.common import print_json, unlock

    dob = _date(args.dob, "--dob")
    vault = unlock(args)
    try:
        check = vault.conflicts.check_names([(args.name, dob, args.organisation)])
    finally:
        vault.lock()
    if args.json:
        print_json({"possible_conflict": check.possible_conflict,
                     "message": _(VOLUNTEER_NOTICE) if check.possible_conflict else "",
                     "matches": list(check.matches), "more_candidates": check.more_candidates,
                     "more_message": _(MORE_CANDIDATES_NOTICE) if check.more_candidates else ""})
        return 0
    if not check.possible_conflict:
        print(_("No possible conflict found."))
        return 0
    print(_(VOLUNTEER_NOTICE))
    for x in check.matches:
        print(f"{x.score}\t{x.source}\t{x.client_ref}\t{x.name}\t{','.join(x.reasons)}")
    if check.more_candidates:
        print(_(MORE_CANDIDATES_NOTICE))
    return 0


def cmd_eligibility(args) -> int:
    """% of the poverty guideline from the shipped tables (no vault needed)."""
    from clinic.cli.common import print_json
    from clinic.eligibility import guidelines, income
    from clinic.eligibility.assess import assess, assess_on
    from clinic.eligibility.funding import DEFAULT_SOURCES, qualify

    lines = [income.line("wages", args.income, args.per, field="--income")]
    tables = guidelines.shipped()
    region = guidelines.Region(args.region)
    if args.year is not None:
        if args.year not in tables:
            raise ValidationError("--year", _("No poverty guideline table for {year}.").format(year=args.year))
        result = assess(lines, household_size=args.household, region=region, table=tables[args.year])
    else:
        result = assess_on(lines, household_size=args.household, on=clock.today(), tables=tables, region=region)
    sources = [q.source.name for q in qualify(result, DEFAULT_SOURCES) if q.qualifies]
    if args.json:
        print_json({"household_size": result.household_size, "region": result.region.value,
                     "annual_income": str(result.annual_income), "table_year": result.table_year,
                     "guideline": result.guideline, "percent_of_guideline": str(result.percent),
                     "qualifies_for": sources, "source": tables[result.table_year].source})
        return 0
    print(_("{percent} of the {year} poverty guideline ({guideline} a year for {n} in {region}); "
            "annual income {income}.").format(percent=format_percent(result.percent), year=result.table_year,
                                              guideline=format_money(result.guideline), n=result.household_size,
                                              region=_(region.label), income=format_amount(result.annual_income)))
    print(_("Within the limits of: {sources}").format(sources=", ".join(sources) or "-"))
    return 0


def cmd_eligibility_table(args) -> int:
    """An admin loads a new year's guideline table from CSV into the vault."""
    from clinic.cli.common import CliError, unlock

    if args.table_cmd == "region":
        vault = unlock(args)
        try:
            region = vault.eligibility.set_default_region(args.region)
        finally:
            vault.lock()
        print(_("New intakes now start with the region: {region}.").format(region=_(region.label)))
        return 0
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise CliError(_("Cannot read {file} as UTF-8 text.").format(file=args.file)) from None
    vault = unlock(args)
    try:
        table = vault.eligibility.load_table_csv(text)
    finally:
        vault.lock()
    print(_("Loaded the {year} poverty guideline table.").format(year=table.year))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("conflicts", help=_("check a name for conflicts of interest"))
    sc = s.add_subparsers(dest="conflicts_cmd", required=True)
    a = sc.add_parser("check")
    a.add_argument("name")
    a.add_argument("--dob", help="YYYY-MM-DD")
    a.add_argument("--organisation", action="store_true", help=_("the name is an organisation's"))
    a.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_conflicts)
    s = sub.add_parser("eligibility", help=_("a household's percentage of the poverty guideline"))
    s.add_argument("--household", type=int, required=True)
    s.add_argument("--income", required=True)
    s.add_argument("--per", default="year", choices=["week", "biweekly", "month", "year"])
    s.add_argument("--year", type=int)
    s.add_argument("--region", default="contiguous", choices=["contiguous", "alaska", "hawaii"])
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_eligibility)
    s = sub.add_parser("guideline-table", help=_("load a new year's poverty guideline table (admin)"))
    sg = s.add_subparsers(dest="table_cmd", required=True)
    a = sg.add_parser("load")
    a.add_argument("file")
    a = sg.add_parser("region", help=_("the clinic's region, where new intakes start"))
    a.add_argument("region", choices=["contiguous", "alaska", "hawaii"])
    s.set_defaults(fn=cmd_eligibility_table)
