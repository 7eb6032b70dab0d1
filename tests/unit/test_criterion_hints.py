"""A criterion's hint reaches what a candidate reads: result.json, report.html and summary.md.

The hint is the task's own advice (task.toml `hint`); it shows where the criterion lost points.
"""

from __future__ import annotations

import json
from dataclasses import replace

from grader.core.result import Result, result_from_dict
from grader.core.scoring import score_outcomes
from grader.core.task import parse_task_spec
from grader.reports.html import render_html_report
from grader.reports.markdown import render_submission_summary
from grader.reports.views import candidate_view, grader_view
from tests.unit.sample_results import TASK, TESTS, graded_result

HINT = "Answer 201 with the new id; check what your handler returns"


def hinted_result() -> Result:
    task = TASK.replace('title = "Create"', f'title = "Create"\nhint = "{HINT}"')
    spec = parse_task_spec(task, "task.toml")
    return replace(graded_result(), score=score_outcomes(spec.rubric, TESTS))


def test_the_hint_is_recorded_in_result_json() -> None:
    result = hinted_result()
    data = json.loads(json.dumps(result.to_dict()))

    criteria = [c for category in data["categories"] for c in category["criteria"]]
    assert [c["hint"] for c in criteria if c["id"] == "api.create"] == [HINT]
    assert result_from_dict(data).score == result.score


def test_the_hint_shows_where_points_were_lost_in_both_views() -> None:
    result = hinted_result()
    for view in (grader_view(result), candidate_view(result)):
        assert f"Hint: {HINT}" in render_html_report(view)
        assert f"  - hint: {HINT}" in render_submission_summary(view)
