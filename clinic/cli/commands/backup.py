"""`backup create|verify|status` and `restore`: encrypted backups from the command line."""

from __future__ import annotations

import os
import sys

from clinic.cli.common import EXIT_PROBLEM, CliError, secret, unlock
from clinic.home import Home
from clinic.i18n import _, ngettext

COUNT_LABELS = {"clients": lambda n: _("clients: {n}").format(n=n),
                "cases": lambda n: _("cases: {n}").format(n=n),
                "documents": lambda n: _("documents: {n}").format(n=n),
                "letters": lambda n: _("letters: {n}").format(n=n)}


def _progress(label: str):
    shown = sys.stderr.isatty()

    def report(done: int, total: int) -> None:
        if shown:
            pct = 100 if not total else done * 100 // total
            print("\r" + label.format(pct=pct), end="" if done < total else "\n", file=sys.stderr, flush=True)

    return report


def cmd_backup(args) -> int:
    from clinic.maintenance import backup as b

    if args.backup_cmd == "verify":
        return _verify(args)
    if args.backup_cmd == "create":
        b.check_folder(args.to)  # an unplugged USB stick is said before asking for a passphrase
    vault = unlock(args)
    try:
        if args.backup_cmd == "create":
            result = b.make_backup(vault, args.to, keep=args.keep, progress=_progress(_("Backing up: {pct}%")))
            for problem in b.rollback_problems(vault):
                print(_("WARNING: {problem}").format(problem=problem), file=sys.stderr)
            print(result.path)
            for path in result.removed:
                print(_("Removed the older backup {file}.").format(file=path.name), file=sys.stderr)
            return 0
        st = b.status(vault)
        when = st.last_at.isoformat(timespec="minutes") if st.last_at else _("never")
        print(_("Last backup: {when}").format(when=when))
        if st.folder:
            print(_("Folder: {path}").format(path=st.folder))
        message = b.reminder(vault)
        if message:
            print(message)
        problems = b.rollback_problems(vault)
        if args.folder:
            problems += _folder_heads(vault, args.folder)
        for problem in problems:
            print(_("PROBLEM: {problem}").format(problem=problem), file=sys.stderr)
        return EXIT_PROBLEM if problems else 0
    finally:
        vault.lock()


def _folder_heads(vault, folder: str) -> list[str]:
    """Read the head inside every backup in `folder`; name the files skipped; the rollback sentences."""
    from clinic.maintenance import rollback

    found = rollback.check_folder(vault, folder)
    for name, why in found.skipped:
        print(_("Skipped {file}: {why}").format(file=name, why=why), file=sys.stderr)
    if found.newest is None:
        print(_("No backup of this vault was found in {path}.").format(path=folder))
    else:
        print(ngettext("Read {n} backup of this vault in {path}; the newest is {file}, made {date}.",
                       "Read {n} backups of this vault in {path}; the newest is {file}, made {date}.",
                       len(found.read)).format(n=len(found.read), path=folder, file=found.newest,
                                               date=found.newest_at))
    return list(found.problems)


def _verify(args) -> int:
    from clinic.maintenance.verify_backup import verify_backup

    home = Home.resolve(args.home)
    recovery_key = os.environ.get("CLINIC_RECOVERY_KEY") if not sys.stdin.isatty() else None
    use_recovery = args.recovery_key or recovery_key or not home.has_vault()
    if use_recovery:
        key = recovery_key or secret("CLINIC_RECOVERY_KEY", _("Recovery key: "))
        report = verify_backup(args.file, recovery_key=key, progress=_progress(_("Checking: {pct}%")))
    else:
        vault = unlock(args)
        try:
            report = verify_backup(args.file, vault=vault, progress=_progress(_("Checking: {pct}%")))
        finally:
            vault.lock()
    print(_("Backup made on {when}.").format(when=report.made_at))
    for name, label in COUNT_LABELS.items():
        print(label(report.counts.get(name, 0)))
    for item in report.checked:
        print(_("checked: {item}").format(item=item))
    for problem in report.problems:
        print(_("PROBLEM: {problem}").format(problem=problem), file=sys.stderr)
    print(_("The backup is whole and can be restored.") if report.ok else _("Problems were found."))
    return 0 if report.ok else EXIT_PROBLEM


def cmd_restore(args) -> int:
    from clinic.keys import recovery
    from clinic.maintenance.restore import occupied, restore_backup

    home = Home.resolve(args.home)
    if occupied(home) and not args.replace:
        raise CliError(_("The folder {path} is not empty, so nothing was restored into it. Use --replace to "
                         "move the vault there aside (it is never deleted) and restore in its place.")
                       .format(path=str(home.path)))
    if args.replace and occupied(home) and not args.yes:
        if not sys.stdin.isatty():
            raise CliError(_("Replacing a vault needs --yes when there is no terminal to confirm on."))
        answer = input(_("The vault in {path} will be moved aside and replaced by the backup. Type YES to "
                         "continue: ").format(path=str(home.path)))
        if answer.strip().upper() not in ("YES", _("YES")):
            raise CliError(_("Nothing was changed."))
    key = secret("CLINIC_RECOVERY_KEY", _("Recovery key: "))
    recovery.parse(key)
    pw = secret("CLINIC_NEW_PASSPHRASE", _("New passphrase for {name}: ").format(name=args.admin), confirm=True)
    result = restore_backup(args.file, home, recovery_key=key, admin_name=args.admin, new_passphrase=pw,
                            replace=args.replace, progress=_progress(_("Restoring: {pct}%")))
    if result.moved_aside:
        print(_("The vault that was there is now in {path}.").format(path=str(result.moved_aside)))
    print(_("Restored the backup of {when} into {path}. {name} can unlock with the new passphrase; enrol "
            "other staff again with “clinic-intake staff reset NAME”.")
          .format(when=result.made_at, path=str(home.path), name=args.admin))
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("backup", help=_("make, check or show encrypted backups"))
    sb = s.add_subparsers(dest="backup_cmd", required=True)
    a = sb.add_parser("create", help=_("write one backup file into a folder; print its path"))
    a.add_argument("--to", required=True, help=_("the folder (a USB stick); it must exist"))
    a.add_argument("--keep", type=int, help=_("then keep only the newest N backups of this vault there"))
    a = sb.add_parser("verify", help=_("check a backup file; non-zero exit when anything is wrong"))
    a.add_argument("file")
    a.add_argument("--recovery-key", action="store_true", help=_("check it with the recovery key"))
    a = sb.add_parser("status", help=_("when the last backup was made; non-zero exit when the vault was "
                                       "rolled back"))
    a.add_argument("--folder", help=_("also compare with the newest backup of this vault in this folder"))
    s.set_defaults(fn=cmd_backup)
    s = sub.add_parser("restore", help=_("restore a backup with the recovery key"))
    s.add_argument("file")
    s.add_argument("--admin", required=True)
    s.add_argument("--replace", action="store_true", help=_("move the vault in the folder aside first"))
    s.add_argument("--yes", action="store_true", help=_("confirm --replace without asking"))
    s.set_defaults(fn=cmd_restore)
