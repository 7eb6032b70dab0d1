"""The terminal view of a run: live progress while it grades, a summary table at the end.

A consumer of pipeline events; on a terminal it redraws one line per submission, elsewhere
(CI logs) it prints one line per finished stage.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from grader.core.events import Event, StageFinished, StageStarted, SubmissionGraded
from grader.core.result import Result, StageStatus, Status
from grader.reports.untrusted_text import clean


class ProgressView:
    """Listens to events from any thread and shows where each submission is."""

    def __init__(self, console: Console, submissions: list[str]) -> None:
        self.console = console
        self.lock = threading.Lock()
        self.state = {name: "waiting" for name in submissions}
        self.live: Live | None = None

    def __enter__(self) -> ProgressView:
        if self.console.is_terminal:
            self.live = Live(self._table(), console=self.console, refresh_per_second=4)
            self.live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.live is not None:
            self.live.__exit__(kind, error, trace)

    def __call__(self, event: Event) -> None:
        with self.lock:
            if isinstance(event, StageStarted):
                self.state[event.submission] = f"{event.stage}..."
            elif isinstance(event, StageFinished):
                mark = "ok" if event.status is StageStatus.OK else event.status.value
                self.state[event.submission] = f"{event.stage} {mark}"
                if self.live is None:
                    detail = f": {clean(event.detail).splitlines()[0]}" if event.detail else ""
                    took = f"in {event.duration_s:.1f} s"
                    self.console.print(
                        clean(f"{event.submission}: {event.stage} {mark} {took}{detail}"),
                        markup=False,
                        highlight=False,
                    )
            elif isinstance(event, SubmissionGraded):
                self.state[event.submission] = f"done: {result_in_brief(event.result)}"
            if self.live is not None:
                self.live.update(self._table())

    def _table(self) -> Table:
        table = Table(show_header=False, box=None)
        for name, state in self.state.items():
            table.add_row(Text(clean(name)), Text(clean(state)))
        return table


def result_in_brief(result: Result) -> str:
    """A result in a few words: its score, and its status when it was not graded."""
    if result.score is None:
        return result.status.value
    score = f"{result.score.percent:.1f} %"
    if result.score.red_flags:
        count = len(result.score.red_flags)
        score += f", {count} red flag{'s' if count > 1 else ''}"
    return score if result.status is Status.GRADED else f"{result.status.value}, {score}"


def summary_table(results: tuple[Result, ...]) -> Table:
    """One row per submission: status, total and each category's points."""
    categories: list[tuple[str, str]] = []
    for result in results:
        for category in result.score.categories if result.score else ():
            if (category.id, category.title) not in categories:
                categories.append((category.id, category.title))
    table = Table(title="Scores")
    table.add_column("submission", no_wrap=True)
    table.add_column("status")
    table.add_column("total", justify="right")
    table.add_column("red flags", justify="right")
    for _, title in categories:
        table.add_column(Text(clean(title)), justify="right")
    for result in results:
        points = {c.id: c for c in result.score.categories} if result.score else {}
        cells = [
            f"{points[cid].points:g}/{points[cid].max_points:g}" if cid in points else "-"
            for cid, _ in categories
        ]
        total = f"{result.score.percent:.1f} %" if result.score else "no score"
        flags = str(len(result.score.red_flags)) if result.score and result.score.red_flags else ""
        table.add_row(Text(clean(result.submission.id)), result.status.value, total, flags, *cells)
    return table


def stage_totals(results: tuple[Result, ...]) -> dict[str, float]:
    """Seconds spent in each stage, summed over submissions (all suites count as `test`)."""
    totals: dict[str, float] = {}
    for result in results:
        for stage in result.stages:
            name = stage.name.split(":", 1)[0]
            totals[name] = round(totals.get(name, 0.0) + stage.duration_s, 3)
    return totals


def print_summary(
    console: Console, results: tuple[Result, ...], run_dir: Path, wall_s: float | None = None
) -> None:
    console.print(summary_table(results))
    totals = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stage_totals(results).items())
    wall = f"; wall {wall_s:.1f} s" if wall_s is not None else ""
    console.print(f"time in stages, summed over submissions: {totals}{wall}", highlight=False)
    for result in results:
        for flag in result.score.red_flags if result.score else ():
            console.print(
                Text.assemble(("red flag ", "bold red"), f"{clean(result.submission.id)}: "),
                Text(flag.title),
                sep="",
                highlight=False,
            )
        if result.status is not Status.GRADED:
            heading = Text(clean(result.submission.id), style="bold")
            console.print(heading + Text(f": {result.status.value}"), highlight=False)
            console.print(indented(result.message), markup=False, highlight=False)
    console.print(clean(f"results: {run_dir}"), markup=False, highlight=False)


def indented(untrusted: str, indent: str = "    ") -> str:
    """Untrusted text, neutralised and indented: no line of it can pose as the grader's own."""
    return "\n".join(indent + line for line in clean(untrusted).splitlines())
