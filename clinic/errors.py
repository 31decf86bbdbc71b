"""The core's exceptions: UserError carries a sentence for a person; anything else is a bug."""

from __future__ import annotations

from clinic.i18n import _, ngettext


class ClinicError(Exception):
    """Base of every error the core raises on purpose."""


class Cancelled(ClinicError):
    """The person cancelled; show nothing."""


class UserError(ClinicError):
    """An error with a message for a person, already translated. Never contains client data."""

    # Where the input at fault sits, when one field is (see ValidationError): "" when none is.
    path: str = ""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WrongPassphrase(UserError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("That passphrase is not right. Check it and try again."))


class TooManyAttempts(UserError):
    def __init__(self, seconds: int):
        super().__init__(
            ngettext("Too many wrong passphrases. Wait {seconds} second and try again.",
                     "Too many wrong passphrases. Wait {seconds} seconds and try again.", seconds)
            .format(seconds=seconds)
        )
        self.seconds = seconds


class ValidationError(UserError):
    """Bad input for one field. `field` names the kind of field (its label, "phone"); `path` says exactly
    which one, so a form finds the widget without checking anything again.

    One convention for every path: attribute names of the draft, `[i]` for the i-th item of a list
    (from 0), `.key` for a key of a mapping or an attribute of an item: `phones[1].number`,
    `sealed.a_number`, `adverse_parties[0].name`, `vehicles[1].colour`. Without a position the path is
    the field itself.
    """

    def __init__(self, field: str, message: str, *, path: str | None = None):
        super().__init__(message)
        self.field = field
        self.path = path if path is not None else field


class NotFound(UserError):
    pass


class PermissionDenied(UserError):
    pass


class KeyringUnavailable(UserError):
    def __init__(self, detail: str = ""):
        super().__init__(
            _(
                "No system keyring is available to hold this laptop's device secret. Log in to a desktop "
                "session with a keyring (GNOME Keyring or KWallet) unlocked, then try again."
            )
        )
        self.detail = detail


class VaultDamaged(UserError):
    """A file of the vault is unreadable, altered or missing. Nothing is overwritten or recreated."""


class VaultExists(UserError):
    pass


class NoVault(UserError):
    pass


class RecoveryKeyInvalid(UserError):
    pass
