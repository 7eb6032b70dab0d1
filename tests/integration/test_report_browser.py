"""The HTML reports in a real headless Chromium: what it shows is what result.json says.

One run is built from values (no Docker), one is graded for real. Chromium's DOM, dumped after
the page's scripts ran, is read for the scores; a screenshot of each page is saved under the
test's tmp dir.
"""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from grader.pipeline import plan_grading
from grader.reports.screenshots import dump_dom, take_screenshot
from grader.reports.views import Audience
from grader.reports.writer import write_run_reports
from grader.runs.batch import grade_batch
from grader.runs.task_files import TaskLocation, load_task
from tests.conftest import REPO, SCENARIOS, SOLUTIONS
from tests.unit.sample_results import (
    SECRETS,
    build_failed_result,
    graded_result,
    harness_error_result,
    write_run,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Elements(HTMLParser):
    """Every element's tag and attributes, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    def having(self, attribute: str, tag: str | None = None) -> list[dict[str, str]]:
        return [a for t, a in self.found if attribute in a and (tag is None or t == tag)]


def result_data(run_dir: Path, submission: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run_dir / submission / "result.json").read_text())
    return data


def check_leaderboard(run_dir: Path, dom: str) -> None:
    elements = Elements(dom)
    rows = elements.having("data-submission", "tr")
    assert {row["data-submission"] for row in rows} == {
        p.parent.name for p in run_dir.glob("*/result.json")
    }
    assert elements.having("data-sortable", "table"), "the sorting script did not run"
    for row in rows:
        data = result_data(run_dir, row["data-submission"])
        expected = "" if data["score"] is None else data["score"]["percent"]
        assert row["data-percent"] == str(expected), row
    shown, row_of = set(), ""
    for tag, attributes in elements.found:  # a category cell belongs to the row above it
        if tag == "tr" and "data-submission" in attributes:
            row_of = attributes["data-submission"]
        if tag == "td" and "data-max-points" in attributes:
            shown.add((row_of, attributes["data-category"], attributes["data-points"],
                       attributes["data-max-points"]))  # fmt: skip
    expected_cells = {
        (row["data-submission"], cat["id"], str(cat["points"]), str(cat["max_points"]))
        for row in rows
        if (data := result_data(run_dir, row["data-submission"]))["score"] is not None
        for cat in data["categories"]
    }
    assert shown == expected_cells


def check_report(run_dir: Path, submission: str, dom: str) -> None:
    data = result_data(run_dir, submission)
    elements = Elements(dom)
    total = elements.having("data-percent", "div")
    assert len(total) == 1
    expected = "" if data["score"] is None else str(data["score"]["percent"])
    assert total[0]["data-percent"] == expected
    if data["score"] is not None:
        # the number drawn in the ring, over the word "percent"
        assert f">{data['score']['percent']:.1f}</text>" in dom
    blocks = {a["data-category"]: a for a in elements.having("data-category", "div")}
    assert set(blocks) == {c["id"] for c in data["categories"]}
    for category in data["categories"]:
        assert blocks[category["id"]]["data-points"] == str(category["points"])
        assert blocks[category["id"]]["data-max-points"] == str(category["max_points"])
    rows = elements.having("data-outcome", "tr")
    assert len(rows) == len(data["tests"])
    assert elements.having("data-filters", "table"), "the filter script did not run"


def check_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one


def test_hand_made_results_render_in_chromium(chromium: str, tmp_path: Path) -> None:
    run_dir = write_run(
        tmp_path / "run", [graded_result(), harness_error_result(), build_failed_result()]
    )
    write_run_reports(run_dir, [Audience.GRADER, Audience.CANDIDATE])

    check_leaderboard(run_dir, dump_dom(run_dir / "index.html"))
    for submission in ("alice", "bob", "carol"):
        check_report(run_dir, submission, dump_dom(run_dir / submission / "report.html"))
    candidate = dump_dom(run_dir / "alice" / "candidate" / "report.html")
    assert [secret for secret in SECRETS if secret in candidate] == []
    assert 'data-hidden-total="2"' in candidate
    check_png(take_screenshot(run_dir / "index.html", tmp_path / "index.png", height=900))
    check_png(take_screenshot(run_dir / "alice" / "report.html", tmp_path / "alice.png"))


def test_grader_report_screenshot_saves_a_png_beside_each_page(
    chromium: str, tmp_path: Path
) -> None:
    run_dir = write_run(tmp_path / "run", [graded_result(), harness_error_result()])

    done = subprocess.run(
        [sys.executable, "-m", "grader", "report", str(run_dir), "--candidate", "--screenshot"],
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    pages = sorted(run_dir.rglob("*.html"))
    assert len(pages) == 2 * (2 + 1)
    for page in pages:
        check_png(page.with_suffix(".png"))


@pytest.fixture(scope="module")
def graded_run(docker_client: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    task = load_task("notes-api", TaskLocation.find(REPO / "tasks"))
    outcome = grade_batch(
        [
            str(SOLUTIONS / "reference"),
            str(SOLUTIONS / "no-validation"),
            str(SCENARIOS / "build_fails"),
        ],
        plan_grading(task),
        tmp_path_factory.mktemp("report-browser"),
        jobs=3,
        run_id="browser",
        client=docker_client,
    )
    reports = write_run_reports(outcome.run_dir, [Audience.GRADER, Audience.CANDIDATE])
    assert reports.problems == []
    return outcome.run_dir


def test_a_graded_batch_shows_its_scores_in_chromium(
    graded_run: Path, chromium: str, tmp_path: Path
) -> None:
    check_leaderboard(graded_run, dump_dom(graded_run / "index.html"))
    for submission in ("reference", "no-validation", "build_fails"):
        check_report(graded_run, submission, dump_dom(graded_run / submission / "report.html"))
    board = take_screenshot(graded_run / "index.html", tmp_path / "index.png", height=900)
    report = take_screenshot(
        graded_run / "no-validation" / "report.html", tmp_path / "no-validation.png", height=2400
    )
    check_png(board)
    check_png(report)


def test_rendering_a_graded_run_again_writes_the_same_bytes(graded_run: Path) -> None:
    def files() -> dict[str, bytes]:
        return {
            str(p.relative_to(graded_run)): p.read_bytes()
            for p in sorted(graded_run.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".xml", ".md", ".csv", ".json")
        }

    before = files()
    write_run_reports(graded_run, [Audience.GRADER, Audience.CANDIDATE])

    assert files() == before


def test_the_candidate_report_of_a_graded_batch_names_no_hidden_test(
    graded_run: Path, chromium: str
) -> None:
    hidden_ids = [
        test["id"]
        for test in result_data(graded_run, "no-validation")["tests"]
        if test["visibility"] == "hidden"
    ]
    dom = dump_dom(graded_run / "no-validation" / "candidate" / "report.html")

    assert hidden_ids
    assert [test_id for test_id in hidden_ids if test_id in dom] == []
    assert [i.rsplit("::", 1)[1] for i in hidden_ids if i.rsplit("::", 1)[1] in dom] == []
    assert "Hidden tests:" in dom
