# Two commands matter: `make run` and `make test`. Everything else is a building block.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export API_PORT ?= 8000
export ACTIONS_PORT ?= 5055
export RASA_PORT ?= 5005
# Every service listens on the loopback interface only; set a *_HOST to 0.0.0.0 (behind a proxy) to open it.
export API_HOST ?= 127.0.0.1
export ACTIONS_HOST ?= 127.0.0.1
export RASA_HOST ?= 127.0.0.1
# Browser origins allowed to call Rasa, matched as a whole (an unanchored pattern lets localhost.evil.example in).
export RASA_CORS ?= ^https?://(localhost|127\.0\.0\.1)(:\d+)?$$
export SUPPORT_API_URL ?= http://localhost:$(API_PORT)
export ACTION_ENDPOINT_URL ?= http://localhost:$(ACTIONS_PORT)/webhook
export TRACKER_DB ?= $(CURDIR)/var/tracker.db
# The WhatsApp channel remembers (message ids, pending messages, windows, long button ids) in the same file.
export WHATSAPP_MEMORY_URL ?= sqlite:///$(TRACKER_DB)
# The WhatsApp channel is enabled when its access token is configured.
export RASA_CREDENTIALS ?= $(if $(WHATSAPP_ACCESS_TOKEN),credentials-whatsapp.yml,credentials.yml)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Rasa 3.6's old dependencies print pages of deprecation warnings; keep its logs readable.
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
RASA = PYTHONWARNINGS=ignore ../$(BOT_VENV)/bin/rasa

PYTHON311 ?= python3.11
# Rasa 3.6 needs Python 3.10: a working python3.10 on PATH, else pyenv's 3.10.
PYTHON310 ?= $(shell if python3.10 -c 'import sys' >/dev/null 2>&1; then echo python3.10; \
	elif command -v pyenv >/dev/null 2>&1 && [ -x "$$(pyenv prefix 3.10 2>/dev/null)/bin/python3.10" ]; then \
	echo "$$(pyenv prefix 3.10)/bin/python3.10"; fi)

