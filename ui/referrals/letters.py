"""The batch's work apart from its dialog: rendering every letter on a worker, and the closing sentence."""

from __future__ import annotations

import logging

from clinic.i18n import _, ngettext
from ui.kit.errors import format_exception_safely
from ui.kit.preview import render_request

log = logging.getLogger(__name__)


def render_letters(requests: list, *, task) -> list[tuple[int, bytes | None]]:
    """Render every (referral_id, LetterRequest); pure, for the TaskRunner. Stops early when cancelled.

    A letter that fails to render is (id, None), logged without its content; the others go on.
    """
    out: list[tuple[int, bytes | None]] = []
    total = len(requests)
    for done, (referral_id, request) in enumerate(requests, start=1):
        if task.cancelled:
            break
        try:
            pdf = render_request(request)
        except Exception as exc:  # one bad letter must not sink the batch
            log.error("letter render failed, referral %s\n%s", referral_id, format_exception_safely(exc))
            pdf = None
        out.append((referral_id, pdf))
        task.progress(done, total)
    return out


def batch_summary(*, printed: int, total: int, cancelled: bool, needs_attorney: int, failed: int) -> str:
    """The closing sentence: how many were printed, and which were not and why."""
    parts = [_("Printed {printed} of {total}").format(printed=printed, total=total)]
    if cancelled:
        parts.append(_("cancelled"))
    if needs_attorney:
        parts.append(ngettext("{n} letter carries sealed details and needs an attorney",
                              "{n} letters carry sealed details and need an attorney",
                              needs_attorney).format(n=needs_attorney))
    if failed:
        parts.append(ngettext("{n} letter could not be prepared", "{n} letters could not be prepared",
                              failed).format(n=failed))
    return "; ".join(parts) + "."
