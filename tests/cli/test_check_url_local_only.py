"""Under `grader check --url`, checks that restart the app (only a container can) are neither
run nor scored: the feedback says they run with `grader check .`, so 100 % stays reachable."""

from __future__ import annotations

from dataclasses import replace

from grader.core.result import Outcome, Status, SubmissionInfo
from grader.pipeline import assemble_result, now
from grader.reports.feedback import LOCAL_ONLY, feedback_lines
from grader.runs.check import for_url, public_plan
from grader.runs.task_files import TaskLocation, load_task
from tests.conftest import REPO


def test_checks_that_restart_the_app_are_left_to_check_dot() -> None:
    task = load_task("library-api", TaskLocation.find(REPO / "tasks"))
    checked = public_plan(task, hidden_checks=0)

    url_checked = for_url(checked)

    left_out = {test.id for test in url_checked.local_only}
    assert left_out == {
        "public/test_persistence_public.py::test_authors_and_books_survive_a_restart"
    }
    planned = {t.id for tests in url_checked.plan.planned.values() for t in tests}
    assert not planned & left_out
    passed = tuple(
        replace(t, outcome=Outcome.PASSED)
        for tests in url_checked.plan.planned.values()
        for t in tests
    )
    result = assemble_result(url_checked.plan.without_source_stages(),
                             SubmissionInfo(id="local", source="http://127.0.0.1:1"),
                             Status.GRADED, "checked", passed, (), now())  # fmt: skip
    assert result.score is not None
    assert result.score.percent == 100.0, (
        "a server that passes every check it can get reaches 100 %"
    )

    criteria = {test.criterion for test in url_checked.local_only}
    lines = feedback_lines(result, task.spec, 0, criteria)

    assert any(LOCAL_ONLY in line for line in lines), lines
    assert not any("✗" in line for line in lines), lines
