"""The terminal view of a run: live progress while it grades, a summary table at the end.

A consumer of pipeline events; on a terminal it redraws one line per submission, elsewhere
(CI logs) it prints one line per finished stage.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from grader.core.events import Event, StageFinished, StageStarted, SubmissionGraded
from grader.core.result import Result, StageStatus, Status
from grader.reports.figures import format_points
from grader.reports.untrusted_text import clean

CATEGORY_COLUMN = 40  # the widest category title shown on one line before it wraps
SUBMISSION_COLUMN = 14  # a submission's column of points: "12.5/15" and room for its name
_MEASURING = Console(width=10_000)  # measures a table's natural width, never prints


class ProgressView:
    """Listens to events from any thread and shows where each submission is.

    On a terminal: rich's progress display, one line for the run (submissions done of all,
    elapsed time, time left) and one per submission being graded (its stage, and for how long
    it has been at it). Elsewhere (CI logs): one line per finished stage.
    """

    def __init__(self, console: Console, submissions: list[str]) -> None:
        self.console = console
        self.lock = threading.Lock()
        self.state = {name: "waiting" for name in submissions}
        self.live: Progress | None = None
        self.run_task: TaskID | None = None
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ProgressView:
        if self.console.is_terminal:
            self.live = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(bar_width=20),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(compact=True),
                console=self.console,
                refresh_per_second=4,
            )
            self.live.__enter__()
            self.run_task = self.live.add_task("graded", total=len(self.state))
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
                self._show(event)

    def _show(self, event: Event) -> None:
        assert self.live is not None
        assert self.run_task is not None
        name = event.submission
        line = clean(f"{name}: {self.state[name]}")
        if isinstance(event, SubmissionGraded):
            self.live.advance(self.run_task)
            if name in self.tasks:
                self.live.update(self.tasks.pop(name), visible=False)
            self.live.console.print(line, markup=False, highlight=False)
        elif name in self.tasks:
            self.live.update(self.tasks[name], description=line)
        else:
            self.tasks[name] = self.live.add_task(line, total=None)


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


def summary_tables(results: tuple[Result, ...], width: int) -> list[Table]:
    """The summary as fits `width`: the one wide table when it does; else each submission's
    status and total, then the categories as rows with the submissions as columns, in as
    many tables as it takes, so no title and no figure is ever cut."""
    wide = summary_table(results)
    if Measurement.get(_MEASURING, _MEASURING.options, wide).maximum <= width:
        return [wide]
    totals = Table(title="Scores")
    totals.add_column("submission", overflow="fold")
    totals.add_column("status", overflow="fold")
    totals.add_column("total", justify="right", no_wrap=True)
    for result in results:
        total = f"{result.score.percent:.1f} %" if result.score else "no score"
        totals.add_row(Text(clean(result.submission.id)), result.status.value, total)
    categories: dict[str, str] = {}
    for result in results:
        for category in result.score.categories if result.score else ():
            categories.setdefault(category.id, category.title)
    if not categories:
        return [totals]
    per_table = max(1, (width - CATEGORY_COLUMN - 4) // SUBMISSION_COLUMN)
    tables = [totals]
    for start in range(0, len(results), per_table):
        chunk = results[start : start + per_table]
        table = Table(title="Points per category")
        table.add_column("category", overflow="fold", max_width=CATEGORY_COLUMN)
        for result in chunk:
            table.add_column(Text(clean(result.submission.id)), justify="right", overflow="fold")
        for category_id, title in categories.items():
            cells = []
            for result in chunk:
                points = {c.id: c for c in result.score.categories} if result.score else {}
                found = points.get(category_id)
                cells.append(
                    f"{format_points(found.points)}/{format_points(found.max_points)}"
                    if found
                    else "-"
                )
            table.add_row(Text(clean(title)), *cells)
        tables.append(table)
    return tables


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
    for table in summary_tables(results, console.width):
        console.print(table)
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
