"""Command-line verbs for retention: purge, forget a client, legal holds and the retention settings."""

from __future__ import annotations

import sys

from clinic.i18n import _


def cmd_purge(args) -> int:
    from clinic.cli.common import CliError, unlock
    from clinic.maintenance import purge

    vault = unlock(args)
    try:
        counts = purge.plan(vault)
        print(_("Due for deletion under the retention settings:"))
        for line in counts.lines():
            print("  " + line)
        if args.dry_run:
            return 0
        if counts.empty:
            print(_("Nothing is due for deletion."), file=sys.stderr)
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError(_("Deleting needs confirmation: run it again with --yes, or at a terminal."))
            answer = input(_("Delete these for good? Type yes to confirm: "))
            if answer.strip().casefold() not in ("yes", "si", "sí"):
                print(_("Nothing was deleted."), file=sys.stderr)
                return 0
        purge.run(vault, counts)
    finally:
        vault.lock()
    print(_("Deleted, and the freed space was wiped."))
    return 0


def cmd_forget(args) -> int:
    from clinic.cli.common import unlock
    from clinic.maintenance import purge

    vault = unlock(args)
    try:
        purge.forget(vault, args.ref, reason=args.reason)
    finally:
        vault.lock()
    print(_("Client {ref} was deleted entirely, and the freed space was wiped.").format(ref=args.ref.strip().upper()))
    return 0


def cmd_hold(args) -> int:
    from clinic.cli.common import print_json, unlock
    from clinic.maintenance.retention import Retention

    vault = unlock(args)
    try:
        retention = Retention(vault)
        if args.hold_cmd == "place":
            retention.hold(args.case, args.reason)
            print(_("Case {id} is on legal hold.").format(id=args.case))
        elif args.hold_cmd == "lift":
            retention.release(args.case)
            print(_("The legal hold on case {id} was lifted.").format(id=args.case))
        else:
            holds = retention.holds()
            if args.json:
                print_json(holds)
            for h in [] if args.json else holds:
                print(f"{h.case_id}\t{h.client_ref}\t{h.placed_at[:10]}\t{h.placed_by}\t{h.reason}")
    finally:
        vault.lock()
    return 0


def cmd_retention(args) -> int:
    from dataclasses import replace

    from clinic.cli.common import unlock
    from clinic.maintenance.retention import Retention

    vault = unlock(args)
    try:
        retention = Retention(vault)
        settings = retention.settings()
        if args.retention_cmd == "set":
            changes = {k: v for k, v in (("intake_days", args.intake_days), ("case_years", args.case_years),
                                         ("letter_years", args.letter_years),
                                         ("document_years", args.document_years),
                                         ("media_days", args.media_days), ("media_years", args.media_years))
                       if v is not None}
            settings = retention.update(replace(settings, **changes))
    finally:
        vault.lock()
    print(_("Intakes never taken up: deleted after {n} days.").format(n=settings.intake_days))
    print(_("Closed and rejected cases: deleted {n} years after closing.").format(n=settings.case_years))
    print(_("Letters: deleted {n} years after they were made.").format(n=settings.letter_years))
    print(_("Documents of closed and rejected cases: deleted {n} years after closing.")
          .format(n=settings.document_years))
    print(_("Incident photos and videos: deleted {n} days after the incident was last reviewed, unless it "
            "was verified or corroborated.").format(n=settings.media_days))
    print(_("Photos and videos of verified or corroborated incidents: deleted {n} years after the last "
            "review.").format(n=settings.media_years))
    return 0


def add_commands(sub, client_sub) -> None:
    """Add purge, hold and retention to the top level and `forget` under `client`."""
    s = sub.add_parser("purge", help=_("delete what the retention settings say is due (admins)"))
    s.add_argument("--dry-run", action="store_true", help=_("print the counts only"))
    s.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    s.set_defaults(fn=cmd_purge)
    a = client_sub.add_parser("forget", help=_("delete one client entirely (admins and attorneys)"))
    a.add_argument("ref")
    a.add_argument("--reason", required=True, help=_("why (kept in the audit log: no names)"))
    a.set_defaults(fn=cmd_forget)
    s = sub.add_parser("hold", help=_("legal holds on cases (attorneys)"))
    sh = s.add_subparsers(dest="hold_cmd", required=True)
    a = sh.add_parser("place")
    a.add_argument("case", type=int)
    a.add_argument("--reason", required=True)
    a = sh.add_parser("lift")
    a.add_argument("case", type=int)
    a = sh.add_parser("list")
    a.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_hold)
    s = sub.add_parser("retention", help=_("show or change how long records are kept"))
    sr = s.add_subparsers(dest="retention_cmd", required=True)
    sr.add_parser("show")
    a = sr.add_parser("set")
    for flag in ("--intake-days", "--case-years", "--letter-years", "--document-years", "--media-days",
                 "--media-years"):
        a.add_argument(flag, type=int)
    s.set_defaults(fn=cmd_retention)
