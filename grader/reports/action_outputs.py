"""The outputs of `grader check` for a CI step ($GITHUB_OUTPUT): score, max, percent, status.

Pure: a result in, `name=value` lines out (what GitHub Actions reads from the file named by
$GITHUB_OUTPUT; GitHub Classroom's reporters read such outputs). A result without a score
has empty figures, never 0. Values are single lines, neutralised.
"""

from __future__ import annotations

from pathlib import Path

from grader.core.result import Result
from grader.reports.figures import format_number
from grader.reports.untrusted_text import one_line


def action_outputs(result: Result, results_dir: Path | None = None) -> dict[str, str]:
    score = result.score
    return {
        "score": format_number(score.points) if score else "",
        "max": format_number(score.max_points) if score else "",
        "percent": format_number(round(score.percent, 1)) if score else "",
        "status": result.status.value,
        "results": one_line(str(results_dir), 1000) if results_dir else "",
    }


def render_outputs(values: dict[str, str]) -> str:
    return "".join(f"{name}={one_line(value, 1000)}\n" for name, value in values.items())
