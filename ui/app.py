"""Composition root: the QApplication, theme, translators, error hook, context, and the first window.

    python -m ui.app [--home DIR]      (or `clinic-intake` with no command)

Only what the first window needs is imported here; screens and reportlab load when they are used.
"""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtCore import QLibraryInfo, QObject, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from clinic import Home
from clinic.errors import UserError
from clinic.i18n import LANGUAGES, CatalogueUnavailable, current_language, set_language
from ui.context import AppContext
from ui.kit import theme
from ui.kit.errors import install_excepthook
from ui.kit.tasks import TaskRunner

APP_NAME = "Clinic Intake"
SHUTDOWN_WAIT_MS = 15_000


class Prefs:
    """The only things kept outside the vault: the UI language before unlock and the window geometry.

    Never client data, never staff names. An INI file in the user's config folder (or `path`, in tests).
    """

    def __init__(self, path: str | None = None):
        if path is None:
            self._s = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ClinicIntake", "ui")
        else:
            self._s = QSettings(str(path), QSettings.Format.IniFormat)

    def language(self) -> str | None:
        value = self._s.value("language")
        return value if value in LANGUAGES else None

    def set_language(self, lang: str) -> None:
        if lang in LANGUAGES:
            self._s.setValue("language", lang)
            self._s.sync()

    def geometry(self) -> bytes | None:
        value = self._s.value("geometry")
        return bytes(value) if value else None

    def set_geometry(self, data: bytes) -> None:
        self._s.setValue("geometry", data)
        self._s.sync()


class QtTranslations(QObject):
    """Qt's own catalogue (standard buttons, file and print dialogs) following the app's language."""

    def __init__(self, app: QApplication):
        super().__init__(app)
        self._app = app
        self._translator: QTranslator | None = None

    def apply(self, lang: str) -> None:
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if lang == "en":
            return
        translator = QTranslator(self)
        path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{lang}", path):
            self._app.installTranslator(translator)
            self._translator = translator


class Shell(QObject):
    """Keeps the open window alive and moves from the first-run wizard to the main window."""

    def __init__(self, app: QApplication, ctx: AppContext, prefs: Prefs):
        super().__init__(app)
        self.app, self.ctx, self.prefs = app, ctx, prefs
        self.window = None

    def start(self) -> None:
        if self.ctx.home.has_vault():
            self.open_main()
        else:
            from ui.shell.wizard import FirstRunWizard

            wizard = FirstRunWizard(self.ctx, prefs=self.prefs)
            wizard.completed.connect(self.open_main)
            wizard.rejected.connect(self.app.quit)
            self.window = wizard
            wizard.show()

    def open_main(self, vault=None) -> None:
        from ui.main_window import MainWindow

        previous = self.window
        self.window = MainWindow(self.ctx, vault, prefs=self.prefs)
        self.window.show()
        if previous is not None:
            previous.deleteLater()

    def shutdown(self) -> None:
        """On quit: drop the keys, then let running work finish (its results are discarded)."""
        vault, self.ctx.vault = self.ctx.vault, None
        if vault is not None:
            vault.lock()
        self.ctx.runner.cancel_all()
        self.ctx.runner.wait_idle(SHUTDOWN_WAIT_MS)


def main(home: str | None = None) -> int:
    """Run the desktop app until its window closes; returns the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    theme.apply_theme(app)
    try:  # before anything touches Qt's print support (and so libcups)
        from ui.kit.printing import pin_local_print_server

        pin_local_print_server()
    except UserError:  # a remote CUPS_SERVER: refused again, with its sentence, at Print...
        logging.getLogger(__name__).warning("printing refused: CUPS_SERVER names another computer")
    prefs = Prefs()
    try:
        set_language(prefs.language() or current_language())
    except CatalogueUnavailable as exc:  # said, then the app goes on in English, the source language
        QMessageBox.critical(None, APP_NAME, exc.message)
    qt_translations = QtTranslations(app)
    qt_translations.apply(current_language())
    restore_hooks = install_excepthook(app)
    ctx = AppContext(home=Home.resolve(home), runner=TaskRunner())
    ctx.signals.language_changed.connect(qt_translations.apply)
    shell = Shell(app, ctx, prefs)
    app.aboutToQuit.connect(shell.shutdown)
    shell.start()
    try:
        return app.exec()
    finally:
        restore_hooks()


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui.app")
    parser.add_argument("--home", help="the clinic folder (default: CLINIC_HOME, then the data folder)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(main(_parse(sys.argv[1:]).home))
