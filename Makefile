# 微粒贷客服模拟助手 — every entry point. `make run` and `make test` work from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/current.tar.gz
TRAINING_DATA := data/nlu data/stories
# Everything that changes what `rasa train` produces; the model is rebuilt only when one of these changes.
# (data/knowledge is read by the action server at run time, so editing answers needs no retraining.)
# The chat page (web/): rebuilt when its sources or the locked dependencies change.
WEB_INPUTS := web/package.json web/package-lock.json web/index.html web/vite.config.js $(shell find web/src -type f 2>/dev/null | sort)
MODEL_INPUTS := config.yml domain.yml bot/components.py bot/entities.py bot/text.py bot/concerns.py \
	$(shell find $(TRAINING_DATA) data/context data/rude data/jieba data/lexicon -type f 2>/dev/null | sort)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

# Rasa 3.6 needs Python 3.10: take python3.10 from PATH, else from pyenv's versions.
PYTHON310 = $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: help install train web run shell test validate bench cv danger-cv follow-up-cv rude-cv families explain feedback load lint clean

help:
	@echo "make run      set up, train if needed, start action server :5055 and Rasa :5005 (Ctrl-C stops all)"
	@echo "make test     set up, validate data, train if needed, run every test"
	@echo "make install  create .venv with the pinned dependencies"
	@echo "make train    train the model if config, domain, data or components changed"
	@echo "make web      build the chat page (npm ci + vite) if its sources changed"
	@echo "make shell    chat with the bot in the terminal"
	@echo "make bench    NLU accuracy on the held-out split beside TF-IDF; start time, memory, latency, throughput"
	@echo "make cv       choose NLU settings by 3-fold cross-validation on the training data (slow: ~1 h)"
	@echo "make danger-cv  choose the learned danger reading's thresholds, one training writer left out at a time"
	@echo "make follow-up-cv  choose the follow-up model's settings, one writer of data/context left out at a time"
	@echo "make rude-cv  choose the rudeness model's settings, one writer of data/rude left out at a time"
	@echo "make families  held-out pass rate of each paraphrase family (tests/families/)"
	@echo "make feedback  the answers users marked 没用 most (the page's 有用 / 没用; var/feedback.db)"
	@echo "make explain MSG=\"…\" [BEFORE=\"…|…\"]  how a message is read after those turns, and why"
	@echo "make load     Locust: 50 users in mixed conversations for 5 min against the real stack"
	@echo "make lint     ruff"

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it): install it, e.g. with pyenv, and retry." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

train: $(MODEL)

$(MODEL): $(VENV)/.installed $(MODEL_INPUTS)
	$(RASA) train --data $(TRAINING_DATA) --fixed-model-name current --out models
	touch $@

web: web/dist/index.html

web/dist/index.html: $(WEB_INPUTS)
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 and npm to build the chat page." >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund && npm run build
	touch $@

validate: install
	$(RASA) data validate --data $(TRAINING_DATA) --fail-on-warnings

run: train web
	$(PY) -m bot.stack

shell: train
	$(PY) -m bot.stack --shell

test: lint validate train web
	$(PY) -m pytest

bench: train web
	$(PY) -m bot.tools.nlu_bench
	$(PY) -m bot.tools.perf_bench

cv: install
	$(PY) -m bot.tools.nlu_cv $(CV_ARGS)

danger-cv: install
	$(PY) -m bot.tools.danger_cv $(DANGER_CV_ARGS)

follow-up-cv: install
	$(PY) -m bot.tools.follow_up_cv

rude-cv: install
	$(PY) -m bot.tools.rude_cv

families: train
	$(PY) -m bot.tools.families $(FAMILIES_ARGS)

feedback: install
	$(PY) -m bot.feedback

explain: train
	@test -n "$(MSG)" || { echo 'usage: make explain MSG="逾期了怎么办" [BEFORE="第一句|第二句"]' >&2; exit 2; }
	PYTHONWARNINGS=ignore $(PY) -m bot.tools.explain "$(MSG)" --before "$(BEFORE)"

# Locust lives in its own virtualenv: its dependencies (gevent, Flask) stay out of the bot's.
.venv-load/.installed: requirements-load.txt
	@test -x .venv-load/bin/python || $(PYTHON310) -m venv .venv-load
	.venv-load/bin/python -m pip install --quiet --upgrade "pip==24.0"
	.venv-load/bin/python -m pip install --quiet -r requirements-load.txt
	touch $@

load: train .venv-load/.installed
	$(PY) -m bot.tools.load

lint: install
	$(VENV)/bin/ruff check bot actions tests

clean:
	rm -rf models var/*.db tests/artifacts results web/dist
