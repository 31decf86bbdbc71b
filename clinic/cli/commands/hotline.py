"""Command-line verbs for an incident's media (custody log, stripped copies) and follow-ups.

    clinic-intake incident media add REF FILE --holder NAME [--captured "YYYY-MM-DD HH:MM"]
    clinic-intake incident media list REF [--json]
    clinic-intake incident media log MEDIA_ID
    clinic-intake incident media copy MEDIA_ID --out FILE.jpg    (location and device metadata removed)
    clinic-intake incident media handover MEDIA_ID --to NAME [--note TEXT]
    clinic-intake incident followup list REF [--json]
    clinic-intake incident followup intake REF INTAKE.json [--person N]
    clinic-intake incident followup refer REF --service S [--person N] [--note TEXT]
    clinic-intake incident followup city REF [--note TEXT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from clinic.i18n import _
from clinic.models import hotline as hm

MEDIA_READ_LIMIT = 100 * 1024 * 1024 + 1  # one byte over the core's limit, so it refuses a huge file cheaply


def _read(path: str) -> bytes:
    from clinic.cli.common import CliError

    try:
        with open(path, "rb") as f:
            return f.read(MEDIA_READ_LIMIT)
    except OSError as exc:
        raise CliError(_("The file could not be read: {reason}").format(
            reason=exc.strerror or type(exc).__name__)) from None


def prepare(args):
    """What must be read before the passphrase is asked: the medium's bytes or the intake's JSON."""
    if args.incident_cmd == "media" and args.media_cmd == "add":
        return _read(args.file)
    if args.incident_cmd == "followup" and args.followup_cmd == "intake":
        from clinic.cli.common import load_json
        from clinic.clients.intake import draft_from_json

        return draft_from_json(load_json(args.file))
    return None


def run(args, vault, prepared) -> int:
    from clinic.cli.common import print_json

    media, followups = vault.incident_media, vault.followups
    if args.incident_cmd == "media":
        cmd = args.media_cmd
        if cmd == "add":
            item = media.attach(args.ref, Path(args.file).name, prepared, holder=args.holder,
                                captured_at=args.captured or "")
            print(f"{item.id}\t{item.sha256}")
        elif cmd == "list":
            items = media.for_incident(args.ref)
            if args.json:
                print_json(items)
            for m in [] if args.json else items:
                print(f"{m.id}\t{m.filename}\t{m.captured_at or '-'}\t{m.holder}\t{m.sha256}")
        elif cmd == "log":
            for e in media.custody(args.media_id):
                print(f"{e.at.isoformat(timespec='seconds')}\t{e.by_name}\t{e.action.value}\t{e.note}")
        elif cmd == "copy":
            from clinic.files import atomic_write

            copy = media.sharing_copy(args.media_id, note=args.note or "")
            atomic_write(Path(args.out), copy.content)
            print(_("Saved a copy for sharing to {file}. Location and device metadata were removed (found: "
                    "{found}).").format(file=args.out, found=", ".join(copy.stripped) or _("none found")),
                  file=sys.stderr)
        else:
            media.hand_over(args.media_id, to=args.to, note=args.note or "")
    else:
        cmd = args.followup_cmd
        if cmd == "list":
            items = followups.for_incident(args.ref)
            if args.json:
                print_json(items)
            for f in [] if args.json else items:
                print(f"{f.at.isoformat(timespec='seconds')}\t{f.by_name}\t{f.kind.value}\t{f.person or '-'}\t"
                      f"{f.service.value if f.service else '-'}\t{f.note}")
        elif cmd == "intake":
            print(followups.record_intake(args.ref, person=args.person, draft=prepared).client_ref)
        elif cmd == "refer":
            followups.refer(args.ref, person=args.person, service=args.service, note=args.note or "")
        else:
            followups.reported_to_city(args.ref, note=args.note or "")
    return 0


def add_subcommands(si) -> None:
    """`incident media ...` and `incident followup ...` under the `incident` verb."""
    s = si.add_parser("media", help=_("photos and videos of a report, with their custody log"))
    sm = s.add_subparsers(dest="media_cmd", required=True)
    a = sm.add_parser("add")
    a.add_argument("ref")
    a.add_argument("file")
    a.add_argument("--holder", required=True, help=_("who holds the original"))
    a.add_argument("--captured", help="YYYY-MM-DD HH:MM")
    a = sm.add_parser("list")
    a.add_argument("ref")
    a.add_argument("--json", action="store_true")
    a = sm.add_parser("log")
    a.add_argument("media_id", type=int)
    a = sm.add_parser("copy", help=_("a copy for sharing, location and device metadata removed"))
    a.add_argument("media_id", type=int)
    a.add_argument("--out", required=True)
    a.add_argument("--note")
    a = sm.add_parser("handover")
    a.add_argument("media_id", type=int)
    a.add_argument("--to", required=True)
    a.add_argument("--note")
    s = si.add_parser("followup", help=_("intakes, referrals and the city mark for a report"))
    sf = s.add_subparsers(dest="followup_cmd", required=True)
    a = sf.add_parser("list")
    a.add_argument("ref")
    a.add_argument("--json", action="store_true")
    a = sf.add_parser("intake")
    a.add_argument("ref")
    a.add_argument("file")
    a.add_argument("--person", type=int)
    a = sf.add_parser("refer")
    a.add_argument("ref")
    a.add_argument("--service", required=True, choices=[x.value for x in hm.Service])
    a.add_argument("--person", type=int)
    a.add_argument("--note")
    a = sf.add_parser("city")
    a.add_argument("ref")
    a.add_argument("--note")
