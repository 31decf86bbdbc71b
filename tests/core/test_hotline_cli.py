"""`incident media ...` and `incident followup ...`: the README's example as written, the stripped copy."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def _ok(run):
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return run


def test_the_readme_media_and_follow_up_example_works_as_written(run_cli, home, tmp_path):
    """Each command of the README block runs (the printed reference in place of the sample); the copy
    has no GPS, the custody log lists every step, and the follow-ups are listed."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("#### Follow-up and media"):text.index("## Demo vault")]
    commands = [line.split("#")[0].strip() for line in re.search(r"```sh\n(.*?)```", section, re.S)
                .group(1).splitlines() if line.strip()]

    def run(*argv):
        return _ok(run_cli(*argv, home=home, role="admin", env={"PYTHONPATH": str(REPO)}))

    (tmp_path / "i.json").write_text(json.dumps({"date": "2026-11-14", "people": [{"detained": True}]}),
                                     encoding="utf-8")
    ref = run("incident", "add", str(tmp_path / "i.json")).stdout.strip()
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 3.0, 8.0)})
    exif[0x0110] = "CANARYPHONE"
    Image.new("RGB", (16, 16)).save(tmp_path / "foto.jpg", "JPEG", exif=exif)
    outputs = []
    for command in commands:
        argv = [ref if a == "I-7K3M-9QXD" else str(tmp_path / a) if a.endswith(".jpg") else a
                for a in shlex.split(command)[1:]]
        outputs.append(run(*argv))
    media_id, digest = outputs[0].stdout.split()
    assert media_id == "1" and len(digest) == 64
    copy = (tmp_path / "foto-para-compartir.jpg").read_bytes()
    assert b"CANARYPHONE" not in copy and len(Image.open(io.BytesIO(copy)).getexif()) == 0
    assert "GPS" in outputs[1].stderr
    log = outputs[3].stdout
    assert [line.split("\t")[2] for line in log.splitlines()] == ["received", "exported_copy", "handed_over"]
    listed = outputs[-1].stdout
    assert "food_relief" in listed and "city" in listed


def test_a_video_copy_is_refused_in_one_sentence(run_cli, home, tmp_path):
    """No copy of a video: exit 1, one sentence, no file written."""
    def run(*argv, role="admin"):
        return run_cli(*argv, home=home, role=role, env={"PYTHONPATH": str(REPO)})

    (tmp_path / "i.json").write_text(json.dumps({"date": "2026-11-14"}), encoding="utf-8")
    ref = _ok(run("incident", "add", str(tmp_path / "i.json"))).stdout.strip()
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    _ok(run("incident", "media", "add", ref, str(tmp_path / "clip.mp4"), "--holder", "Ana"))
    result = run("incident", "media", "copy", "1", "--out", str(tmp_path / "c.jpg"))
    assert result.returncode == 1 and "JPEG and PNG" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "c.jpg").exists()
