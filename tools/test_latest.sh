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
echo "test-latest: newest releases installed:"
.venv-latest/bin/python -m pip list --format=freeze | diff <(grep -o '^[a-zA-Z0-9_.-]*==[^ ]*' requirements/dev.lock | tr 'A-Z_' 'a-z-' | sort) \
  <(.venv-latest/bin/python -m pip list --format=freeze | tr 'A-Z_' 'a-z-' | sort) | grep '^>' || true
.venv-latest/bin/python tools/i18n.py
QT_QPA_PLATFORM=offscreen .ci/with-keyring .venv-latest/bin/python -m pytest -q -m "not slow" "$@"
status=$?
if [ $status -ne 0 ]; then
  echo "test-latest: FAILED with the newest releases above. The lock still installs the tested set;" >&2
  echo "             fix or pin (with the reason in pyproject.toml) before running make lock." >&2
fi
exit $status
