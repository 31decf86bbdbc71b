# Clinic Intake. `make run` opens the app; `make test` runs the whole suite. Both set everything up first,
# from the hashed lock in requirements/ (exactly the versions that were tested).
VENV   := .venv
PY     := $(VENV)/bin/python
APP    := $(VENV)/bin/clinic-intake
XVFB   := xvfb-run -a -s "-screen 0 1280x800x24"
DEMO_HOME ?= $(CURDIR)/.demo-vault
UV     := uv==0.13.8
# pytest-xdist workers for `make test`: two, this laptop's and CI's cores (`make test WORKERS=0`: one
# process). A file's tests stay on one worker (loadfile), so a module's fixtures are built once.
WORKERS ?= 2
XDIST  := -n $(WORKERS) --dist loadfile
LOCK   := $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes

.PHONY: setup i18n run test test-fast test-latest bench bench-compare bench-curve bench-scale demo screenshots lint lock wheel dist dist-smoke clean

setup:
	@bash .ci/setup

i18n: setup
	@$(PY) tools/i18n.py

run: i18n
	$(APP)

test: i18n
	QT_QPA_PLATFORM=offscreen .ci/with-keyring $(PY) -m pytest -q $(XDIST) $(PYTEST_ARGS)

test-fast: i18n
	QT_QPA_PLATFORM=offscreen .ci/with-keyring $(PY) -m pytest -q $(XDIST) -m "not slow" $(PYTEST_ARGS)

# The newest release of every dependency pyproject.toml allows, in a separate venv: allowed to fail, so
# we learn about the next Babel 2.19 before a clinic does. Never changes the lock.
test-latest:
	@bash tools/test_latest.sh

bench: i18n
	QT_QPA_PLATFORM=offscreen .ci/with-keyring $(PY) tools/bench.py $(BENCH_ARGS)

# Growth to a million clients (builds and caches 10k, 100k and 1M vaults the first time: slow).
bench-curve: i18n
	QT_QPA_PLATFORM=offscreen .ci/with-keyring $(PY) tools/bench_curve.py $(CURVE_ARGS)

bench-scale: bench-curve

# The figures of the last `make bench` beside the committed baseline (ratios to raw; >10% worse flagged).
bench-compare:
	$(PY) tools/bench_compare.py

demo: i18n
	@test -e "$(DEMO_HOME)/clinic.keys" || $(APP) --home "$(DEMO_HOME)" demo
	$(APP) --home "$(DEMO_HOME)"

screenshots: i18n
	.ci/with-keyring $(XVFB) $(PY) tools/screenshots.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Re-resolve pyproject.toml's ranges into the hashed locks. An upgrade is a change to test: commit the new
# locks only after `make test` passes on them.
lock: setup
	$(PY) -m pip install -q --disable-pip-version-check $(UV)
	$(LOCK) pyproject.toml -o requirements/runtime.lock
	$(LOCK) pyproject.toml requirements/dev.in --extra test -o requirements/dev.lock

# The wheel: code, fonts and the compiled catalogue; no tests, no demo vault.
wheel: i18n
	rm -rf build dist/*.whl
	$(PY) -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w dist .

# A self-contained Linux bundle (PyInstaller, one folder) plus a .desktop entry: dist/clinic-intake/.
dist: i18n
	rm -rf build/pyinstaller dist/clinic-intake
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist \
	  --workpath build/pyinstaller packaging/pyinstaller/clinic-intake.spec
	cp packaging/linux/clinic-intake.desktop clinic/resources/icons/clinic-intake.svg dist/clinic-intake/
	cd dist && tar -czf clinic-intake-linux-x86_64.tar.gz clinic-intake

# Start the bundle as a clinic would, outside our venv: first-run wizard, a vault on a real keyring, no
# network socket.
dist-smoke: dist
	.ci/with-keyring bash packaging/linux/smoke.sh dist/clinic-intake/clinic-intake

clean:
	rm -rf $(VENV) .demo-vault build dist *.egg-info
