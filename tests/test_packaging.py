"""The wheel is a real package: installed into a fresh venv, outside the source tree, it finds its fonts
and catalogue through importlib.resources, answers --help and --version, makes a demo vault and renders
a Spanish letter. It carries no tests, demo vault or developer paths."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

LETTER = """
import clinic, pathlib
from clinic.letters.compose import compose_letter
from clinic.letters.render import render_letter
from clinic.letters.sample import sample_request
pathlib.Path("letter.pdf").write_bytes(render_letter(compose_letter(sample_request("es"))))
print(clinic.__file__)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "tools/i18n.py"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "-w", str(out), "."], cwd=ROOT, check=True, capture_output=True)
    (found,) = out.glob("clinic_intake-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel; third-party packages are borrowed from the test venv by a
    plain path (no .pth of ours is processed, so the source tree stays invisible)."""
    target = tmp_path_factory.mktemp("fresh-venv")
    venv.EnvBuilder(with_pip=True).create(target)
    py = target / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True)
    return target


def _run(installed: Path, args: list[str], cwd: Path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean.update(env)
    return subprocess.run(args, cwd=cwd, env=clean, capture_output=True, text=True, timeout=180)


def test_the_wheel_holds_resources_and_nothing_of_the_developer(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "clinic/resources/fonts/DejaVuSans.ttf" in names
    assert "clinic/resources/translations/es/LC_MESSAGES/clinic.mo" in names
    assert "clinic/storage/migrations/0001_core.sql" in names  # the demo vault below is built from them
    assert not [n for n in names if n.startswith(("tests/", "tools/", ".demo-vault")) or n.endswith(".po")]
    for name in names:
        data = zipfile.ZipFile(wheel).read(name)
        assert str(ROOT).encode() not in data, name


def test_installed_wheel_runs_outside_the_source_tree(installed, tmp_path):
    app = installed / "bin" / "clinic-intake"
    assert _run(installed, [str(app), "--help"], tmp_path).returncode == 0
    version = _run(installed, [str(app), "--version"], tmp_path)
    assert version.returncode == 0 and "SQLCipher 4." in version.stdout and "Qt 6." in version.stdout
    spanish = _run(installed, [str(app), "--help"], tmp_path, CLINIC_LANG="es")
    assert "cifradas" in spanish.stdout
    demo = _run(installed, [str(app), "--home", str(tmp_path / "home"), "demo", "--clients", "5"], tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "home" / "clinic.db").exists()


def test_installed_wheel_renders_a_spanish_letter(installed, tmp_path):
    made = _run(installed, [str(installed / "bin" / "python"), "-c", LETTER], tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().startswith(str(installed)), made.stdout  # not the source tree's clinic
    text = subprocess.run(["pdftotext", "letter.pdf", "-"], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout
    assert "Hernández" in text and "Centro de Trabajadores Unidos" in text
    fonts = subprocess.run(["pdffonts", "letter.pdf"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts
