"""`grader tasks audit`: the mutation analysis of notes-api, end to end, small enough for CI.

No Docker: mutants are served by gunicorn on loopback from a virtual environment made from
the reference's requirements (PyPI must be reachable the first time).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from grader.audit.mutation_score import NO_TEST
from tests.conftest import REPO

EQUIVALENT = "notes/store.py:NumberReplacer:1"  # sqlite3.connect(timeout=10) -> 9


def grader(*arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "250"},
    )


def tasks_copy(root: Path) -> Path:
    shutil.copytree(REPO / "tasks", root / "tasks", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        REPO / "reference_tests",
        root / "reference_tests",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return root / "tasks"


def test_audit_of_notes_api_scores_reports_and_reruns_from_its_cache(tmp_path: Path) -> None:
    tasks = tasks_copy(tmp_path)
    (tasks / "notes-api" / "audit").mkdir()
    (tasks / "notes-api" / "audit" / "equivalent.toml").write_text(
        f'[[mutant]]\nid = "{EQUIVALENT}"\n'
        'reason = "a busy timeout of 9 s instead of 10: no test holds the database that long"\n'
    )
    out = tmp_path / "audit"
    command = ("tasks", "audit", "notes-api", "--tasks-dir", str(tasks), "--out", str(out),
               "--module", "notes/store.py", "--jobs", "2")  # fmt: skip

    done = grader(*command)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mutation audit of notes-api" in done.stdout
    report = json.loads((out / "mutation.json").read_text())
    counts = report["mutants"]
    assert counts["selected"] == 10  # every mutant of notes/store.py
    assert counts["equivalent"] == 1
    assert report["equivalent"] == [
        {"id": EQUIVALENT, "reason": "a busy timeout of 9 s instead of 10: no test holds the "
         "database that long"}
    ]  # fmt: skip
    runs = {run["mutant_id"]: run for run in report["runs"]}
    assert EQUIVALENT not in runs, "an equivalent mutant is not run"
    assert counts["judged"] + counts["errors"] == 9
    score = report["score"]
    assert score["killed"] + score["survived"] == counts["judged"]
    assert score["killed"] == sum(run["verdict"] != "survived" for run in runs.values())
    assert set(report["modules"]) == {"notes/store.py"}
    assert set(report["killed_by_category"]) <= {
        "crud",
        "validation",
        "errors",
        "security",
        NO_TEST,
    }
    assert sum(report["killed_by_category"].values()) == score["killed"]
    for run in runs.values():
        if run["verdict"] == "killed":
            assert run["killed_by"], run  # the test that failed first
            assert 1 <= run["tests_run"] <= 16, run  # fail-fast: it stopped at that test
    survivors = {survivor["id"]: survivor for survivor in report["survivors"]}
    assert set(survivors) == {i for i, run in runs.items() if run["verdict"] == "survived"}
    markdown = (out / "mutation.md").read_text()
    assert f"**Mutation score: {score['percent']:g} %**" in markdown
    for survivor in survivors.values():
        assert survivor["diff"].startswith("--- a/notes/store.py")
        assert f"### `{survivor['id']}`" in markdown
    assert EQUIVALENT in markdown.split("## Equivalent mutants")[1]
    assert report["cost"]["ran"] == 9
    assert report["cost"]["cached"] == 0
    assert report["cost"]["mutant_s"] > 0

    started = time.monotonic()
    again = grader(*command)
    assert again.returncode == 0, again.stdout + again.stderr
    rerun = json.loads((out / "mutation.json").read_text())
    assert rerun["cost"]["ran"] == 0, "a rerun with nothing changed runs nothing"
    assert rerun["cost"]["cached"] == 9
    assert rerun["score"] == score
    assert rerun["survivors"] == report["survivors"]
    assert time.monotonic() - started < 30


def test_bad_options_are_said_plainly(tmp_path: Path) -> None:
    done = grader("tasks", "audit", "notes-api", "--module", "notes/nope.py",
                  "--out", str(tmp_path))  # fmt: skip
    assert done.returncode == 2  # an operator's mistake
    assert "--module notes/nope.py: no such module (modules: notes/__init__.py" in done.stderr
    assert "Traceback" not in done.stderr
    alone = grader("tasks", "audit", "notes-api", "--skip-mutants")
    assert alone.returncode == 2
    assert "--skip-mutants leaves nothing to do without --corpus" in alone.stderr
    no_corpus = grader("tasks", "audit", "notes-api", "--corpus", "--skip-mutants")
    assert no_corpus.returncode == 2
    assert "task notes-api has no corpus" in no_corpus.stderr
    unknown = grader("tasks", "audit", "no-such-task")
    assert unknown.returncode == 2
    assert "no task 'no-such-task'" in unknown.stderr


def test_mutants_can_be_named_one_by_one(tmp_path: Path) -> None:
    tasks = tasks_copy(tmp_path)
    out = tmp_path / "out"

    unknown = "notes/nowhere.py:NumberReplacer:0"
    done = grader("tasks", "audit", "notes-api", "--tasks-dir", str(tasks), "--out", str(out),
                  "--mutant", EQUIVALENT, "--mutant", unknown)  # fmt: skip

    assert done.returncode == 2
    assert f"--mutant {unknown}: no such mutant" in done.stdout + done.stderr
