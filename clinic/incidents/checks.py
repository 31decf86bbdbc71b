"""Every problem of an incident draft at once (the form marks them all), each naming its field."""

from __future__ import annotations

import dataclasses
import datetime as dt

from clinic.errors import ValidationError
from clinic.incidents import model as im

_BLANK = im.IncidentDraft(date=dt.date.today())


def problems(draft: im.IncidentDraft, *, neighbourhoods: tuple[str, ...]) -> list[ValidationError]:
    """The draft's problems in field order; a vehicle's or person's field is named `vehicles[i].make`.

    The core's `validate` stops at the first problem: each field it names is set back to its default and
    the rest checked again, so one wrong field never hides another.
    """
    found: list[ValidationError] = []
    base = dataclasses.replace(draft, vehicles=(), people=())
    for _round in range(len(im.FIELD_POLICY) + 1):
        try:
            im.validate(base, neighbourhoods=neighbourhoods)
            break
        except ValidationError as exc:
            found.append(exc)
            if exc.field not in im.FIELD_POLICY:
                break
            base = dataclasses.replace(base, **{exc.field: getattr(_BLANK, exc.field)})
    for kind, items, blank in (("vehicles", draft.vehicles, im.Vehicle()), ("people", draft.people, im.Person())):
        for i, item in enumerate(items):
            for _round in range(len(dataclasses.fields(blank)) + 1):
                try:
                    im.validate(dataclasses.replace(_BLANK, **{kind: (item,)}), neighbourhoods=())
                    break
                except ValidationError as exc:
                    attr = exc.field.partition(".")[2]
                    found.append(ValidationError(f"{kind}[{i}].{attr}", exc.message))
                    if not hasattr(blank, attr):
                        break
                    item = dataclasses.replace(item, **{attr: getattr(blank, attr)})
    order = list(im.FIELD_POLICY)
    return sorted(found, key=lambda e: order.index(e.field) if e.field in order else len(order))