VENV := .venv
BOT_VENV := .venv-bot
INDEX := var/index/manifest.json
BENCH_SECTIONS ?= 100000
BOT_KEY := var/bot-api-key
IDENTITY_SECRET_FILE := var/identity-secret
MODEL := bot/models/support.tar.gz
ARTICLES := $(shell find knowledge/articles -name '*.md' 2>/dev/null)
INDEX_CODE := $(wildcard core/*.py knowledge/*.py search/*.py search/data/* pipelines/*.py)
BOT_DATA := bot/config.yml bot/shared/languages.py bot/shared/language_choice.py bot/shared/phrases.py bot/shared/greetings.yml $(wildcard bot/domain/*.yml bot/data/*.yml bot/components/*.py bot/components/*.yml)

.PHONY: help run test index train lint typecheck unit bot-test postgres redis browser webchat bench eval clean

help:
	@echo "make run    set up, build what is stale, start API + Rasa + actions, print the chat URL"
	@echo "make test   set up and run every test (lint, types, unit, Rasa, end-to-end)"
	@echo "make index  build the search index if the articles changed"
	@echo "make train  train the Rasa model if its data changed"
	@echo "make bench  benchmarks, numbers printed: ticket API load, chat latency, turns per ticket, NLU, search at 100k sections"
	@echo "make eval   search quality on every public set in ../shared/evaldata (Markdown table)"

$(VENV)/.installed: pyproject.toml
	@echo "==> Python 3.11 environment ($(VENV))"
	@test -x $(VENV)/bin/python || $(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	@touch $@

$(BOT_VENV)/.installed: bot/requirements.txt
	@echo "==> Python 3.10 environment for Rasa ($(BOT_VENV))"
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 not found: install it (e.g. 'pyenv install 3.10') or set PYTHON310=/path/to/python3.10"; exit 1; fi
	@test -x $(BOT_VENV)/bin/python || $(PYTHON310) -m venv $(BOT_VENV)
	$(BOT_VENV)/bin/pip install --quiet --upgrade "pip<25"
	$(BOT_VENV)/bin/pip install --quiet -r bot/requirements.txt
	@touch $@

$(INDEX): $(VENV)/.installed $(ARTICLES) $(INDEX_CODE)
	@echo "==> Search index (only new or changed articles are embedded)"
	$(VENV)/bin/python -m pipelines ingest
	@touch $@

$(MODEL): $(BOT_VENV)/.installed $(BOT_DATA)
	@echo "==> Rasa model"
	cd bot && $(RASA) train --domain domain --fixed-model-name support --out models
	@touch $@

# The bot's service key for the ticket API, made once; delete the file to issue a new one.
$(BOT_KEY): $(VENV)/.installed
	@echo "==> API key for the bot ($(BOT_KEY))"
	@mkdir -p var
	@$(VENV)/bin/python -m api keys create bot --replace --write $@

# The secret the API signs verified customers' identities with, made once (readable by its owner only).
$(IDENTITY_SECRET_FILE):
	@mkdir -p var
	@umask 077 && $(PYTHON311) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@.tmp && mv $@.tmp $@

index: $(INDEX)
train: $(MODEL)

run: $(INDEX) $(MODEL) $(BOT_KEY) $(IDENTITY_SECRET_FILE)
	@echo
	@echo "  Chat page:      http://localhost:$(API_PORT)/"
	@echo "  Rasa REST:      POST http://localhost:$(RASA_PORT)/webhooks/rest/webhook"
	@echo "  API docs:       http://localhost:$(API_PORT)/docs"
	@echo "  Insights:       http://localhost:$(API_PORT)/insights  (admin key: .venv/bin/python -m api keys create NAME --admin)"
	@echo "  Ctrl-C stops every service."
	@echo
	$(VENV)/bin/honcho start -f Procfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed $(BOT_VENV)/.installed
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --python-executable $(BOT_VENV)/bin/python --python-version 3.10 bot/actions bot/components bot/channels bot/shared

# The ticket tests also run on a real PostgreSQL server: install Debian's packages when missing.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> Installing PostgreSQL (Debian packages) for the ticket tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "PostgreSQL is not installed and cannot be installed here: ticket tests run on SQLite only"; fi

# The WhatsApp channel's memory is also tested on a real Redis server: install Debian's package when missing.
redis:
	@if command -v redis-server >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> Installing Redis (Debian package) for the channel memory tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	else echo "Redis is not installed and cannot be installed here: its memory tests are skipped"; fi

# A third-party Rasa widget from npm (rasa-webchat), driven in Chromium against the running bot.
WEBCHAT := tests/e2e/webchat
$(WEBCHAT)/node_modules/.installed: $(WEBCHAT)/package.json $(WEBCHAT)/package-lock.json
	@echo "==> rasa-webchat from npm for the socket.io browser test"
	npm ci --prefix $(WEBCHAT) --no-audit --no-fund --loglevel=error
	@touch $@
webchat: $(WEBCHAT)/node_modules/.installed

# The widget test drives Debian's Chromium headless: install it when missing.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> Installing Chromium and ChromeDriver (Debian packages) for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "Chromium is not installed and cannot be installed here: browser tests are skipped"; fi

unit: $(VENV)/.installed $(MODEL) postgres redis browser webchat
	$(VENV)/bin/pytest

bot-test: $(MODEL) redis
	cd bot && ../$(BOT_VENV)/bin/pytest -q tests
	cd bot && $(RASA) data validate --domain domain --quiet
	cd bot && $(RASA) test core --stories tests \
		--model models/support.tar.gz --out ../var/rasa-results --fail-on-prediction-errors

test: lint typecheck bot-test unit

bench: $(VENV)/.installed $(INDEX) $(MODEL)
	$(VENV)/bin/python -m bench.tickets_load
	$(VENV)/bin/python -m bench.chat_latency
	$(VENV)/bin/python -m bench.suggest_latency
	$(VENV)/bin/python -m bench.dialog_turns
	$(VENV)/bin/python -m bench.hostile_input
	cd bot && PYTHONWARNINGS=ignore ../$(BOT_VENV)/bin/python nlu_by_language.py
	$(VENV)/bin/python -m bench.search_scale --sections $(BENCH_SECTIONS)

eval: $(VENV)/.installed
	$(VENV)/bin/python -m bench.retrieval_table

clean:
	rm -rf var bot/models bot/.rasa
