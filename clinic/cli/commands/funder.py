"""Command-line verbs for the funder report and the deadlines list."""

from __future__ import annotations

import sys
from pathlib import Path

from clinic.cli.commands.incidents import _date
from clinic.i18n import _


def cmd_funder(args) -> int:
    from clinic.cli.common import CliError, unlock
    from clinic.files import atomic_write

    start, end = _date("from", getattr(args, "from")), _date("to", args.to)
    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".csv"):
        raise CliError(_("The report is written as .pdf or .csv: {file}").format(file=args.out))
    if not out.parent.is_dir():
        raise CliError(_("The folder for {file} does not exist.").format(file=args.out))
    vault = unlock(args)
    try:
        reports = vault.funder_report
        report = reports.build(start, end, suppress_small=not args.no_suppression)
        data = reports.pdf(report) if out.suffix.lower() == ".pdf" else reports.csv(report).encode("utf-8")
        atomic_write(out, data)
    finally:
        vault.lock()
    print(_("Funder report written to {file}. It is not encrypted.").format(file=str(out)), file=sys.stderr)
    return 0


def cmd_deadlines(args) -> int:
    from clinic import models as m
    from clinic.cli.common import CliError, print_json, unlock

    vault = unlock(args)
    try:
        if args.supervisor:
            staff = next((s for s in vault.staff.list() if s.name == args.supervisor), None)
            if staff is None:
                raise CliError(_("No staff member named {name}.").format(name=args.supervisor))
            vault.deadlines.set_supervising(staff.id, not args.off)
            print(_("{name} sees everyone's deadlines.").format(name=staff.name) if not args.off else
                  _("{name} sees only their own cases' deadlines.").format(name=staff.name))
            return 0
        rows = vault.deadlines.upcoming(everyone=args.all, within_days=args.days)
    finally:
        vault.lock()
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        flag = _("OVERDUE") if r.overdue else ""
        print(f"{r.due_date.isoformat()}\t{flag}\t{_(m.DEADLINE_KIND_LABELS[r.kind])}\t{r.client_ref}\t"
              f"{r.client_name}\t{r.assigned_name}")
    return 0


def add_commands(report_sub, sub) -> None:
    a = report_sub.add_parser("funder", help=_("cases opened and closed by code, funding source and income band"))
    a.add_argument("--from", required=True, help="YYYY-MM-DD")
    a.add_argument("--to", required=True, help="YYYY-MM-DD")
    a.add_argument("--out", required=True, help=_("FILE.pdf or FILE.csv"))
    a.add_argument("--no-suppression", action="store_true",
                   help=_("show counts from 1 to 10 too (for the funder only, not for publication)"))
    a.set_defaults(fn=cmd_funder)
    s = sub.add_parser("deadlines", help=_("upcoming hearings, check-ins and filing deadlines on your cases"))
    s.add_argument("--all", action="store_true", help=_("everyone's cases (supervising attorneys and admins)"))
    s.add_argument("--days", type=int, help=_("only overdue dates and the next N days"))
    s.add_argument("--json", action="store_true")
    s.add_argument("--supervisor", metavar="NAME",
                   help=_("admins: make this attorney a supervising attorney (sees everyone's deadlines)"))
    s.add_argument("--off", action="store_true", help=_("with --supervisor: stop it"))
    s.set_defaults(fn=cmd_deadlines)
