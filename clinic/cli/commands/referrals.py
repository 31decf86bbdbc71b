"""Command-line verbs for the partner directory and referral letters."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from clinic import clock
from clinic import models as m
from clinic.errors import ValidationError
from clinic.i18n import _
from clinic.letters.disclosure import Group, Service


def _csv_list(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").split(",") if x.strip())


def cmd_partner(args) -> int:
    from clinic.cli.common import print_json, unlock

    vault = unlock(args)
    try:
        if args.partner_cmd == "add":
            partner = vault.partners.add(m.PartnerDraft(
                name=args.name, services=_csv_list(args.services), disclosure=_csv_list(args.disclose),
                legal_representation=args.legal, lsc_funded=args.lsc_funded, languages=args.languages or "",
                address=args.address or "", phone=args.phone or "", email=args.email or "",
                hours=args.hours or ""))
            print(_("Added partner {name}.").format(name=partner.name))
        elif args.partner_cmd == "import":
            from clinic.referrals.csvfile import read_csv_text

            text = read_csv_text(Path(args.file))  # reads at most the size limit
            added, updated = vault.partners.import_csv(text)
            print(_("Imported partners: {added} added, {updated} updated.").format(added=added, updated=updated))
        elif args.partner_cmd == "export":
            from clinic.files import atomic_write

            atomic_write(Path(args.file), vault.partners.export_csv().encode("utf-8"))
            print(_("Wrote the partner directory to {file}.").format(file=args.file))
        else:
            partners = vault.partners.list(include_retired=args.all)
            if args.json:
                print_json(partners)
            for p in [] if args.json else partners:
                flags = (" [" + _("example") + "]") if p.is_example else ""
                print(f"{p.name}{flags}\t{','.join(p.services)}\t{','.join(p.disclosure)}")
    finally:
        vault.lock()
    return 0


def cmd_letter(args) -> int:
    from clinic.cli.common import CliError, unlock
    from clinic.files import atomic_write
    from clinic.letters.compose import default_filename

    out = Path(args.out)
    if out.is_dir():
        out = out / "__pending__"
    if not out.parent.is_dir():
        raise CliError(_("The folder for {file} does not exist.").format(file=args.out))
    try:
        need = m.Need(args.need)
    except ValueError:
        raise ValidationError("need", _("“{value}” is not one of: {choices}.").format(
            value=args.need, choices=", ".join(n.value for n in m.Need))) from None
    vault = unlock(args)
    try:
        client_id = vault.clients.id_for(args.ref)
        partner = vault.partners.by_name(args.partner)
        ticked = frozenset(_csv_list(args.fields)) if args.fields else \
            frozenset(g for g in partner.disclosure if g != Group.SEALED)
        client = vault.clients.get(client_id).client
        consent_date = dt.date.fromisoformat(args.consent_date) if args.consent_date else clock.today()
        referral = vault.referrals.create(m.ReferralDraft(
            client_id=client_id, partner_id=partner.id, need=need, groups=ticked, consent_date=consent_date,
            consent_language=client.language, consent_method=m.ConsentMethod(args.consent),
            letter_language=m.LetterLanguage(args.lang or client.language), layout=m.LetterLayout(args.layout)))
        pdf = vault.referrals.make_letter(referral.id)
        if out.name == "__pending__":
            out = out.with_name(default_filename(referral.ref))
        atomic_write(out, pdf)
        vault.referrals.record_output(referral.id, "save")
    finally:
        vault.lock()
    print(referral.ref)
    print(_("Letter written to {file} (not encrypted: keep it safe). Discloses: {groups}.").format(
        file=str(out), groups=", ".join(_(Group(g).label) for g in referral.groups)), file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("partner", help=_("the partner directory"))
    sp = s.add_subparsers(dest="partner_cmd", required=True)
    a = sp.add_parser("add")
    a.add_argument("name")
    a.add_argument("--services", required=True,
                   help=_("comma-separated: {names}").format(names=",".join(x.value for x in Service)))
    a.add_argument("--disclose", required=True,
                   help=_("comma-separated: {names}").format(names=",".join(x.value for x in Group)))
    a.add_argument("--legal", action="store_true", help=_("the partner gives legal representation"))
    a.add_argument("--lsc-funded", action="store_true", help=_("the partner is funded by LSC"))
    for opt in ("--languages", "--address", "--phone", "--email", "--hours"):
        a.add_argument(opt)
    a = sp.add_parser("list")
    a.add_argument("--json", action="store_true")
    a.add_argument("--all", action="store_true", help=_("include retired partners"))
    a = sp.add_parser("import")
    a.add_argument("file")
    a = sp.add_parser("export")
    a.add_argument("file")
    s.set_defaults(fn=cmd_partner)

    s = sub.add_parser("letter", help=_("record a referral and write its letter"))
    s.add_argument("ref", help=_("the client's reference"))
    s.add_argument("--partner", required=True)
    s.add_argument("--need", required=True, help=", ".join(n.value for n in m.Need))
    s.add_argument("--lang", choices=[v.value for v in m.LetterLanguage])
    s.add_argument("--layout", choices=[v.value for v in m.LetterLayout], default=m.LetterLayout.SEQUENCE.value)
    s.add_argument("--fields", help=_("comma-separated groups (default: the partner's profile, without sealed)"))
    s.add_argument("--consent", choices=[v.value for v in m.ConsentMethod], default=m.ConsentMethod.IN_PERSON.value,
                   help=_("how the client consented to this disclosure (default: in person)"))
    s.add_argument("--consent-date", help=_("YYYY-MM-DD (default: today)"))
    s.add_argument("--out", required=True, help=_("where to write the PDF (a file, or a folder)"))
    s.set_defaults(fn=cmd_letter)
