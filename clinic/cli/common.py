"""What every command shares: who is asking, unlocking, secrets from a terminal or the environment, JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import getpass
import json
import os
import sys

from clinic.errors import UserError, ValidationError
from clinic.home import Home
from clinic.i18n import _

EXIT_PROBLEM = 1


EXIT_USAGE = 2


EXIT_BUG = 3


MAX_JSON_BYTES = 2 * 1024 * 1024


class CliError(UserError):
    pass


def secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    if sys.stdin.isatty():
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass(_("Type it again: ")) != value:
            raise CliError(_("The two passphrases differ. Nothing was changed."))
        return value
    value = os.environ.get(env)
    if not value:
        raise CliError(_("There is no terminal to ask on; in scripts, set {env}.").format(env=env))
    return value


def user_name(args) -> str:
    name = args.user or os.environ.get("CLINIC_USER")
    if not name and sys.stdin.isatty():
        name = input(_("Your staff name: "))
    if not name:
        raise CliError(_("Say who you are with --user NAME or CLINIC_USER."))
    return name


def unlock(args):
    from clinic.keys.unlock_guard import UnlockGuard
    from clinic.vault import Vault

    home = Home.resolve(args.home)
    if not home.has_vault():
        raise CliError(_("There is no vault in {path}. Create one with: clinic-intake init --admin NAME")
                       .format(path=str(home.path)))
    name = user_name(args)
    return Vault.unlock(home, name, secret("CLINIC_PASSPHRASE", _("Passphrase for {name}: ")
                                            .format(name=name)), UnlockGuard())


def jsonable(value):
    if dataclasses.is_dataclass(value):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {(k.value if isinstance(k, enum.Enum) else k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def print_json(value) -> None:
    print(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def load_json(path: str):
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with open(path, "rb") as f:  # at most the limit is read, however big the file
                raw = f.read(MAX_JSON_BYTES + 1)
    except OSError:
        raise CliError(_("Cannot read {file}.").format(file=path)) from None
    if len(raw) > MAX_JSON_BYTES:
        raise ValidationError("", _("The file is too large for one intake."))
    try:
        return json.loads(raw.decode("utf-8"))
    except RecursionError:  # json's parser recurses once per level: 100,000 "[" would crash it
        raise ValidationError("", _("{file} nests lists or objects too deeply to be read.")
                              .format(file=path)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise CliError(_("{file} is not valid JSON (line {line}).").format(file=path, line=line or "?")) \
            from None

