"""`grader report RUN_DIR`: re-renders a run folder without Docker, as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.unit.sample_results import (
    SECRETS,
    build_failed_result,
    graded_result,
    harness_error_result,
    write_run,
)


def grader(*arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"} | env
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def test_report_renders_a_run_folder(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result(), build_failed_result()])

    done = grader("report", str(run_dir))

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"report: {run_dir / 'index.html'}" in done.stdout
    assert re.search(r"^time in reports: \d+\.\d s$", done.stdout, re.MULTILINE), done.stdout
    assert (run_dir / "alice" / "report.html").is_file()
    assert not (run_dir / "alice" / "candidate").exists()
    assert not (run_dir / "index.candidate.html").exists()


def test_report_candidate_also_writes_the_candidate_view(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result()])
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n")

    done = grader("report", str(run_dir), "--candidate", GITHUB_STEP_SUMMARY=str(summary))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "candidate view: " in done.stdout
    assert (run_dir / "alice" / "candidate" / "report.html").is_file()
    text = summary.read_text()
    assert text.startswith("earlier step\n## grader: run")
    assert "candidate view" in text
    assert not [secret for secret in SECRETS if secret in text]


def test_a_candidate_view_once_written_is_kept_up_to_date(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result()])
    assert grader("report", str(run_dir), "--candidate").returncode == 0
    (run_dir / "alice" / "candidate" / "report.html").unlink()

    done = grader("report", str(run_dir))

    assert done.returncode == 0, done.stdout + done.stderr
    assert (run_dir / "alice" / "candidate" / "report.html").is_file()


def test_the_grader_summary_is_appended_to_the_step_summary(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result(), harness_error_result()])
    summary = tmp_path / "step-summary.md"

    done = grader("report", str(run_dir), GITHUB_STEP_SUMMARY=str(summary))

    assert done.returncode == 0, done.stdout + done.stderr
    assert summary.read_text() == (run_dir / "summary.md").read_text() + "\n"


def test_a_folder_that_is_not_a_run_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a run")

    done = grader("report", str(tmp_path))

    assert done.returncode == 2
    assert "is not a run folder" in done.stderr
    assert "nothing was written" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    done = grader("report", str(tmp_path / "nope"))

    assert done.returncode == 2


def test_a_broken_result_is_reported_and_the_rest_rendered(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result()])
    (run_dir / "broken").mkdir()
    (run_dir / "broken" / "result.json").write_text("{not json")

    done = grader("report", str(run_dir))

    assert done.returncode == 4
    assert "broken/result.json: not a readable result" in done.stdout
    assert (run_dir / "alice" / "report.html").is_file()


def test_screenshots_without_chromium_say_so_after_rendering(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result()])

    done = grader("report", str(run_dir), "--screenshot", GRADER_CHROMIUM="no-such-chromium")

    assert done.returncode == 4
    assert "the reports were written, but not the screenshots: no Chromium found" in done.stderr
    assert "apt-get install chromium" in done.stderr
    assert (run_dir / "index.html").is_file()
