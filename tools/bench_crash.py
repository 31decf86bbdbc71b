"""The crash test's throughput, for `make bench`: how many intakes a writer saves between SIGKILLs.

    QT_QPA_PLATFORM=offscreen .ci/with-keyring .venv/bin/python tools/bench_crash.py [--kills 200]

tests/core/test_crash.py kills tests/crashwriter.py 200 times, 0-300 ms after each writer starts, and checks
that every intake a writer reported is whole. How many intakes land in that time depends on the machine and
its load, so the suite only asks for at least one; this bench runs the same writer the same way on a
throw-away vault and prints the count against the old in-test target (more saves than kills), with the
save rate (saves per second of writing) beside the one-intake floor of `make bench`.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clinic import models as m  # noqa: E402
from clinic.home import Home  # noqa: E402
from clinic.vault import Vault  # noqa: E402

WRITER = ROOT / "tests" / "crashwriter.py"
KILLS = 200
MAX_DELAY = float(os.environ.get("CRASH_MAX_DELAY", "0.3"))


def run(kills: int, seed: int) -> dict:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="clinic-bench-crash-") as tmp:
        home = Home(Path(tmp) / "home")
        admin, _recovery = Vault.init(home, clinic_name="Bench", admin_name="Bench Admin",
                                      passphrase="bench admin passphrase")
        admin.staff.add("Bench Volunteer", m.Role.VOLUNTEER, "bench volunteer passphrase")
        admin.lock()
        volunteer = Vault.unlock(home, "Bench Volunteer", "bench volunteer passphrase")
        keys = volunteer.keys
        env = {**os.environ, "CRASH_HOME": str(home.path), "CRASH_ACCOUNT": keys.account_id,
               "CRASH_DATA_KEY": bytes(keys.data_keys[0]).hex(), "CRASH_FPR": keys.privileged_fpr,
               "PYTHONPATH": str(ROOT)}
        volunteer.lock()
        err = Path(tmp) / "writer.err"
        proc = subprocess.Popen([sys.executable, str(WRITER), "--serve"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=err.open("wb"), env=env)
        saved = 0
        writing = 0.0
        try:
            for k in range(kills):
                proc.stdin.write(f"go {k}\n".encode())
                proc.stdin.flush()
                words = proc.stdout.readline().split()
                while words and words[0] != b"pid":
                    words = proc.stdout.readline().split()
                if not words:
                    raise RuntimeError(err.read_text()[-1000:])
                delay = rng.uniform(0, MAX_DELAY)
                time.sleep(delay)
                writing += delay
                os.kill(int(words[1]), signal.SIGKILL)
                while (words := proc.stdout.readline().split()) and words[0] != b"exit":
                    saved += words[0] == b"saved"
        finally:
            proc.stdin.close()
            proc.wait(timeout=30)
    return {"kills": kills, "saved": saved, "writing": writing}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=KILLS)
    args = ap.parse_args()
    r = run(args.kills, seed=1)
    rate = r["saved"] / r["writing"] if r["writing"] else 0.0
    ok = "ok" if r["saved"] > r["kills"] else "MISSED"
    print("operation | figure | target | ok?")
    print(f"crash test: intakes saved over {r['kills']} SIGKILLs 0-{MAX_DELAY * 1000:.0f} ms in | "
          f"{r['saved']} | > {r['kills']} (was asserted in tests/core/test_crash.py) | {ok}")
    print(f"  saves per second a writer lives (its open included; fsync per intake) | {rate:.0f} /s "
          f"({1000 / rate if rate else float('inf'):.1f} ms each) | — | info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
