# The two commands a new machine needs: `make example` and `make test`.
# Both set everything up first: a virtualenv, a Docker engine, the base image (and for the
# tests, a headless Chromium for the HTML reports and a Redis server for distributed grading).

VENV ?= .venv
BIN := $(VENV)/bin
BASE_IMAGE ?= python:3.11-slim

.PHONY: setup engine redis browser example test lint clean

$(BIN)/grader: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

engine:
	bash docker/ensure-engine.sh
	bash docker/ensure-base-image.sh $(BASE_IMAGE)

browser:
	bash docker/ensure-chromium.sh

# the broker of distributed grading (grader worker, grader grade --broker)
redis:
	bash docker/ensure-redis.sh

setup: $(BIN)/grader engine

example: setup
	$(BIN)/grader grade tasks/notes-api/solutions/* --task notes-api --jobs 2

lint: $(BIN)/grader
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: setup browser redis lint
	$(BIN)/python -m pytest

clean: $(BIN)/grader
	$(BIN)/grader clean
