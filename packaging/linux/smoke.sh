#!/usr/bin/env bash
# Smoke test of the Linux bundle as a clinic would start it: outside our venv (a clean environment with
# only the session bus and a scratch HOME), under Xvfb, on a real Secret Service. Run inside
# .ci/with-keyring (make dist-smoke). Fails on any AF_INET/AF_INET6 socket the bundle opens.
set -euo pipefail
BIN=$(readlink -f "$1")
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# Nothing of the developer's machine inside: no source path, no tests, no demo vault.
if grep -rlF "$SRC" "$(dirname "$BIN")"; then
  echo "smoke: the bundle names the build folder $SRC" >&2
  exit 1
fi
if find "$(dirname "$BIN")" \( -path "*/tests/*" -o -name ".demo-vault" -o -name "*.po" \) | grep .; then
  echo "smoke: the bundle carries test data, a demo vault or translation sources" >&2
  exit 1
fi
scratch=$(mktemp -d -t clinic-smoke.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
clean=(env -i PATH=/usr/bin:/bin HOME="$scratch" XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-}"
       DBUS_SESSION_BUS_ADDRESS="${DBUS_SESSION_BUS_ADDRESS:?run inside .ci/with-keyring}" LANG=C.UTF-8)
cd "$scratch"

"${clean[@]}" "$BIN" --version | tee version.txt
grep -q "^SQLCipher 4" version.txt && grep -q "(bundle)" version.txt && grep -q "^Qt 6" version.txt

# The window (first-run wizard on an empty home), the keyring and the catalogue, under strace.
"${clean[@]}" xvfb-run -a -s "-screen 0 1366x768x24" \
  strace -f -qq -e trace=%network -o net.log "$BIN" --self-test --home "$scratch/empty" | tee self-test.txt
grep -q "^self-test: passed" self-test.txt
grep -q "FirstRunWizard" self-test.txt
if grep -E "AF_INET6?[,}]" net.log; then
  echo "smoke: the bundle opened a network socket" >&2
  exit 1
fi

# A vault on the real keyring, then unlocked again by the bundle (the device secret came back).
"${clean[@]}" CLINIC_NEW_PASSPHRASE="smoke test passphrase 4821" "$BIN" --home "$scratch/home" \
  init --admin "Ana Admin" --clinic "Smoke" > recovery.txt
test -s recovery.txt
"${clean[@]}" CLINIC_PASSPHRASE="smoke test passphrase 4821" CLINIC_USER="Ana Admin" \
  "$BIN" --home "$scratch/home" verify
echo "smoke: bundle passed"
