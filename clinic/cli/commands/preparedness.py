"""Command-line verbs for family preparedness plans: show, set from JSON, print, and renewals due."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from clinic.i18n import _


def cmd_plan(args) -> int:
    from clinic.cli.common import CliError, load_json, print_json, unlock
    from clinic.preparedness import model

    if args.plan_cmd == "set":
        plan = model.from_json(load_json(args.file))  # refused before asking for a passphrase
    if args.plan_cmd == "print":
        out = Path(args.out)
        if not out.parent.is_dir():
            raise CliError(_("The folder for {file} does not exist.").format(file=args.out))
    vault = unlock(args)
    try:
        if args.plan_cmd == "show":
            plan = vault.plans.get(args.ref)
            if args.json:
                print(json.dumps(model.to_json(plan), ensure_ascii=False, indent=2))
            else:
                _show(plan, vault.plans.today())
        elif args.plan_cmd == "set":
            vault.plans.set(args.ref, plan)
            print(_("Saved the preparedness plan of {ref}.").format(ref=args.ref))
        elif args.plan_cmd == "print":
            from clinic.files import atomic_write

            printed = vault.plans.print(args.ref, what=args.what, lang=args.lang)
            atomic_write(out, printed.pdf)
            vault.plans.record_output(args.ref, args.what, "save")
            print(_("Written to {file} (not encrypted: keep it safe).").format(file=str(out)), file=sys.stderr)
        else:
            rows = vault.plans.due_for_renewal()
            if args.json:
                print_json(rows)
            for r in [] if args.json else rows:
                print(f"{r.client_ref}\t{r.affidavit_date.isoformat()}\t{r.renew_by.isoformat()}\t{r.children}")
            if not rows and not args.json:
                print(_("No affidavit is due for renewal."), file=sys.stderr)
    finally:
        vault.lock()
    return 0


def _show(plan, today) -> None:
    from clinic.preparedness.model import label

    for c in plan.minors(today):
        dob = c.date_of_birth.isoformat() if c.date_of_birth else "-"
        print(f"{label('children')}: {c.name} ({dob})")
    for c in plan.grown(today):
        print(_("{name} has turned 18 and has left the plan.").format(name=c.name))
    for role in ("primary_caregiver", "backup_caregiver"):
        cg = getattr(plan, role)
        if not cg.empty:
            print(f"{label(role)}: {cg.name} {cg.phone}".rstrip())
    signed = plan.affidavit_date.isoformat() if plan.affidavit_date else "-"
    print(f"{label('affidavit_signed')}: {_('Yes') if plan.affidavit_signed else _('No')} ({signed})")
    due = plan.renewal_due(today)
    if due:
        print(_("Renew the affidavit by {date}.").format(date=due.isoformat()))


def add_commands(sub) -> None:
    s = sub.add_parser("plan", help=_("family preparedness plans"))
    sp = s.add_subparsers(dest="plan_cmd", required=True)
    a = sp.add_parser("show", help=_("show a client's plan"))
    a.add_argument("ref")
    a.add_argument("--json", action="store_true")
    a = sp.add_parser("set", help=_("set a client's plan from a JSON file (- for standard input)"))
    a.add_argument("ref")
    a.add_argument("file")
    a = sp.add_parser("print", help=_("write the packet, the affidavit or the wallet cards as a PDF"))
    a.add_argument("ref")
    a.add_argument("--what", required=True, choices=["packet", "affidavit", "cards"])
    a.add_argument("--lang", default="both", choices=["es", "en", "both"])
    a.add_argument("--out", required=True)
    a = sp.add_parser("due", help=_("plans whose affidavit is due for renewal"))
    a.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_plan)
