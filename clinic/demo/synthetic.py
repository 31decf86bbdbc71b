"""Deterministic synthetic people for the demo vault and the benchmark: no real person, same seed, same drafts.

    for draft in drafts(300, seed=7): vault.intakes.record(draft, is_demo=True)

Names come from Faker's es_MX and en_US banks (Spanish naming: one or two given names, first and second
family names, compound ones such as "de la Cruz", accents kept), weighted towards the surnames common in
Los Angeles. Phone numbers use the 555-0100..0199 block that US numbering reserves for fiction, in the
323, 213 and 562 area codes, so no real line is ever written down. Notes are drawn from a small bank of
invented intake sentences.

The stream is prefix-stable: the first k drafts of `drafts(n, seed=s)` are the same for every n >= k.
Dates (birth, hearings) are relative to `today`, which defaults to the current date.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator

from clinic import clock
from clinic import models as m
from clinic.eligibility.income import line as income_line

GENERATOR_VERSION = 2  # bump when the stream for a seed changes (the benchmark's cached vault keys on it)

# Surnames that recur in Los Angeles intake lists; mixed with Faker's bank so searches find many people.
_COMMON_SURNAMES = (
    "García", "Hernández", "López", "Martínez", "González", "Rodríguez", "Pérez", "Sánchez", "Ramírez",
    "Flores", "Gómez", "Díaz", "Reyes", "Cruz", "Morales", "Gutiérrez", "Ramos", "Ruiz", "Jiménez",
    "Vásquez", "Castillo", "Mendoza", "Chávez", "Ortiz", "Romero", "Álvarez", "Torres", "Domínguez",
)
_COMPOUND_SURNAMES = (
    "de la Cruz", "de la Rosa", "de León", "del Río", "de los Santos", "de la Torre", "del Valle",
    "de Jesús", "de la Garza", "de la Fuente",
)
_FIRST_PARTS_FEMALE = ("María", "Ana", "Rosa", "Luz")
_FIRST_PARTS_MALE = ("José", "Juan", "Luis", "Jesús")
_NICKNAMES = {
    "Guadalupe": "Lupita", "José": "Pepe", "Jesús": "Chuy", "Francisco": "Paco", "Ignacio": "Nacho",
    "Roberto": "Beto", "Alberto": "Beto", "Enrique": "Quique", "Dolores": "Lola", "Concepción": "Conchita",
    "Rosario": "Chayo", "Eduardo": "Lalo", "Manuel": "Manolo", "Alejandro": "Alex", "Margarita": "Maggie",
    "Refugio": "Cuca", "Gregorio": "Goyo", "Socorro": "Coco",
}

_AREA_CODES = ("323", "213", "562")
_PHONE_FORMATS = ("({area}) 555-{line}", "{area}-555-{line}", "+1 {area} 555 {line}")
_PHONE_LABELS = {"es": ("celular", "casa", "trabajo", "de su hermana", "de su vecina"),
                 "en": ("cell", "home", "work", "sister's phone", "neighbor's phone")}

_STREETS = ("E Cesar E Chavez Ave", "Whittier Blvd", "S Soto St", "N Broadway", "Pacific Blvd",
            "Atlantic Ave", "Florence Ave", "S Alvarado St", "W Pico Blvd", "E Olympic Blvd",
            "Long Beach Blvd", "S Gaffey St", "E 1st St", "Slauson Ave", "Firestone Blvd")
_PLACES = ("Los Angeles, CA 90033", "Los Angeles, CA 90023", "Huntington Park, CA 90255",
           "South Gate, CA 90280", "Bell Gardens, CA 90201", "Long Beach, CA 90813",
           "Los Angeles, CA 90006", "East Los Angeles, CA 90022", "Compton, CA 90221")
_SITES = {m.Channel.WALK_IN: ("Boyle Heights", "Huntington Park", "Pico-Union", "Long Beach"),
          m.Channel.PHONE: ("Línea de ayuda", "Hotline"),
          m.Channel.OUTREACH: ("Feria comunitaria", "Mercado de la Paz", "Parroquia San Juan")}

_MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
              "octubre", "noviembre", "diciembre")

# Invented intake sentences by need; {date} is a recent date and {n} a small number.
_NOTES = {
    "es": {
        m.Need.IMMIGRATION: (
            "Tiene cita de revisión con ICE y no tiene abogado.",
            "Quiere renovar DACA; el permiso de trabajo vence pronto.",
            "Pregunta si puede pedir asilo; llegó hace dos años.",
            "Un notario le cobró por trámites que nunca presentó.",
            "Recibió una carta de la corte de inmigración que no entiende.",
            "Pide información sobre el plan de preparación familiar.",
        ),
        m.Need.DETENTION: (
            "Esposo detenido el {date}; dos hijos en casa.",
            "Su hijo fue detenido en una redada en el trabajo el {date}.",
            "Hermano detenido; la familia no sabe dónde lo tienen.",
            "Pareja detenida el {date}; pregunta por la fianza.",
        ),
        m.Need.WORKPLACE: (
            "El patrón no le ha pagado las últimas {n} semanas.",
            "Trabaja más de 60 horas sin pago de horas extra.",
            "Lo despidieron después de lastimarse en el trabajo.",
        ),
        m.Need.HOUSING: (
            "Recibió aviso de desalojo del propietario el {date}.",
            "El dueño no hace reparaciones; hay humedad y moho.",
            "Le subieron la renta sin aviso por escrito.",
        ),
        m.Need.FOOD: (
            "Necesita despensa para la familia esta semana.",
            "Pregunta por ayuda con comida para {n} niños.",
        ),
        m.Need.OTHER: (
            "Necesita ayuda para llenar formularios de la escuela.",
            "Busca atención médica sin seguro.",
        ),
        "extra": (
            "Prefiere que le llamen por la tarde.",
            "No dejar mensaje de voz; comparte el teléfono.",
            "Vino con su hija, que interpretó parte de la entrevista.",
            "Traerá documentos en la próxima visita.",
        ),
    },
    "en": {
        m.Need.IMMIGRATION: (
            "Has an ICE check-in coming up and no attorney.",
            "Wants to renew DACA; work permit expires soon.",
            "Received a letter from immigration court and wants it explained.",
            "Paid a notario for filings that were never made.",
        ),
        m.Need.DETENTION: (
            "Husband detained on {date}; two children at home.",
            "Brother detained at a worksite raid on {date}.",
            "Family does not know where their son is being held.",
        ),
        m.Need.WORKPLACE: (
            "Employer has not paid the last {n} weeks of wages.",
            "Fired after reporting an injury at work.",
        ),
        m.Need.HOUSING: (
            "Got an eviction notice on {date}.",
            "Landlord refuses repairs; mold in the bedroom.",
        ),
        m.Need.FOOD: (
            "Needs groceries for the family this week.",
            "Asks about food help for {n} children.",
        ),
        m.Need.OTHER: (
            "Needs help with school enrollment forms.",
            "Looking for a low-cost clinic.",
        ),
        "extra": (
            "Best to call in the afternoon.",
            "Do not leave voicemail; shared phone.",
            "Will bring documents next visit.",
        ),
    },
}

IMMIGRATION_STATUSES = ("undocumented", "DACA", "TPS", "asylum pending", "U visa pending",
                        "lawful permanent resident", "parole", "unknown")
_DETENTION_DETAILS = ("Detained family member held at Adelanto; bond hearing not yet set.",
                      "Familiar detenido en el centro de procesamiento; audiencia de fianza pendiente.",
                      "Held at a downtown processing center; transferred once already.")

# (need, weight) for the first need of an intake; a second need is added sometimes.
_NEED_WEIGHTS = ((m.Need.IMMIGRATION, 46), (m.Need.DETENTION, 12), (m.Need.WORKPLACE, 14),
                 (m.Need.HOUSING, 14), (m.Need.FOOD, 9), (m.Need.OTHER, 5))
_HOUSEHOLD_WEIGHTS = ((1, 14), (2, 17), (3, 20), (4, 21), (5, 14), (6, 8), (7, 4), (8, 2))


def fold(text: str) -> str:
    """Lower case without accents: what a person types in a search box ("García" -> "garcia")."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _tidy(name: str) -> str:
    """Faker's es_MX bank has stray double spaces and misspellings ("de la Crúz", a truncated "Jos")."""
    words = ["José" if word == "Jos" else word for word in name.split()]
    return " ".join(words).replace("Crúz", "Cruz")


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class _Person:
    """One synthetic person's intake at a time, drawn from a single random stream (Faker's included)."""

    def __init__(self, rng: random.Random, today: dt.date):
        from faker import Faker

        self.rng = rng
        self.today = today
        self.faker = {"es": Faker("es_MX"), "en": Faker("en_US")}
        for fake in self.faker.values():
            fake.random = rng  # one stream: deterministic and prefix-stable for a seed

    def given_names(self, lang: str, female: bool) -> str:
        rng, fake = self.rng, self.faker[lang]
        name = _tidy(fake.first_name_female() if female else fake.first_name_male())
        if lang == "es" and " " not in name and rng.random() < 0.3:
            first = rng.choice(_FIRST_PARTS_FEMALE if female else _FIRST_PARTS_MALE)
            if first != name:
                name = f"{first} {name}"
        return name

    def spanish_surname(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return rng.choice(_COMMON_SURNAMES)
        if roll < 0.51:
            return rng.choice(_COMPOUND_SURNAMES)
        return _tidy(self.faker["es"].last_name())

    def phones(self, lang: str) -> tuple[m.Phone, ...]:
        rng = self.rng
        count = _weighted(rng, ((0, 5), (1, 75), (2, 20)))
        out = []
        for i in range(count):
            number = rng.choice(_PHONE_FORMATS).format(area=rng.choice(_AREA_CODES),
                                                       line=f"01{rng.randrange(100):02d}")
            call = rng.random() < 0.88
            labels = _PHONE_LABELS[lang]
            out.append(m.Phone(number=number, label=rng.choice(labels[:3] if i == 0 else labels[1:]),
                               safe_to_call=call, safe_to_text=call and rng.random() < 0.8,
                               safe_to_leave_message=call and rng.random() < 0.35))
        return tuple(out)

    def address(self) -> str:
        rng = self.rng
        if rng.random() >= 0.35:
            return ""
        unit = f" Apt {rng.randrange(1, 40)}" if rng.random() < 0.4 else ""
        return f"{rng.randrange(100, 9900)} {rng.choice(_STREETS)}{unit}\n{rng.choice(_PLACES)}"

    def recent_date_text(self, lang: str) -> str:
        day = self.today - dt.timedelta(days=self.rng.randrange(1, 21))
        if lang == "es":
            return f"{day.day} de {_MONTHS_ES[day.month - 1]}"
        return day.strftime("%B ") + str(day.day)

    def notes(self, lang: str, needs: tuple[m.Need, ...]) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return ""
        bank = _NOTES[lang]
        parts = [rng.choice(bank[needs[0]])]
        if rng.random() < 0.3:
            parts.append(rng.choice(bank["extra"]))
        return " ".join(p.format(date=self.recent_date_text(lang), n=rng.randrange(2, 6)) for p in parts)

    def sealed(self, needs: tuple[m.Need, ...]) -> dict[m.SealedField, str]:
        rng = self.rng
        if rng.random() >= 0.4:
            return {}
        values = {m.SealedField.IMMIGRATION_STATUS: rng.choice(IMMIGRATION_STATUSES)}
        if rng.random() < 0.7:
            values[m.SealedField.A_NUMBER] = f"A{rng.randrange(10**8, 10**9):09d}"
        if m.Need.DETENTION in needs and rng.random() < 0.6:
            values[m.SealedField.DETENTION_DETAILS] = rng.choice(_DETENTION_DETAILS)
        return values

    def draft(self) -> m.IntakeDraft:
        rng, today = self.rng, self.today
        female = rng.random() < 0.56
        if rng.random() < 0.85:  # Spanish naming
            given = self.given_names("es", female)
            family_1 = self.spanish_surname()
            family_2 = self.spanish_surname() if rng.random() < 0.88 else ""
            language = "es" if rng.random() < 0.85 else "en"
        else:
            given = self.given_names("en", female)
            family_1, family_2 = _tidy(self.faker["en"].last_name()), ""
            language = "en" if rng.random() < 0.9 else "es"
        first_given = given.split()[0] if given.split()[0] not in ("María", "José") else given.split()[-1]
        preferred = _NICKNAMES.get(first_given, "") if rng.random() < 0.35 else ""
        age_days = rng.randrange(18 * 365, 78 * 365)
        dob = today - dt.timedelta(days=age_days) if rng.random() < 0.93 else None

        first = _weighted(rng, _NEED_WEIGHTS)
        needs = [first]
        if rng.random() < 0.3:
            second = _weighted(rng, _NEED_WEIGHTS)
            if second not in needs and second is not m.Need.DETENTION:
                needs.append(second)
        if first is m.Need.DETENTION and m.Need.IMMIGRATION not in needs and rng.random() < 0.5:
            needs.append(m.Need.IMMIGRATION)
        needs_t = tuple(needs)
        detained = m.Need.DETENTION in needs_t
        next_date = None
        if detained:
            next_date = today + dt.timedelta(days=rng.randrange(2, 61))
            urgency = m.Urgency.URGENT if rng.random() < 0.7 else m.Urgency.SOON
        elif m.Need.IMMIGRATION in needs_t and rng.random() < 0.3:
            next_date = today + dt.timedelta(days=rng.randrange(7, 181))
            urgency = m.Urgency.SOON if (next_date - today).days <= 30 else m.Urgency.ROUTINE
        elif m.Need.HOUSING in needs_t and rng.random() < 0.3:
            next_date = today + dt.timedelta(days=rng.randrange(3, 30))
            urgency = m.Urgency.URGENT if (next_date - today).days <= 7 else m.Urgency.SOON
        else:
            urgency = m.Urgency.SOON if rng.random() < 0.15 else m.Urgency.ROUTINE

        household = _weighted(rng, _HOUSEHOLD_WEIGHTS)
        income = 0 if rng.random() < 0.08 else round(rng.gauss(1400 + 350 * household, 600) / 50) * 50
        channel = _weighted(rng, ((m.Channel.WALK_IN, 65), (m.Channel.PHONE, 25), (m.Channel.OUTREACH, 10)))
        return m.IntakeDraft(
            given_names=given,
            family_name_1=family_1,
            family_name_2=family_2,
            preferred_name=preferred,
            date_of_birth=dob,
            phones=self.phones(language),
            address=self.address(),
            language=language,
            interpreter_needed=language == "es" and rng.random() < 0.04,
            channel=channel,
            site=rng.choice(_SITES[channel]),
            household_size=household,
            income=(income_line("wages", max(0, min(income, 9000)), "month"),),
            needs=needs_t,
            urgency=urgency,
            next_date=next_date,
            detained_family_member=detained,
            consent_to_store=True,
            consent_language=language,
            notes=self.notes(language, needs_t),
            sealed=self.sealed(needs_t),
        )


def drafts(n: int, *, seed: int, today: dt.date | None = None) -> Iterator[m.IntakeDraft]:
    """`n` synthetic intakes of new clients (consent given), the same for the same seed and day."""
    today = today or clock.today()
    person = _Person(random.Random(f"clinic-synthetic:{GENERATOR_VERSION}:{seed}"), today)
    for _ in range(n):
        yield person.draft()
