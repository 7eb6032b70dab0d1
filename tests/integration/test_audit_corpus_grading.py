"""Corpus recall and corpus validation of notes-api, graded through Docker.

The fixture `tests/fixtures/notes-corpus/two-flaws` plants two flaws in the notes-api
reference: F1 (titles over 200 characters stored) which the hidden suite catches, and F2 (an
unexpected error answers 501) which no request of the suites can reach. Recall is 1 of 2.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO, copy_tasks

FIXTURE = REPO / "tests" / "fixtures" / "notes-corpus"


def grader(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments],
        capture_output=True, text=True, timeout=900, env={**os.environ, "COLUMNS": "250"},
    )  # fmt: skip


def corpus_task(root: Path) -> Path:
    tasks = copy_tasks(root).tasks_dir
    shutil.copytree(FIXTURE, tasks / "notes-api" / "corpus")
    (tasks / "notes-api" / "calibration.toml").unlink()  # only the corpus is graded here
    return tasks


def test_recall_counts_the_flaw_the_suites_catch_and_not_the_one_they_miss(
    docker_client: Any, tmp_path: Path
) -> None:
    tasks = corpus_task(tmp_path)
    out = tmp_path / "audit"
    done = grader("tasks", "audit", "notes-api", "--corpus", "--skip-mutants", "--jobs", "2",
                  "--tasks-dir", str(tasks), "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "corpus recall of notes-api: 50 %" in done.stdout
    report = json.loads((out / "corpus.json").read_text())
    assert (report["flaws"], report["caught"], report["recall_percent"]) == (2, 1, 50.0)
    assert report["category_recall_percent"] == 50.0
    caught = {flaw["id"]: flaw["caught"] for flaw in report["per_flaw"]}
    assert caught == {"F1": True, "F2": False}
    assert report["unfair_losses"] == []
    assert report["not_graded"] == []
    assert "| two-flaws | F2: an unexpected error answers 501 instead of 500 | errors" in (
        (out / "corpus.md").read_text()
    )


def test_validate_holds_baselines_to_full_marks_and_flaws_to_their_categories(
    docker_client: Any, tmp_path: Path
) -> None:
    tasks = corpus_task(tmp_path)
    corpus = tasks / "notes-api" / "corpus"
    shutil.copytree(corpus / "two-flaws", corpus / "bad-baseline")
    shutil.rmtree(corpus / "bad-baseline" / "baseline")
    shutil.copytree(corpus / "two-flaws" / "flawed", corpus / "bad-baseline" / "baseline")
    truth = corpus / "bad-baseline" / "ground-truth.toml"
    truth.write_text(truth.read_text().replace('"two-flaws"', '"bad-baseline"'))
    done = grader("tasks", "validate", "notes-api", "--tasks-dir", str(tasks),
                  "--out", str(tmp_path / "out"))  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr
    assert "corpus: FAILED" in done.stdout
    rows = {line.split("│")[1].strip(): line for line in done.stdout.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()}  # fmt: skip
    assert "errors" in rows["two-flaws"]  # the missed category is shown
    assert rows["two-flaws"].rstrip("│ ").endswith("ok")
    assert "baseline lost" in rows["bad-baseline"]
    assert "validation.types" in rows["bad-baseline"]
