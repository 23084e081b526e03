# The assistant's jobs. The two virtual environments stay behind these targets:
# .venv (Python 3.11: gateway, actions, shop, tests) and .venv-rasa (Python 3.10: Rasa).
.DEFAULT_GOAL := help
SHELL := /bin/bash

APP := .venv/bin/python
RASA_PY := .venv-rasa/bin/python
RASA := .venv-rasa/bin/rasa
# The Rasa data paths; the demo shop (data/demo_shop) is deliberately not one.
DATA := data/nlu data/rules data/stories responses/templates
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
# pytest exits 5 when it collects nothing; that is not a failure of the suite.
ALLOW_NO_TESTS := || [ $$? -eq 5 ]

.PHONY: help install import lexicon train train-worker-stop demo demo-db serve test test-app test-nlu validate \
        test-conversations lint format evaluate thresholds bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

install: ## create/update both virtual environments from the lock files
	@bash scripts/install.sh

import: install ## import a shop's exports: make import FILE="products.csv orders.xlsx" or FOLDER=dir (DRY_RUN=1, STRICT=1); docs/imports.md
	@$(APP) -m shop.imports $(FILE) $(if $(FOLDER),--folder $(FOLDER)) $(if $(DRY_RUN),--dry-run) $(if $(STRICT),--strict)

lexicon: install ## regenerate the jieba dictionary and lookup tables from the shop database's catalogue (make train then retrains only if they changed)
	$(APP) -m shop.imports.snapshot var/catalogue.json
	$(RASA_PY) -m nlu.text.lexicon --shop var/catalogue.json

train: install ## train the model (only when config, domain, data, responses or nlu/ changed)
	@$(RASA_PY) scripts/train.py

train-worker-stop: ## stop the trainers' warm training process (it exits by itself after 30 idle minutes)
	@$(RASA_PY) scripts/train.py --stop-worker

demo-db: install ## build a fresh demo shop database each time (SQLite by default, DATABASE_URL overrides; KEEP=1 keeps yesterday's)
	@$(APP) -m shop.demo $(if $(KEEP),,--fresh)
	@$(APP) -m desk.demo_history

demo: install demo-db train ## run the demo: servers + terminal simulator as buyer tb_linlin + web console (README)
	@$(APP) -m console demo
	@CONSOLE=$${CONSOLE:-1} $(APP) -m bot.simulate --buyer tb_linlin

serve: install train ## run for real: action server + Rasa server + Telegram gateway + web console
	@CONSOLE=$${CONSOLE:-1} $(APP) -m bot.serve

test: install lint test-nlu test-app validate test-conversations ## run every test
	@echo "make test: all green"

test-nlu: install ## NLU component tests (Rasa env)
	$(RASA_PY) -m pytest tests/nlu --confcutdir=tests/nlu -q $(ALLOW_NO_TESTS)

test-app: install ## shop, actions, bot and end-to-end tests (app env; trains the model once, cached)
	$(APP) -m pytest tests --ignore=tests/nlu -q $(ALLOW_NO_TESTS)

validate: install ## rasa data validate, failing on warnings
	$(RASA) data validate --fail-on-warnings --domain domain.yml --config config.yml --data $(DATA)

test-conversations: train ## conversation tests (rasa test) on tests/conversations/
	$(RASA) test core --stories tests/conversations --model $$($(RASA_PY) scripts/train.py --check) \
	    --fail-on-prediction-errors --out var/results/conversations

evaluate: install ## NLU evaluation vs the baseline (held-out, Traditional, real buyers or TSV=path, 5-fold CV; QUICK=1 skips CV, BASELINE=0 skips the baseline)
	$(RASA_PY) -m nlu.evaluation.evaluate $(if $(QUICK),--quick) $(if $(FOLDS),--folds $(FOLDS)) \
	    $(if $(TSV),--tsv $(TSV)) $(if $(filter 0,$(BASELINE)),--no-baseline)

thresholds: install ## recompute the auto-send thresholds from cross-validation into responses/routing.yml (prints the diff; DRY_RUN=1 only prints)
	$(RASA_PY) -m nlu.evaluation.thresholds $(if $(DRY_RUN),--dry-run) $(if $(FOLDS),--folds $(FOLDS)) $(if $(TSV),--tsv $(TSV))

bench: install ## benchmarks (latency, throughput, memory, training, vs stock Rasa): bench/results/latest.md; BENCH_ARGS=--quick
	$(APP) -m bench $(BENCH_ARGS)

lint: install ## ruff lint and format check, layer contracts (import-linter: .importlinter)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache --no-logo

format: install ## apply ruff formatting and safe fixes
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean: ## remove generated files (models, databases, logs); keeps the environments
	rm -rf models var .rasa results
