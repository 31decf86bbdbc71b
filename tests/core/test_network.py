"""Nothing on the network: under strace, the CLI opens no AF_INET, AF_INET6 or AF_NETLINK socket."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from clinic.keys import device

FORBIDDEN = re.compile(r"\b(AF_INET6?|AF_NETLINK|PF_INET6?|PF_NETLINK)\b")
STRACE = shutil.which("strace")


def _traced(run_cli, log, *args, **kw):
    return run_cli(*args, prefix=[STRACE, "-f", "-qq", "-e", "trace=%network", "-o", str(log)], **kw)


def test_forbidden_pattern_matches_what_strace_prints():
    """Self-check: the pattern flags inet and netlink socket calls and lets D-Bus's AF_UNIX through."""
    assert FORBIDDEN.search('123 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3')
    assert FORBIDDEN.search('123 connect(3, {sa_family=AF_INET6, sin6_port=htons(443), ...}, 28) = 0')
    assert FORBIDDEN.search('123 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 4')
    assert not FORBIDDEN.search('123 connect(3, {sa_family=AF_UNIX, sun_path="/tmp/dbus-x"}, 23) = 0')


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (Debian package `strace`)")
def test_the_cli_makes_no_network_calls(run_cli, tmp_path):
    """init, staff add, intake add, search, client show and verify, traced: no inet or netlink socket at all."""
    home = tmp_path / "home"
    admin = {"CLINIC_USER": "Nora Admin", "CLINIC_PASSPHRASE": "nora's passphrase",
             "CLINIC_NEW_PASSPHRASE": "nora's passphrase"}
    source = tmp_path / "intake.json"
    source.write_text(json.dumps({"given_names": "Sofía", "family_names": "Mendoza Cruz",
                                  "phone": "+1 323 555 0100", "sealed": {"a_number": "A010203040"}}),
                      encoding="utf-8")
    logs, runs = [], []
    steps = [("init", "--admin", "Nora Admin"), ("intake", "add", str(source)), ("search", "sofia"),
             ("verify",)]
    try:
        for i, args in enumerate(steps):
            logs.append(tmp_path / f"strace-{i}.log")
            runs.append(_traced(run_cli, logs[-1], *args, home=home, env=admin))
            assert runs[-1].returncode == 0, (args, runs[-1].stderr)
        ref = runs[1].stdout.strip()
        logs.append(tmp_path / "strace-show.log")
        runs.append(_traced(run_cli, logs[-1], "client", "show", ref, "--json", home=home, env=admin))
        assert runs[-1].returncode == 0 and "A010203040" in runs[-1].stdout
    finally:
        if (home / "clinic.keys").exists():
            device.delete(json.loads((home / "clinic.keys").read_bytes())["vault_id"])
    assert ref in runs[2].stdout  # the traced commands really did their work
    for log in logs:
        text = log.read_text()
        assert "AF_UNIX" in text, f"{log.name}: strace saw no socket at all (is it tracing?)"
        bad = [line for line in text.splitlines() if FORBIDDEN.search(line)]
        assert bad == [], f"{log.name}:\n" + "\n".join(bad[:20])
