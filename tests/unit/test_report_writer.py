"""`write_run_reports` on run folders made by hand: layout, determinism, hostile inputs."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

from grader.reports.views import Audience
from grader.reports.writer import LOG_READ_LIMIT, read_logs, write_run_reports
from tests.unit.sample_results import (
    build_failed_result,
    graded_result,
    harness_error_result,
    write_run,
)

SUBMISSION_FILES = {"report.html", "junit.xml", "summary.md", "gradescope.json"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "logs" not in p.parts
    }


def test_the_layout_of_both_views(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run-7", [graded_result(), harness_error_result()])

    reports = write_run_reports(run_dir, [Audience.GRADER, Audience.CANDIDATE])

    assert reports.problems == []
    assert reports.submissions == 2
    for name in ("alice", "bob"):
        files = {p.name for p in (run_dir / name).iterdir() if p.is_file()}
        assert files == SUBMISSION_FILES | {"result.json"}
        assert {p.name for p in (run_dir / name / "candidate").iterdir()} == SUBMISSION_FILES
    run_files = {p.name for p in run_dir.iterdir() if p.is_file()}
    assert run_files == {
        "index.html", "scores.csv", "summary.md", "junit.xml",
        "index.candidate.html", "scores.candidate.csv", "summary.candidate.md",
        "junit.candidate.xml",
    }  # fmt: skip
    assert reports.index == {
        Audience.GRADER: run_dir / "index.html",
        Audience.CANDIDATE: run_dir / "index.candidate.html",
    }
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="alice/report.html"' in index
    candidate_index = (run_dir / "index.candidate.html").read_text(encoding="utf-8")
    assert 'href="alice/candidate/report.html"' in candidate_index
    assert (
        "all submissions of this run" not in (run_dir / "alice/candidate/report.html").read_text()
    )


def test_rendering_twice_writes_the_same_bytes(tmp_path: Path) -> None:
    run_dir = write_run(
        tmp_path / "run", [graded_result(), harness_error_result(), build_failed_result()]
    )
    write_run_reports(run_dir, [Audience.GRADER, Audience.CANDIDATE])
    first = snapshot(run_dir)

    write_run_reports(run_dir, [Audience.CANDIDATE, Audience.GRADER])

    assert snapshot(run_dir) == first
    assert len(first) == 3 * (1 + 4 + 4) + 8


def test_an_unreadable_result_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result()])
    (run_dir / "broken").mkdir()
    (run_dir / "broken" / "result.json").write_text('{"status": "graded"}')
    (run_dir / "not-a-result").mkdir()

    reports = write_run_reports(run_dir)

    assert reports.submissions == 1
    assert len(reports.problems) == 1
    assert "broken/result.json" in reports.problems[0]
    assert (run_dir / "alice" / "report.html").is_file()
    assert not (run_dir / "broken" / "report.html").exists()


def test_logs_outside_the_submission_folder_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-HOST-FILE")
    folder = tmp_path / "run" / "alice"
    (folder / "logs").mkdir(parents=True)
    (folder / "logs" / "link.log").symlink_to(secret)
    result = replace(
        graded_result(),
        logs={"build": "../../secret.txt", "app": "logs/link.log", "tests-public": "/etc/hostname"},
    )

    assert read_logs(folder, result) == {}


def test_a_big_log_is_read_from_its_tail_only(tmp_path: Path) -> None:
    folder = tmp_path / "alice"
    (folder / "logs").mkdir(parents=True)
    lines = [f"line {n:07d}" for n in range(LOG_READ_LIMIT // 4)]
    (folder / "logs" / "build.log").write_text("\n".join(lines) + "\n")

    text = read_logs(folder, replace(graded_result(), logs={"build": "logs/build.log"}))["build"]

    assert len(text) <= LOG_READ_LIMIT
    assert text.startswith("line ")
    assert text.endswith(f"{lines[-1]}\n")


def test_symlinked_submission_folders_are_skipped(tmp_path: Path) -> None:
    elsewhere = write_run(tmp_path / "elsewhere", [graded_result("mallory")])
    run_dir = write_run(tmp_path / "run", [graded_result()])
    os.symlink(elsewhere / "mallory", run_dir / "mallory")

    reports = write_run_reports(run_dir)

    assert reports.submissions == 1
    assert not (elsewhere / "mallory" / "report.html").exists()
    assert json.loads((run_dir / "alice" / "gradescope.json").read_text())["tests"]
