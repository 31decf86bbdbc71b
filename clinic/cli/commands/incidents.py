"""Command-line verbs for incident reports and the public report."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from clinic.cli.commands import hotline
from clinic.errors import ValidationError
from clinic.i18n import _
from clinic.incidents import model as im


def _date(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, _("{field} must be a date as YYYY-MM-DD.").format(field=field)) from None


def cmd_incident(args) -> int:
    from clinic.cli.common import load_json, print_json, unlock

    draft = im.draft_from_json(load_json(args.file)) if args.incident_cmd == "add" else None
    prepared = hotline.prepare(args)
    vault = unlock(args)
    try:
        if args.incident_cmd in ("media", "followup"):
            return hotline.run(args, vault, prepared)
        if args.incident_cmd == "add":
            print(vault.incidents.record(draft).ref)
        elif args.incident_cmd == "list":
            rows = vault.incidents.list(status=im._enum("status", im.Status, args.status) if args.status else None)
            if args.json:
                print_json(rows)
            for r in [] if args.json else rows:
                print(f"{r.ref}\t{r.date.isoformat()}\t{r.neighbourhood or '-'}\t{_(r.status.label)}")
        elif args.incident_cmd == "show":
            from clinic.access import Can

            incident = vault.incidents.get(args.ref)
            reporter = vault.incidents.reporter(args.ref) if args.reporter else None
            history = vault.incidents.history(args.ref) if vault.can(Can.VIEW_INCIDENTS) else []
            linked = vault.incidents.linked(args.ref) if vault.can(Can.VIEW_INCIDENTS) else []
            out = {"ref": incident.ref, "status": incident.status, "has_reporter": incident.has_reporter,
                   "incident": incident.draft, "history": history, "linked": linked}
            if reporter is not None:
                out["reporter"] = reporter
            if args.json:
                print_json(out)
            else:
                d = incident.draft
                print(f"{incident.ref}  {d.date.isoformat()}  {_(incident.status.label)}")
                print(_("Where: {place}").format(place=d.address or "-"))
                if d.notes:
                    print("  " + d.notes)
                for h in history:
                    print(f"  [{h.at:%Y-%m-%d}] {h.by_name}: {_(h.status.label)} ({_(h.method.label)}) {h.reason}")
                if reporter is not None:
                    print(_("Reporter: {name} {phone}").format(name=reporter["name"], phone=reporter["phone"]))
        elif args.incident_cmd == "verify":
            incident = vault.incidents.verify(args.ref, status=args.status, reason=args.reason,
                                              method=args.how, linked=tuple(args.link or ()))
            print(_("{ref} is now: {status}").format(ref=incident.ref, status=_(incident.status.label)))
        else:
            if args.set is not None:
                vault.incidents.set_neighbourhoods([n.strip() for n in args.set.split(",") if n.strip()])
            for name in vault.incidents.neighbourhoods():
                print(name)
    finally:
        vault.lock()
    return 0


def cmd_report(args) -> int:
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
        reports = vault.public_reports
        if args.preview:
            sys.stdout.write(reports.csv(reports.preview(start, end)))
            return 0
        report = reports.publish(start, end)
        data = reports.pdf(report) if out.suffix.lower() == ".pdf" else reports.csv(report).encode("utf-8")
        atomic_write(out, data)
    finally:
        vault.lock()
    print(_("Public report written to {file}.").format(file=str(out)), file=sys.stderr)
    return 0


def add_commands(sub):
    """The incident verbs and `report public`; returns the `report` subcommands, for `report funder`."""
    s = sub.add_parser("incident", help=_("raid-incident reports"))
    si = s.add_subparsers(dest="incident_cmd", required=True)
    a = si.add_parser("add", help=_("record one report; print its reference"))
    a.add_argument("file")
    a = si.add_parser("list")
    a.add_argument("--status", choices=[x.value for x in im.Status])
    a.add_argument("--json", action="store_true")
    a = si.add_parser("show")
    a.add_argument("ref")
    a.add_argument("--json", action="store_true")
    a.add_argument("--reporter", action="store_true", help=_("also the reporter's name and phone (attorneys, "
                                                             "admins)"))
    a = si.add_parser("verify")
    a.add_argument("ref")
    a.add_argument("--status", required=True, choices=[x.value for x in im.Status])
    a.add_argument("--reason", required=True)
    a.add_argument("--how", default=im.Method.OTHER.value, choices=[x.value for x in im.Method])
    a.add_argument("--link", action="append", help=_("another report about the same event (repeatable)"))
    a = si.add_parser("neighbourhoods", help=_("show or set the clinic's list of neighbourhoods"))
    a.add_argument("--set", help=_("comma-separated names (replaces the list)"))
    hotline.add_subcommands(si)
    s.set_defaults(fn=cmd_incident)

    s = sub.add_parser("report", help=_("the public report and the funder report"))
    sr = s.add_subparsers(dest="report_cmd", required=True)
    a = sr.add_parser("public", help=_("publish the public report for a period"))
    a.add_argument("--from", required=True, help="YYYY-MM-DD")
    a.add_argument("--to", required=True, help="YYYY-MM-DD")
    a.add_argument("--out", required=True, help=_("FILE.pdf or FILE.csv"))
    a.add_argument("--preview", action="store_true", help=_("print what would be published; save nothing"))
    a.set_defaults(fn=cmd_report)
    return sr
