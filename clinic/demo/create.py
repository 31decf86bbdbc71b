"""The demo vault for training and trying the app: synthetic clients, staff of every role, marked DEMO."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Callable

from clinic import models as m
from clinic.conflicts.parties import ClearResult
from clinic.demo.synthetic import drafts
from clinic.errors import ValidationError
from clinic.home import Home
from clinic.i18n import _

DEMO_CLINIC_NAME = "DEMO · Clínica Comunitaria (datos ficticios)"
DEMO_CLINIC_ADDRESS = "Datos ficticios: no es una clínica real"
DEMO_SEED = 2025
MAX_DEMO_CLIENTS = 100_000
BATCH = 100


@dataclasses.dataclass(frozen=True)
class DemoStaff:
    name: str
    role: m.Role
    passphrase: str
    language: str = "es"


# Published on purpose (README, tests): a demo vault holds no real person, so its passphrases are public.
DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("Ana Admin", m.Role.ADMIN, "demo admin passphrase"),
    DemoStaff("Alicia Abogada", m.Role.ATTORNEY, "demo attorney passphrase"),
    DemoStaff("Carlos Coordinador", m.Role.COORDINATOR, "demo coordinator passphrase", "en"),
    DemoStaff("Vero Voluntaria", m.Role.VOLUNTEER, "demo volunteer passphrase"),
)

# What the demo attorney writes when moving a case, by new status (synthetic text, stored as data).
_REASONS = {
    m.CaseStatus.ACCEPTED: ("Elegible; la clínica toma el caso.", "Accepted: hearing soon, client eligible.",
                            "Aceptado para representación en la audiencia de fianza."),
    m.CaseStatus.REFERRED: ("Referido a una organización aliada de vivienda.",
                            "Referred to a worker centre for the wage claim.",
                            "Referido al banco de alimentos de la zona."),
    m.CaseStatus.REJECTED: ("Fuera del área de servicio.", "Over income.", "Conflicto de intereses.",
                            "Non-critical need; information given."),
    m.CaseStatus.CLOSED: ("Asunto resuelto; se informó al cliente.", "Client withdrew the request.",
                          "Advice given; no further action."),
}
# The codes each reason above carries (clinic.codes: rejection reasons, LSC closure categories), in order.
_CODES = {m.CaseStatus.REJECTED: ("out_of_service_area", "over_income", "conflict_of_interest", "non_critical_need"),
          m.CaseStatus.CLOSED: ("B", "K", "A")}
_NOTES = ("Llamé a la familia; confirmaron la fecha de la audiencia.",
          "Pedí copia del aviso de comparecencia (NTA).",
          "Client brought pay stubs; prepare the wage claim.",
          "Revisé documentos; falta comprobante de domicilio.",
          "Spoke with the detention centre; visit scheduled.",
          "Se explicó el plan de preparación familiar.")


def staff_member(role: m.Role) -> DemoStaff:
    return next(s for s in DEMO_STAFF if s.role is role)


def create_demo(home: Home, *, clients: int = 300, progress: Callable[[int, int], None] | None = None,
                seed: int = DEMO_SEED) -> dict:
    """Create a DEMO vault in `home` full of synthetic people; return counts of what was made.

    Raises VaultExists (from Vault.init) when `home` already holds a vault: nothing is changed then.
    The recovery key is discarded: a demo vault holds no real person, so losing it costs nothing, and
    recreating it is `clinic-intake --home DIR demo` in an empty folder. The staff passphrases are the
    published ones in DEMO_STAFF. `progress(done, total)` is called on this thread between steps.
    Slow (six key derivations, then the inserts): never call it on the GUI thread.
    """
    from clinic.vault import Vault

    if not 1 <= clients <= MAX_DEMO_CLIENTS:
        raise ValidationError("clients", _("A demo vault holds between 1 and {max} clients.")
                              .format(max=MAX_DEMO_CLIENTS))
    rng = random.Random(f"clinic-demo:{seed}")
    own_intakes = min(3, clients - 1)  # recorded by the volunteer; the rest by the admin
    main_clients = clients - own_intakes
    returning = main_clients // 8
    total = (clients + returning) + (main_clients + returning)  # intakes, then one review per case
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done = min(done + n, total)
        if progress is not None:
            progress(done, total)

    admin = staff_member(m.Role.ADMIN)
    vault, _recovery_key = Vault.init(home, clinic_name=DEMO_CLINIC_NAME,
                                      clinic_address=DEMO_CLINIC_ADDRESS, admin_name=admin.name,
                                      passphrase=admin.passphrase, language=admin.language)
    del _recovery_key  # discarded on purpose: see the docstring
    made: dict = {"home": str(home.path), "clinic_name": DEMO_CLINIC_NAME, "seed": seed}
    try:
        vault.settings.update(dataclasses.replace(vault.settings.get(), demo=True))
        home.demo_marker.write_text("This vault is a demo: invented people only.\n", encoding="utf-8")
        staff_ids = {admin.name: vault.user.id}
        for member in DEMO_STAFF:
            if member.role is not m.Role.ADMIN:
                staff_ids[member.name] = vault.staff.add(member.name, member.role, member.passphrase,
                                                         language=member.language).id
        made["staff"] = {s.name: s.role.value for s in DEMO_STAFF}

        # New clients, recorded in batches (one transaction each).
        receipts: list[m.IntakeReceipt] = []
        languages: dict[m.ClientId, str] = {}
        batch: list[m.IntakeDraft] = []
        for draft in drafts(main_clients, seed=seed):
            batch.append(draft)
            if len(batch) == BATCH:
                receipts += _record(vault, batch, languages)
                step(len(batch))
                batch = []
        if batch:
            receipts += _record(vault, batch, languages)
            step(len(batch))

        # Returning clients: a second intake for some, chosen from the duplicate hint in real life.
        again = rng.sample(receipts, returning)
        second = []
        for receipt, draft in zip(again, drafts(returning, seed=seed + 1), strict=True):
            second.append(dataclasses.replace(
                draft, given_names="", family_name_1="", family_name_2="", preferred_name="",
                date_of_birth=None, phones=(), address="", language=languages[receipt.client_id],
                consent_language=languages[receipt.client_id], existing_client=receipt.client_id))
        second_receipts = []
        for start in range(0, len(second), BATCH):
            second_receipts += vault.intakes.record_many(second[start:start + BATCH], is_demo=True)
            step(len(second[start:start + BATCH]))
    finally:
        vault.lock()

    # A few intakes by the volunteer, so her "recorded in the last 24 hours" list is not empty.
    volunteer = staff_member(m.Role.VOLUNTEER)
    vault = Vault.unlock(home, volunteer.name, volunteer.passphrase)
    try:
        own = vault.intakes.record_many(list(drafts(own_intakes, seed=seed + 2)), is_demo=True)
        step(len(own))
    finally:
        vault.lock()

    # The attorney reviews cases: assigns, moves them through statuses with reasons, adds notes.
    attorney = staff_member(m.Role.ATTORNEY)
    vault = Vault.unlock(home, attorney.name, attorney.passphrase)
    statuses: Counter[str] = Counter()
    notes = assigned = 0
    try:
        for receipt in [*receipts, *second_receipts]:
            roll = rng.random()
            target = (m.CaseStatus.OPEN if roll < 0.40 else m.CaseStatus.ACCEPTED if roll < 0.68 else
                      m.CaseStatus.REFERRED if roll < 0.80 else m.CaseStatus.REJECTED if roll < 0.90 else
                      m.CaseStatus.CLOSED)
            case_id = receipt.case_id
            if target is not m.CaseStatus.OPEN or rng.random() < 0.3:
                vault.cases.assign(case_id, staff_ids[attorney.name])
                assigned += 1
            if target in (m.CaseStatus.ACCEPTED, m.CaseStatus.CLOSED):  # a case is accepted once cleared
                check = vault.conflicts.check_case(case_id)
                if check.possible_conflict:
                    vault.conflicts.clear(case_id, ClearResult.WAIVED, "Demo: reviewed, a different person.")
                else:
                    vault.conflicts.clear(case_id, ClearResult.NO_CONFLICT)
            if target is m.CaseStatus.CLOSED:  # accepted first, then closed: a history of two changes
                vault.cases.set_status(case_id, m.CaseStatus.ACCEPTED,
                                       rng.choice(_REASONS[m.CaseStatus.ACCEPTED]))
            if target is not m.CaseStatus.OPEN:
                k = rng.randrange(len(_REASONS[target]))
                code = _CODES.get(target, (None,) * len(_REASONS[target]))[k]
                vault.cases.set_status(case_id, target, _REASONS[target][k],
                                       rejection_reason=code if target is m.CaseStatus.REJECTED else None,
                                       closure_category=code if target is m.CaseStatus.CLOSED else None)
            if target in (m.CaseStatus.ACCEPTED, m.CaseStatus.CLOSED) and rng.random() < 0.6:
                for _n in range(rng.randint(1, 2)):
                    vault.cases.add_note(case_id, rng.choice(_NOTES))
                    notes += 1
            statuses[target.value] += 1
            step(1)
    finally:
        vault.lock()
    if progress is not None:
        progress(total, total)

    made.update(
        clients=len(receipts) + len(own),
        returning_clients=len(second_receipts),
        intakes=len(receipts) + len(second_receipts) + len(own),
        volunteer_intakes=len(own),
        cases_by_status=dict(sorted(statuses.items())),
        cases_assigned=assigned,
        notes=notes,
    )
    return made


def _record(vault, batch: list[m.IntakeDraft], languages: dict) -> list[m.IntakeReceipt]:
    receipts = vault.intakes.record_many(batch, is_demo=True)
    for draft, receipt in zip(batch, receipts, strict=True):
        languages[receipt.client_id] = draft.language
    return receipts
