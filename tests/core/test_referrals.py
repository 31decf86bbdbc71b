"""Referrals through the facade: minimal disclosure, consent, sealed rules, audit, letters as sent."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from clinic import models as m
from clinic.eligibility.income import line as income_line
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.home import Home
from clinic.vault import Vault

PASS = {"admin": "admin passphrase 1", "atty": "attorney passphrase", "coord": "coordinator passphrase",
        "vol": "volunteer passphrase"}

# One distinctive value per disclosure group, so a letter's text shows exactly which groups it carries.
CANARY = {
    "identity": "Zenobia",
    "contact": "Calle Quetzal 77",
    "household": "4321",
    "needs": "Detention of a family member",
    "case_summary": "NOTA-CANARIO-XJ",
    "sealed": "A987654321",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("ref") / "vault")
    vault, _rk = Vault.init(home, clinic_name="Clínica Comunitaria", admin_name="admin",
                            passphrase=PASS["admin"])
    vault.staff.add("atty", m.Role.ATTORNEY, PASS["atty"])
    vault.staff.add("coord", m.Role.COORDINATOR, PASS["coord"])
    vault.staff.add("vol", m.Role.VOLUNTEER, PASS["vol"])
    receipt = vault.intakes.record(m.IntakeDraft(
        given_names="Zenobia", family_name_1="Ruiz", family_name_2="Peña", date_of_birth=dt.date(1990, 5, 1),
        phones=(m.Phone("+1 213 555 0199"),), address=CANARY["contact"], language="es",
        household_size=5, income=(income_line("wages", 4321, "year"),), needs=(m.Need.DETENTION, m.Need.FOOD),
        detained_family_member=True, consent_to_store=True, notes=CANARY["case_summary"],
        sealed={m.SealedField.A_NUMBER: CANARY["sealed"], m.SealedField.IMMIGRATION_STATUS: "TPS-CANARIO"}))
    food = vault.partners.add(m.PartnerDraft(name="Banco de Comida", services=("food_relief",),
                                             disclosure=("identity", "household")))
    legal = vault.partners.add(m.PartnerDraft(
        name="Legal Aid Office", services=("legal_representation",), legal_representation=True,
        disclosure=("identity", "contact", "household", "needs", "case_summary", "sealed")))
    vault.lock()
    keys = {who: Vault.derive(home, who, pw) for who, pw in PASS.items()}
    return home, keys, receipt, food.id, legal.id


@pytest.fixture
def env(template, tmp_path):
    home, keys, receipt, food, legal = template
    copy = Home(tmp_path / "vault")
    shutil.copytree(home.path, copy.path)
    opened = []

    def open_as(who: str) -> Vault:
        vault = Vault.open(copy, keys[who])
        opened.append(vault)
        return vault

    yield open_as, copy, receipt, food, legal
    for vault in opened:
        vault.lock()


def _draft(client_id, partner_id, groups, **kw) -> m.ReferralDraft:
    return m.ReferralDraft(client_id=client_id, partner_id=partner_id, need=kw.pop("need", m.Need.FOOD),
                           groups=frozenset(groups), consent_date=dt.date.today(), consent_language="es",
                           consent_method=kw.pop("method", "in_person"), **kw)


def _text(pdf: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_letter_carries_every_disclosed_group_and_nothing_else(env):
    """A letter to the food bank shows identity and household, and none of contact, needs, notes or sealed."""
    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    referral = coord.referrals.create(_draft(receipt.client_id, food, {"identity", "household"}))
    assert referral.groups == ("identity", "household")
    text = _text(coord.referrals.make_letter(referral.id))
    assert CANARY["identity"] in text and CANARY["household"] in text.replace(",", "")
    for group in ("contact", "case_summary", "sealed"):
        assert CANARY[group] not in text, group
    assert "TPS-CANARIO" not in text


def test_sealed_never_reaches_a_non_legal_partner_whatever_is_ticked(env):
    """Ticking sealed for a food bank is refused for every role, attorney included."""
    open_as, _home, receipt, food, _legal = env
    for who in ("coord", "atty", "admin"):
        vault = open_as(who)
        with pytest.raises(PermissionDenied):
            vault.referrals.create(_draft(receipt.client_id, food, {"identity", "sealed"}))


def test_sealed_to_legal_partner_needs_an_attorney(env):
    """A coordinator cannot send sealed details even to a legal partner; an attorney can, and is recorded."""
    open_as, _home, receipt, _food, legal = env
    coord = open_as("coord")
    with pytest.raises(PermissionDenied):
        coord.referrals.create(_draft(receipt.client_id, legal, {"identity", "sealed"}, need=m.Need.IMMIGRATION))
    coord.lock()
    atty = open_as("atty")
    referral = atty.referrals.create(_draft(receipt.client_id, legal, {"identity", "sealed"},
                                            need=m.Need.IMMIGRATION))
    assert referral.sealed_approved_by == atty.user.id
    text = _text(atty.referrals.make_letter(referral.id))
    assert CANARY["sealed"] in text and "TPS-CANARIO" in text
    assert CANARY["contact"] not in text


def test_coordinator_default_to_legal_partner_drops_sealed_silently_only_when_unticked(env):
    """The disclosed list is the intersection of profile and ticks; unticked groups never appear."""
    open_as, _home, receipt, _food, legal = env
    coord = open_as("coord")
    referral = coord.referrals.create(_draft(receipt.client_id, legal, {"contact", "needs"},
                                             letter_language="en"))
    text = _text(coord.referrals.make_letter(referral.id))
    assert CANARY["contact"] in text and CANARY["needs"] in text
    assert CANARY["identity"] not in text and CANARY["sealed"] not in text


def test_volunteer_cannot_refer(env):
    """Referrals are for coordinators and attorneys; the core refuses a volunteer."""
    open_as, _home, receipt, food, _legal = env
    vol = open_as("vol")
    with pytest.raises(PermissionDenied):
        vol.referrals.create(_draft(receipt.client_id, food, {"identity"}))


def test_consent_is_recorded_and_validated(env):
    """Consent date, language and method are stored; a future date or unknown method is refused."""
    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    with pytest.raises(ValidationError) as err:
        coord.referrals.create(_draft(receipt.client_id, food, {"identity"}, method="email"))
    assert err.value.field == "consent_method"
    future = m.ReferralDraft(client_id=receipt.client_id, partner_id=food, need=m.Need.FOOD,
                             groups=frozenset({"identity"}), consent_date=dt.date.today() + dt.timedelta(days=1),
                             consent_language="es", consent_method="phone")
    with pytest.raises(ValidationError):
        coord.referrals.create(future)
    referral = coord.referrals.create(_draft(receipt.client_id, food, {"identity"}, method="phone"))
    assert (referral.consent_method, referral.consent_language) == ("phone", "es")
    assert referral.outcome is m.ReferralOutcome.PENDING


def test_outcome_updates_and_letters_are_kept_as_sent(env):
    """The stored letter is returned byte for byte for reprint; outcomes change later."""
    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    referral = coord.referrals.create(_draft(receipt.client_id, food, {"identity"}))
    with pytest.raises(NotFound):
        coord.referrals.letter_pdf(referral.id)
    pdf = coord.referrals.make_letter(referral.id)
    assert coord.referrals.letter_pdf(referral.id) == pdf
    assert coord.referrals.set_outcome(referral.id, m.ReferralOutcome.ACCEPTED).outcome is m.ReferralOutcome.ACCEPTED
    assert [r.id for r in coord.referrals.pending_today()] == []


def test_every_print_and_save_is_audited_with_fields(env):
    """letter.print and letter.save rows name the referral and its fields, never the client's name."""
    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    referral = coord.referrals.create(_draft(receipt.client_id, food, {"identity", "household"}))
    coord.referrals.make_letter(referral.id)
    coord.referrals.record_output(referral.id, "print")
    coord.referrals.record_output(referral.id, "save")
    coord.lock()
    admin = open_as("admin")
    entries = [e for e in admin.settings.audit_log() if e.action in ("letter.print", "letter.save")]
    assert {e.action for e in entries} == {"letter.print", "letter.save"}
    assert all(e.target == f"referral:{referral.id}" for e in entries)
    from clinic.storage import audit

    rows = audit.recent(admin.conn)
    details = " ".join(r[5] for r in rows if r[3] in ("letter.print", "letter.save"))
    assert '"fields":["identity","household"]' in details
    assert "Zenobia" not in " ".join(str(r) for r in rows)


