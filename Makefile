# arbot — set-up, run and test. Two environments (SPEC §2):
#   .venv/rasa  Rasa 3.6 + spaCy 3.4 (dialogue server)      from requirements/rasa.lock
#   .venv/app   everything we write (actions, web, CLI, tests) from requirements/app.lock
# Each is rebuilt only when its lock file changes, so a second `make test` installs nothing.
SHELL := /bin/bash
VENV  := .venv
TOOLS := $(VENV)/tools
UV    := $(TOOLS)/bin/uv
APP   := $(VENV)/app
RASA  := $(VENV)/rasa
export UV_NO_PROGRESS := 1
export RASA_TELEMETRY_ENABLED := false

PYTEST_ARGS ?=
NLU_MIN_INTENT_F1 ?= 0.94
NLU_MIN_ENTITY_F1 ?= 0.90
NLU_MIN_INTENT_F1_ES ?= 0.91
NLU_MIN_ENTITY_F1_ES ?= 0.89
# The blind Spanish set's entity F1 met its 0.90 target once identifiers were read by the
# word naming them (arbot_nlu/cues.py): 0.937 on 2026-12-07 (0.864 before); its floor is now
# that of the other Spanish set.
NLU_MIN_ENTITY_F1_BLIND_ES ?= 0.89

.PHONY: help envs model rasa-check run test lint format clean
help:
	@echo "make run    set up everything (training the model if needed) and start arbot"
	@echo "make test   set up everything and run lint and the whole test suite"
	@echo "make lint   ruff + mypy strict"
	@echo "make model  train the Rasa model if config.yml, domain.yml, data/ or arbot_nlu/ changed"
	@echo "make rasa-check  validate the Rasa data, run the test stories and the NLU evaluation"

$(TOOLS)/.stamp: requirements/tools.txt
	@echo "==> tools env (uv)"
	"$$(scripts/python310)" -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check -r requirements/tools.txt
	@touch $@

$(APP)/.stamp: requirements/app.lock pyproject.toml $(TOOLS)/.stamp
	@echo "==> app env (requirements/app.lock)"
	$(UV) venv --quiet --allow-existing --python "$$(scripts/python310)" $(APP)
	$(UV) pip sync --quiet --python $(APP)/bin/python requirements/app.lock
	$(UV) pip install --quiet --python $(APP)/bin/python --no-deps -e .
	@touch $@

$(RASA)/.stamp: requirements/rasa.lock $(TOOLS)/.stamp
	@echo "==> rasa env (requirements/rasa.lock)"
	$(UV) venv --quiet --allow-existing --python "$$(scripts/python310)" $(RASA)
	$(UV) pip sync --quiet --python $(RASA)/bin/python requirements/rasa.lock
	@touch $@

envs: $(APP)/.stamp $(RASA)/.stamp

# Debian's Chromium, which the console's browser tests drive through Playwright (the
# playwright wheel brings its driver but no browser: `playwright install` downloads one and
# is never run). Installed with apt when the machine has none; sudo only when not root.
$(APP)/.chromium: | $(APP)/.stamp
	@echo "==> chromium (Debian package)"
	command -v chromium >/dev/null || { \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends chromium; }
	command -v chromium >/dev/null
	@touch $@

lint: $(APP)/.stamp
	$(APP)/bin/ruff check .
	$(APP)/bin/ruff format --check .
	$(APP)/bin/mypy

format: $(APP)/.stamp
	$(APP)/bin/ruff format .
	$(APP)/bin/ruff check --fix .

# Trains only when the model's inputs changed (scripts/rasa_model.py); else a no-op.
model: $(RASA)/.stamp
	scripts/train

# The Rasa side of `make test`: the data validates, every test story passes and NLU is
# measured on both held-out sets (tests/data/nlu_test.yml and nlu_blind.yml):
# scripts/nlu_eval prints intent macro-F1 and entity F1 for each and whether each meets
# its target (0.95 and 0.90). It fails below NLU_MIN_INTENT_F1 / NLU_MIN_ENTITY_F1: a
# floor a little under the intent target, since a model trained on another CPU may round
# differently (two trainings here gave the same 0.955 and 0.965 on 2026-12-02).
# The Spanish sets (tests/data/nlu_test_es.yml, and nlu_blind_es.yml once written) have
# their own targets (0.92 and 0.90) and floors a little under them, NLU_MIN_*_ES.
# Reports go to .cache/rasa-test/, not Rasa's results/.
rasa-check: model
	$(RASA)/bin/rasa data validate --fail-on-warnings
	$(RASA)/bin/rasa test core --stories tests/ --fail-on-prediction-errors --no-plot \
		--model "$$(scripts/train | tail -n 1)" --out .cache/rasa-test/core
	scripts/nlu_eval --out .cache/rasa-test/nlu \
		--min-intent-f1 $(NLU_MIN_INTENT_F1) --min-entity-f1 $(NLU_MIN_ENTITY_F1) \
		--min-intent-f1-es $(NLU_MIN_INTENT_F1_ES) --min-entity-f1-es $(NLU_MIN_ENTITY_F1_ES) \
		--min-entity-f1-blind-es $(NLU_MIN_ENTITY_F1_BLIND_ES)

test: envs $(APP)/.chromium lint model rasa-check
	$(APP)/bin/python -m pytest $(PYTEST_ARGS)

# Trains the model first when it is missing or stale (the same rule as `make model`), so
# the bot answers from the first message.
run: envs model
	$(APP)/bin/arbot db upgrade
	$(APP)/bin/arbot demo --if-empty
	$(APP)/bin/arbot run

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
