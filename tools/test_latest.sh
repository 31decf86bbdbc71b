#!/usr/bin/env bash
# make test-latest: the suite against the newest release of every dependency pyproject.toml allows, in
# its own venv (.venv-latest), ignoring the lock. Failing here is the point: it tells us which release
# would break a fresh install before the lock is refreshed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup >/dev/null   # system packages and the keyring tools
rm -rf .venv-latest
python3 -m venv .venv-latest
.venv-latest/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv-latest/bin/python -m pip install -q --disable-pip-version-check --upgrade -e '.[test]'
echo "test-latest: what differs from requirements/dev.lock:"
.venv-latest/bin/python - <<'PY'
import re
from importlib import metadata
norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()
locked = dict(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", open("requirements/dev.lock").read(), re.M))
locked = {norm(k): v for k, v in locked.items()}
for dist in sorted(metadata.distributions(), key=lambda d: norm(d.metadata["Name"])):
    name, version = norm(dist.metadata["Name"]), dist.version
    if name in locked and locked[name] != version:
        print(f"  {name}: {locked[name]} (locked) -> {version}")
PY
.venv-latest/bin/python tools/i18n.py
QT_QPA_PLATFORM=offscreen .ci/with-keyring .venv-latest/bin/python -m pytest -q -m "not slow" "$@"
status=$?
if [ $status -ne 0 ]; then
  echo "test-latest: FAILED with the newest releases above. The lock still installs the tested set;" >&2
  echo "             fix or pin (with the reason in pyproject.toml) before running make lock." >&2
fi
exit $status