def test_partner_profile_refuses_sealed_for_non_legal(env):
    """A partner not marked as legal representation cannot have sealed in its disclosure profile."""
    open_as, *_ = env
    coord = open_as("coord")
    with pytest.raises(ValidationError) as err:
        coord.partners.add(m.PartnerDraft(name="X", services=("housing",), disclosure=("identity", "sealed")))
    assert err.value.field == "disclosure"


def test_partner_csv_round_trip_defuses_formulas(env):
    """Export holds no client data and defuses =cmd cells; import restores them exactly."""
    open_as, *_ = env
    coord = open_as("coord")
    coord.partners.add(m.PartnerDraft(name="=HYPERLINK(\"x\")", services=("health",), disclosure=("identity",),
                                      phone="+1 555 0100", hours="Lun–Vie 9–5"))
    text = coord.partners.export_csv()
    assert "'=HYPERLINK" in text and "Zenobia" not in text
    added, updated = coord.partners.import_csv(text)
    assert added == 0 and updated >= 6
    assert coord.partners.by_name('=HYPERLINK("x")').hours == "Lun–Vie 9–5"
    with pytest.raises(ValidationError):
        coord.partners.import_csv("name,shoe\nA,1\n")


def test_example_partners_are_shipped_marked_and_blank(env):
    """Five example partners exist, marked as examples, with no contact details."""
    open_as, *_ = env
    examples = [p for p in open_as("coord").partners.list() if p.is_example]
    assert len(examples) == 5
    assert all(p.name.startswith("Ejemplo / Example:") and not (p.phone or p.email or p.address) for p in examples)


