"""What the client services share: the volunteer's window and the not-found sentence."""

from __future__ import annotations

import datetime as dt

from clinic.errors import NotFound
from clinic.i18n import _

VOLUNTEER_WINDOW = dt.timedelta(hours=24)


def not_found() -> NotFound:
    return NotFound(_("No client with that reference."))

