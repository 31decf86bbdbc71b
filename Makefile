# Clinic Intake. `make run` opens the app; `make test` runs the whole suite. Both set everything up first.
VENV   := .venv
PY     := $(VENV)/bin/python
APP    := $(VENV)/bin/clinic-intake
XVFB   := xvfb-run -a -s "-screen 0 1280x800x24"
DEMO_HOME ?= $(CURDIR)/.demo-vault

.PHONY: setup i18n run test test-fast bench demo screenshots lint clean

setup:
	@bash .ci/setup

i18n: setup
	@$(PY) tools/i18n.py

run: i18n
	$(APP)

test: i18n
	QT_QPA_PLATFORM=offscreen .ci/with-keyring $(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: i18n
	QT_QPA_PLATFORM=offscreen .ci/with-keyring $(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

bench: i18n
	QT_QPA_PLATFORM=offscreen .ci/with-keyring $(PY) tools/bench.py $(BENCH_ARGS)

demo: i18n
	@test -e "$(DEMO_HOME)/clinic.keys" || $(APP) --home "$(DEMO_HOME)" demo
	$(APP) --home "$(DEMO_HOME)"

screenshots: i18n
	.ci/with-keyring $(XVFB) $(PY) tools/screenshots.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .demo-vault build *.egg-info