def _cli(home: Path, *args, user="coord", **env):
    return subprocess.run(
        [sys.executable, "-m", "clinic.cli.main", *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
        env={**os.environ, "CLINIC_HOME": str(home), "CLINIC_USER": user, "CLINIC_PASSPHRASE": PASS[user],
             "CLINIC_LANG": "en", **env}, timeout=60)


def test_cli_letter_writes_pdf_with_blank_metadata_and_embedded_font(env, tmp_path):
    """`letter` records the referral, writes the PDF where asked, and pdfinfo/pdffonts show it clean."""
    _open_as, home, receipt, _food, _legal = env
    out = tmp_path / "out.pdf"
    result = _cli(home.path, "letter", receipt.client_ref, "--partner", "Banco de Comida", "--need", "food",
                  "--lang", "both", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("RF-")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    for key in ("Author:", "Creator:", "Producer:", "Title:", "Subject:"):
        line = next((ln for ln in info.splitlines() if ln.startswith(key)), key)
        assert line.split(":", 1)[1].strip() == "", line
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in f for f in fonts)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Zenobia" in text and CANARY["contact"] not in text


def test_cli_letter_refuses_what_profile_or_role_forbid(env, tmp_path):
    """A sealed group to a food bank, or by a coordinator, is one sentence on stderr and no file."""
    _open_as, home, receipt, _food, _legal = env
    out = tmp_path / "no.pdf"
    for partner, user in (("Banco de Comida", "atty"), ("Legal Aid Office", "coord")):
        result = _cli(home.path, "letter", receipt.client_ref, "--partner", partner, "--need", "immigration",
                      "--fields", "identity,sealed", "--out", str(out), user=user)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not out.exists()


def test_cli_partner_add_list_import(env, tmp_path):
    """partner add/list/import work and a bad service name is refused with the names allowed."""
    _open_as, home, *_ = env
    assert _cli(home.path, "partner", "add", "Tenants Union", "--services", "housing",
                "--disclose", "identity,contact").returncode == 0
    bad = _cli(home.path, "partner", "add", "X", "--services", "spaceships", "--disclose", "identity")
    assert bad.returncode == 1 and "housing" in bad.stderr
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("name,services,disclosure,legal_representation\nClínica Legal,legal_representation,"
                        "identity;sealed,yes\n", encoding="utf-8")
    assert _cli(home.path, "partner", "import", str(csv_file)).returncode == 0
    listed = _cli(home.path, "partner", "list").stdout
    assert "Tenants Union" in listed and "Clínica Legal" in listed


def test_signature_role_is_in_the_letter_language(env):
    """A Spanish letter signed by a coordinator says 'Coordinador/a' even when the UI is in English."""
    from clinic import i18n

    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    i18n.set_language("en")
    referral = coord.referrals.create(_draft(receipt.client_id, food, {"identity"}, letter_language="both"))
    text = _text(coord.referrals.make_letter(referral.id))
    from clinic.i18n import translator_for

    spanish_title = translator_for("es").gettext("Coordinator")
    assert spanish_title != "Coordinator"
    assert spanish_title in text and "Coordinator" in text


def test_letter_with_sealed_details_is_sealed_at_rest(env):
    """A stored letter carrying sealed values is ciphertext in the letters table; coordinators cannot open it."""
    open_as, _home, receipt, _food, legal = env
    atty = open_as("atty")
    referral = atty.referrals.create(_draft(receipt.client_id, legal, {"identity", "sealed"},
                                            need=m.Need.IMMIGRATION, letter_language="en"))
    pdf = atty.referrals.make_letter(referral.id)
    assert atty.referrals.letter_pdf(referral.id) == pdf
    from clinic.storage.repos.referrals import ReferralRepo

    _id, stored, sealed = ReferralRepo(atty.conn).latest_letter(referral.id)
    assert sealed and not stored.startswith(b"%PDF") and b"A987654321" not in stored
    atty.lock()
    coord = open_as("coord")
    with pytest.raises(PermissionDenied):
        coord.referrals.letter_pdf(referral.id)


def test_referral_case_must_belong_to_the_client(env):
    """A referral naming another client's case is refused."""
    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    other = coord.intakes.record(m.IntakeDraft(given_names="Otra", family_name_1="Persona", consent_to_store=True))
    with pytest.raises(ValidationError):
        coord.referrals.create(_draft(receipt.client_id, food, {"identity"}, case_id=other.case_id))


def test_daily_batch_skips_letters_already_printed(env):
    """pending_today lists a pending referral until its letter has been printed once."""
    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    referral = coord.referrals.create(_draft(receipt.client_id, food, {"identity"}))
    coord.referrals.make_letter(referral.id)
    assert referral.id in [r.id for r in coord.referrals.pending_today()]
    coord.referrals.record_output(referral.id, "print")
    assert referral.id not in [r.id for r in coord.referrals.pending_today()]


def test_referral_options_are_enums_stored_as_the_same_values(env):
    """A referral's options come back as the models' enums; the database holds the very same strings."""
    open_as, _home, receipt, food, _legal = env
    coord = open_as("coord")
    referral = coord.referrals.create(_draft(receipt.client_id, food, {m.Group.IDENTITY, m.Group.HOUSEHOLD},
                                             method=m.ConsentMethod.PHONE, letter_language=m.LetterLanguage.BOTH,
                                             layout=m.LetterLayout.SIDE_BY_SIDE))
    again = coord.referrals.get(referral.id)
    assert again.groups == (m.Group.IDENTITY, m.Group.HOUSEHOLD) and all(type(g) is m.Group for g in again.groups)
    assert type(again.consent_method) is m.ConsentMethod and again.consent_method is m.ConsentMethod.PHONE
    assert again.letter_language is m.LetterLanguage.BOTH and again.layout is m.LetterLayout.SIDE_BY_SIDE
    row = coord.conn.execute("SELECT fields, consent_method, letter_language, layout FROM referrals WHERE id = ?",
                             (referral.id,)).fetchone()
    assert tuple(row) == ("identity,household", "phone", "both", "side_by_side")
    assert all(type(v) is str for v in row)
    partner = coord.partners.get(food)
    assert all(isinstance(s, m.Service) for s in partner.services)
    assert all(isinstance(g, m.Group) for g in partner.disclosure)
