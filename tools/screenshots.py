"""Render the main screens of a fresh demo vault, in English and Spanish, into docs/screenshots/.

    make screenshots      (= .ci/with-keyring xvfb-run -a -s "-screen 0 1280x800x24" python tools/screenshots.py)

Everything happens in a temporary folder: a DEMO vault of 60 synthetic clients (clinic.demo.create) and an empty
home for the first-run wizard. Files are named <screen>-<lang>.png, 1280x800 for the main window.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from clinic import models as m  # noqa: E402
from clinic.demo.create import DEMO_STAFF, create_demo  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.i18n import set_language  # noqa: E402
from clinic.vault import Vault  # noqa: E402
from ui.app import APP_NAME, QtTranslations  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.kit import theme  # noqa: E402
from ui.kit.tasks import ImmediateTaskRunner  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.shell.wizard import FirstRunWizard  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)
LANGUAGES = ("en", "es")


def settle(ms: int = 400) -> None:
    """Let timers (search-as-you-type, duplicate hints), layouts and deferred deletes run."""
    deadline = time.monotonic() + ms / 1000
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        QTest.qWait(20)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def save(widget: QWidget, name: str, lang: str) -> Path:
    settle()
    path = OUT / f"{name}-{lang}.png"
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not write {path}")
    print(f"screenshots: {path.relative_to(ROOT)}")
    return path


def staff(role: m.Role):
    return next(s for s in DEMO_STAFF if s.role is role)


def open_window(ctx: AppContext, role: m.Role, lang: str) -> MainWindow:
    """The main window, unlocked as the demo staff member of `role`, showing `lang`."""
    member = staff(role)
    vault = Vault.unlock(ctx.home, member.name, member.passphrase, ctx.guard)
    window = MainWindow(ctx, vault)
    window.resize(*SIZE)
    window.show()
    if vault.user.language != lang:
        window.switch_language(lang)  # the demo vault remembers it for that person, as the app does
    settle()
    return window


def shoot_wizard(lang: str, tmp: Path, translations: QtTranslations) -> None:
    home = Home(tmp / f"empty-{lang}")
    ctx = AppContext(home=home, runner=ImmediateTaskRunner())
    ctx.signals.language_changed.connect(translations.apply)
    wizard = FirstRunWizard(ctx)
    wizard.show()
    save(wizard, "wizard-welcome", lang)
    wizard.go_next()
    wizard.clinic_name.setText("Clínica Comunitaria del Valle")
    wizard.clinic_address.setPlainText("1200 Calle Principal\nSalinas, CA 93901")
    wizard.go_next()
    wizard.admin_name.setText("Ana Administradora")
    wizard.passphrase.passphrase.setText("ventana morado tijeras")
    wizard.passphrase.confirm.setText("ventana morado tijeras")
    save(wizard, "wizard-admin", lang)
    wizard.go_next()
    save(wizard, "wizard-recovery-key", lang)
    wizard.reject()
    wizard.reject()
    settle()


def shoot_unlock(ctx: AppContext, lang: str) -> None:
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    window.unlock_screen.names.setCurrentIndex(window.unlock_screen.names.findText(staff(m.Role.VOLUNTEER).name))
    save(window, "unlock", lang)
    window.close()


def shoot_intake(ctx: AppContext, lang: str) -> None:
    window = open_window(ctx, m.Role.VOLUNTEER, lang)
    page = window.pages["intake"]
    window.show_page("intake")
    returning = _a_client(ctx, m.Role.ADMIN)
    form = page.form
    form.given_names.setText(returning.given_names)
    form.family_name_1.setText(returning.family_name_1)
    form.date_of_birth.set_date(returning.date_of_birth)
    page.look_for_duplicates()
    save(window, "intake", lang)
    window.close()


def _a_client(ctx: AppContext, role: m.Role, *, sealed: bool = False) -> m.Client:
    """A demo client (with sealed values, if asked), looked up with a short-lived vault of `role`."""
    member = staff(role)
    vault = Vault.unlock(ctx.home, member.name, member.passphrase)
    try:
        for row, _key in vault.clients.page(limit=60):
            file = vault.clients.get(row.id)
            if file.cases and (file.sealed_fields or not sealed):
                return file.client
        raise RuntimeError("the demo vault has no suitable client")
    finally:
        vault.lock()


def shoot_clients_and_cases(ctx: AppContext, lang: str) -> None:
    window = open_window(ctx, m.Role.ATTORNEY, lang)
    client = _a_client(ctx, m.Role.ATTORNEY, sealed=True)
    clients = window.pages["clients"]
    window.show_page("clients")
    clients.search.setText(client.family_name_1)
    clients.search.textEdited.emit(client.family_name_1)  # as if typed: search-as-you-type listens to edits
    save(window, "clients", lang)
    ctx.signals.open_client.emit(client.id)
    save(window, "client-file", lang)
    window.show_page("cases")
    cases = window.pages["cases"]
    cases.show_list()
    save(window, "cases", lang)
    case_id = ctx.vault.clients.get(client.id).cases[0].id
    ctx.signals.open_case.emit(case_id)
    settle()
    cases.view.sealed.reveal()
    save(window, "case-file", lang)
    window.close()


def shoot_referrals(ctx: AppContext, lang: str) -> None:
    """A coordinator: the partner directory, a referral with its exact disclosure list, the letter preview."""
    from PySide6.QtWidgets import QCheckBox

    from ui.referrals.dialog import ReferralDialog

    window = open_window(ctx, m.Role.COORDINATOR, lang)
    window.show_page("partners")
    save(window, "partners", lang)
    client = _a_client(ctx, m.Role.COORDINATOR)
    ctx.signals.refer_client.emit(client.id)
    settle()
    dialog = next(d for d in window.findChildren(ReferralDialog) if d.isVisible())
    food = next(i for i in range(dialog.partner.count()) if "Food bank" in dialog.partner.itemText(i))
    dialog.partner.setCurrentIndex(food)
    settle()
    for box in dialog.findChildren(QCheckBox):
        if box.isEnabled() and not box.isChecked() and box.objectName() in ("tick_identity", "tick_household"):
            box.setChecked(True)
    settle()
    save(dialog, "referral", lang)
    dialog.close()
    window.close()


def shoot_admin(ctx: AppContext, lang: str) -> None:
    window = open_window(ctx, m.Role.ADMIN, lang)
    window.show_page("admin")
    save(window, "admin", lang)
    box = window.pages["admin"].eligibility_box
    sources = box.open_sources()
    save(sources, "admin-funding-sources", lang)
    save(sources.edit(), "admin-funding-source-form", lang)
    sources.form.reject()
    sources.reject()
    table = box.open_table()
    table.preview_text(GUIDELINE_SAMPLE)
    save(table, "admin-guideline-table", lang)
    table.reject()
    window.close()


# A next year's table as an admin would load it (the figures are made up: a screenshot, never loaded).
GUIDELINE_SAMPLE = ("year,effective,region,base,per_additional,source\n"
                    "2027,2027-01-14,contiguous,16300,5800,example notice\n"
                    "2027,2027-01-14,alaska,20400,7250,example notice\n"
                    "2027,2027-01-14,hawaii,18750,6670,example notice\n")


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    theme.apply_theme(app)
    translations = QtTranslations(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clinic-screenshots-") as tmp:
        home = Home(Path(tmp) / "demo")
        print("screenshots: making a demo vault of 60 clients…")
        create_demo(home, clients=60)
        for lang in LANGUAGES:
            set_language(lang)
            translations.apply(lang)
            ctx = AppContext(home=home, runner=ImmediateTaskRunner())
            ctx.signals.language_changed.connect(translations.apply)
            shoot_wizard(lang, Path(tmp), translations)
            set_language(lang)
            shoot_unlock(ctx, lang)
            shoot_intake(ctx, lang)
            shoot_clients_and_cases(ctx, lang)
            shoot_admin(ctx, lang)
            shoot_referrals(ctx, lang)
            settle()
    return 0


if __name__ == "__main__":
    sys.exit(main())
