"""The command line, over the same facade the desktop app uses. Errors: one sentence, non-zero exit."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from clinic import i18n
from clinic import models as m
from clinic.cli.common import (
    EXIT_BUG,
    EXIT_PROBLEM,
    CliError,
    jsonable,
    load_json,
    print_json,
    secret,
    unlock,
)
from clinic.errors import Cancelled, UserError, ValidationError
from clinic.home import Home
from clinic.i18n import _


def _pick_language() -> None:
    """Raises i18n.CatalogueUnavailable when Spanish was asked for and cannot be read."""
    lang = os.environ.get("CLINIC_LANG") or os.environ.get("LANGUAGE") or os.environ.get("LANG") or "en"
    i18n.set_language("es" if lang.lower().startswith("es") else "en")


class _Version(argparse.Action):
    """--version: ours and the exact versions of what we run on."""

    def __call__(self, parser, namespace, values, option_string=None):
        from clinic.about import version_text

        print(version_text())
        parser.exit()


# ----- commands ---------------------------------------------------------------------------------------

def cmd_init(args) -> int:
    from clinic.vault import Vault

    home = Home.resolve(args.home)
    passphrase = secret("CLINIC_NEW_PASSPHRASE", _("New passphrase for {name}: ").format(name=args.admin),
                         confirm=True)
    vault, recovery_key = Vault.init(home, clinic_name=args.clinic or "", admin_name=args.admin,
                                     passphrase=passphrase, language=i18n.current_language())
    vault.lock()
    print(_("Vault created in {path}.").format(path=str(home.path)), file=sys.stderr)
    print(_("Recovery key (shown once; print or write it down and keep it locked away):"), file=sys.stderr)
    print(recovery_key)
    return 0


def cmd_staff(args) -> int:
    vault = unlock(args)
    try:
        if args.staff_cmd == "add":
            pw = secret("CLINIC_NEW_PASSPHRASE", _("New passphrase for {name} (they type it): ")
                         .format(name=args.name), confirm=True)
            staff = vault.staff.add(args.name, m.Role(args.role), pw, language=args.language)
            print(_("Added {name} as {role}.").format(name=staff.name, role=_(staff.role.label)))
        elif args.staff_cmd == "reset":
            pw = secret("CLINIC_NEW_PASSPHRASE", _("New passphrase for {name} (they type it): ")
                         .format(name=args.name), confirm=True)
            staff = vault.staff.reset(args.name, pw)
            print(_("{name} can now unlock on this laptop.").format(name=staff.name))
        elif args.staff_cmd == "role":
            staff = vault.staff.set_role(args.name, m.Role(args.role))
            print(_("{name} is now {role}.").format(name=staff.name, role=_(staff.role.label)))
        elif args.staff_cmd == "remove":
            removal = vault.staff.remove(args.name)
            print(_("Removed {name}; the database key was changed.").format(name=args.name))
            if removal.resealed is not None:
                print(_("The attorney key was changed too; {n} attorney-only values were sealed again.")
                      .format(n=removal.resealed.values))
            print(removal.old_copies(), file=sys.stderr)
        else:
            enrolled = vault.staff.enrolled_here()
            rows = vault.staff.list()
            if args.json:
                print_json(rows)
            for s in [] if args.json else rows:
                state = _("active") if s.active else _("removed")
                print(f"{s.name}\t{_(s.role.label)}\t{state}")
            del enrolled
    finally:
        vault.lock()
    return 0


def cmd_intake(args) -> int:
    from clinic.clients.intake import draft_from_json

    obj = load_json(args.file)
    draft = draft_from_json(obj)  # refused before asking for a passphrase
    vault = unlock(args)
    try:
        receipt = vault.intakes.record(draft)
    finally:
        vault.lock()
    if isinstance(obj, dict) and obj.get("monthly_income") is not None:
        print(_("Note: “monthly_income” is the old single figure: it was saved as the income line “other "
                "income, per month”. Give “income” lines instead."), file=sys.stderr)
    print(receipt.client_ref)
    return 0


def cmd_client(args) -> int:
    from clinic.access import Can

    vault = unlock(args)
    try:
        file = vault.clients.get(args.ref)
        sealed = vault.sealed.reveal(file.client.id) if vault.can(Can.VIEW_SEALED) and file.sealed_fields \
            else {}
    finally:
        vault.lock()
    if args.json:
        out = jsonable(file)
        out["client"]["display_name"] = file.client.display_name
        if sealed:
            out["sealed"] = jsonable(sealed)
        print_json(out)
        return 0
    c = file.client
    print(f"{c.ref}  {c.display_name}")
    if c.date_of_birth:
        print(_("Date of birth: {date}").format(date=c.date_of_birth.isoformat()))
    for p in c.phones:
        print(_("Phone: {number}").format(number=p.number))
    for i in file.intakes:
        needs = ", ".join(_(m.NEED_LABELS[n]) for n in i.needs)
        print(_("Intake {id} on {date} by {who}: {needs}").format(id=i.id, date=i.recorded_at.date(),
                                                                    who=i.recorded_by_name, needs=needs))
        if i.notes:
            print("  " + i.notes)
    for k in file.cases:
        print(_("Case {id}: {status}").format(id=k.id, status=_(m.CASE_STATUS_LABELS[k.status])))
    for n in file.notes:
        print(f"  [{n.created_at:%Y-%m-%d}] {n.author_name}: {n.body}")
    for field, value in sealed.items():
        print(f"{_(m.SEALED_LABELS[field])}: {value}")
    if file.sealed_fields and not sealed:
        print(_("Attorney-only information is recorded; your role cannot read it."))
    return 0


def cmd_search(args) -> int:
    from clinic.access import Can

    if args.text == "-":  # the query on standard input: not in /proc/PID/cmdline or the shell history
        args.text = sys.stdin.readline().rstrip("\r\n")
    vault = unlock(args)
    try:
        rows = vault.clients.search(args.text) if vault.can(Can.VIEW_CLIENTS) else vault.clients.lookup(args.text)
    finally:
        vault.lock()
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        dob = r.date_of_birth.isoformat() if r.date_of_birth else "-"
        visit = r.last_visit.date().isoformat() if r.last_visit else "-"
        print(f"{r.ref}\t{r.display_name}\t{dob}\t{visit}")
    if not rows:
        print(_("No matching clients."), file=sys.stderr)
    return 0


def cmd_verify(args) -> int:
    vault = unlock(args)
    shown = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if shown:  # on a terminal only: a script reading stderr gets no carriage returns
            print("\r" + _("Checking the audit log: {done} of {total} entries").format(done=done, total=total),
                  end="" if done < total else "\n", file=sys.stderr, flush=True)

    from clinic.maintenance.backup import rollback_problems

    try:
        report = vault.verify(progress=progress, full=args.full)
        problems = [*report.problems, *rollback_problems(vault)]  # against the head kept at the last backup
    finally:
        vault.lock()
    for item in report.checked:
        print(_("checked: {item}").format(item=item))
    for problem in problems:
        print(_("PROBLEM: {problem}").format(problem=problem), file=sys.stderr)
    print(_("All checks passed.") if not problems else _("Problems were found."))
    return 0 if not problems else EXIT_PROBLEM


def cmd_recover(args) -> int:
    from clinic.keys import recovery
    from clinic.vault import Vault

    home = Home.resolve(args.home)
    key = secret("CLINIC_RECOVERY_KEY", _("Recovery key: "))
    recovery.parse(key)  # say a mistyped key before asking for anything else
    pw = secret("CLINIC_NEW_PASSPHRASE", _("New passphrase for {name}: ").format(name=args.admin),
                 confirm=True)
    vault = Vault.recover(home, recovery_key=key, admin_name=args.admin, new_passphrase=pw)
    vault.lock()
    print(_("Recovered. {name} can unlock with the new passphrase; enrol other staff again with "
            "“clinic-intake staff reset NAME”.").format(name=args.admin))
    return 0


def cmd_demo(args) -> int:
    from clinic.demo.create import create_demo

    home = Home.resolve(args.home)
    create_demo(home, clients=args.clients, progress=lambda done, total: None)
    print(_("Demo vault created in {path}.").format(path=str(home.path)))
    return 0


def cmd_gui(args) -> int:
    if args.gui is None:  # the core never imports the UI: the launcher passes it in
        raise CliError(_("The desktop app starts with the clinic-intake command."))
    return args.gui(args.home)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinic-intake", description=_("Offline, encrypted clinic intake."))
    p.add_argument("--home", help=_("the clinic folder (default: CLINIC_HOME, then the data folder)"))
    p.add_argument("--user", help=_("your staff name (default: CLINIC_USER)"))
    p.add_argument("--version", action=_Version, nargs=0,
                   help=_("show the versions of Clinic Intake, SQLCipher, Qt, reportlab and Python"))
    sub = p.add_subparsers(dest="cmd")
    s = sub.add_parser("init", help=_("create a vault; print the recovery key once"))
    s.add_argument("--admin", required=True)
    s.add_argument("--clinic", default="")
    s.set_defaults(fn=cmd_init)
    s = sub.add_parser("staff", help=_("add, list, reset or remove staff"))
    ss = s.add_subparsers(dest="staff_cmd", required=True)
    a = ss.add_parser("add")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=[r.value for r in m.Role])
    a.add_argument("--language", default="es", choices=list(i18n.LANGUAGES))
    a = ss.add_parser("list")
    a.add_argument("--json", action="store_true")
    a = ss.add_parser("remove")
    a.add_argument("name")
    a = ss.add_parser("reset")
    a.add_argument("name")
    a = ss.add_parser("role")
    a.add_argument("name")
    a.add_argument("role", choices=[r.value for r in m.Role])
    s.set_defaults(fn=cmd_staff)
    s = sub.add_parser("intake", help=_("record intakes"))
    si = s.add_subparsers(dest="intake_cmd", required=True)
    a = si.add_parser("add")
    a.add_argument("file")
    s.set_defaults(fn=cmd_intake)
    s = sub.add_parser("client", help=_("show a client's file"))
    sc = s.add_subparsers(dest="client_cmd", required=True)
    a = sc.add_parser("show")
    a.add_argument("ref")
    a.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_client)
    s = sub.add_parser("search", help=_("find clients"))
    s.add_argument("text")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_search)
    s = sub.add_parser("verify", help=_("check the database, key file and audit chain"))
    s.add_argument("--full", action="store_true",
                   help=_("also check the database structure and the search index (slow on a big vault)"))
    s.set_defaults(fn=cmd_verify)
    s = sub.add_parser("recover", help=_("unlock with the recovery key on a new laptop"))
    s.add_argument("--admin", required=True)
    s.set_defaults(fn=cmd_recover)
    s = sub.add_parser("demo", help=_("create a demo vault with synthetic clients"))
    s.add_argument("--clients", type=int, default=300)
    s.set_defaults(fn=cmd_demo)
    s = sub.add_parser("gui", help=_("open the desktop app (the default)"))
    s.set_defaults(fn=cmd_gui)
    from clinic.cli.commands import backup as backup_cli
    from clinic.cli.commands import legal_aid as legal_aid_cli
    from clinic.cli.commands.incidents import add_commands as add_incident_commands
    from clinic.cli.commands.preparedness import add_commands as add_plan_commands
    from clinic.cli.commands.referrals import add_commands

    add_commands(sub)
    add_plan_commands(sub)
    from clinic.cli.commands import funder as funder_cli

    funder_cli.add_commands(add_incident_commands(sub), sub)
    legal_aid_cli.add_commands(sub)
    from clinic.cli.commands import purge as purge_cli

    purge_cli.add_commands(sub, sc)
    backup_cli.add_commands(sub)
    return p


def main(argv: list[str] | None = None, *, gui=None) -> int:
    """Run one command. `gui(home)` opens the desktop app (given by ui.launch; None from the core)."""
    from clinic.keys.hardening import no_core_dumps

    no_core_dumps()  # before any key or client text is in memory
    try:
        _pick_language()
    except i18n.CatalogueUnavailable as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_PROBLEM
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    args.gui = gui
    if not getattr(args, "fn", None):
        args.fn = cmd_gui
    try:
        return args.fn(args)
    except ValidationError as exc:
        print(_("Error: {message}").format(message=exc.message) if not exc.field else
              _("Error: {message} [{field}]").format(field=exc.field, message=exc.message), file=sys.stderr)
        return EXIT_PROBLEM
    except UserError as exc:
        print(_("Error: {message}").format(message=exc.message), file=sys.stderr)
        return EXIT_PROBLEM
    except (Cancelled, KeyboardInterrupt):
        return 130
    except Exception as exc:  # never a traceback with client data in it
        print(_("Unexpected error ({kind}). Anything not reported as saved was not saved. Please tell the "
                "administrator the kind of error.").format(kind=type(exc).__name__), file=sys.stderr)
        logging.getLogger("clinic").debug("unexpected", exc_info=False)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
