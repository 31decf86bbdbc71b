"""Crash-test writer: records intakes in a loop until it is killed, reporting each one only once it is saved.

Environment: CRASH_HOME (the clinic folder), CRASH_ACCOUNT, CRASH_DATA_KEY (hex) and CRASH_FPR, the unlocked
keys of the acting staff member, derived once by the test (Argon2id is not what is being tested here).

    python tests/crashwriter.py SEED      write intakes "SEED-0", "SEED-1", ... until killed
    python tests/crashwriter.py --serve   read "go SEED" lines; fork one writer per line and report
                                          "pid PID" then, once it is dead, "exit PID STATUS"

Each saved intake prints "saved <client ref> <intake id> <canary id>" with a single write(2), only after
`Intakes.record()` has returned. `--serve` exists because starting Python and importing the core costs a
few hundred milliseconds: forked writers start in about a millisecond, so a kill lands while writing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import traceback
from pathlib import Path

from clinic import models as m

NEEDS = list(m.Need)
SEALED = list(m.SealedField)


def _pick(canary: str, salt: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{canary}|{salt}".encode()).digest()[:8], "big") % n


def draft_for(canary: str) -> m.IntakeDraft:
    """The intake the writer records for `canary`: every field derived from it, so it can be checked later."""
    needs = tuple(NEEDS[(_pick(canary, "need", len(NEEDS)) + i) % len(NEEDS)]
                  for i in range(1 + _pick(canary, "needs", 3)))
    phones = tuple(m.Phone(f"+1 (213) 555-{_pick(canary, f'phone{i}', 10000):04d}", label=f"tel {i} ñ",
                           safe_to_call=bool(i % 2), safe_to_text=True,
                           safe_to_leave_message=bool(_pick(canary, f"msg{i}", 2)))
                   for i in range(_pick(canary, "phones", 3)))
    sealed = {SEALED[_pick(canary, "sealed", len(SEALED))]: f"sellado {canary} — Ω"} \
        if _pick(canary, "has-sealed", 3) == 0 else {}
    return m.IntakeDraft(
        given_names=f"Nombre{_pick(canary, 'given', 1000)} José", family_name_1="Crash-Núñez",
        family_name_2=f"Prueba{_pick(canary, 'fam2', 100)}", preferred_name="",
        date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=_pick(canary, "dob", 20000)),
        phones=phones, address=f"Calle {_pick(canary, 'addr', 999)} #{canary}", language="es",
        interpreter_needed=bool(_pick(canary, "interp", 2)), channel=m.Channel.WALK_IN,
        household_size=1 + _pick(canary, "household", 9), monthly_income=_pick(canary, "income", 5000),
        needs=needs, urgency=list(m.Urgency)[_pick(canary, "urgency", 3)], consent_to_store=True,
        notes=f"canario {canary} " + "texto de relleno para que la página crezca. " * _pick(canary, "len", 20),
        sealed=sealed,
    )


def write_forever(seed: str) -> None:
    from clinic.crypto.primitives import SecretBytes
    from clinic.home import Home
    from clinic.keys.keyfile import UnlockedKeys
    from clinic.vault import Vault

    keys = UnlockedKeys(os.environ["CRASH_ACCOUNT"], SecretBytes(b""),
                        (SecretBytes(bytes.fromhex(os.environ["CRASH_DATA_KEY"])),), None,
                        os.environ["CRASH_FPR"])
    vault = Vault.open(Home(Path(os.environ["CRASH_HOME"])), keys)
    n = 0
    while True:
        canary = f"{seed}-{n}"
        receipt = vault.intakes.record(draft_for(canary))
        os.write(1, f"saved {receipt.client_ref} {receipt.intake_id} {canary}\n".encode())
        n += 1


def serve() -> None:
    # Import everything a writer needs before forking, and open nothing: each child opens its own vault.
    import keyring

    import clinic.clients.intakes  # noqa: F401
    import clinic.vault  # noqa: F401

    keyring.get_keyring()  # backend discovery takes ~0.4 s; opening checks the key anchor in the keyring

    for line in sys.stdin:
        command, _, seed = line.strip().partition(" ")
        if command != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                write_forever(seed)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(2)
        os.write(1, f"pid {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(1, f"exit {pid} {status}\n".encode())


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        write_forever(sys.argv[1])
