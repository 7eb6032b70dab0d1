"""The `grader` command. Thin: it parses options, calls the Python API and sets the exit code.

Exit codes:
    0  every submission was graded (and reached --fail-under, when given)
    1  every submission was graded, but one scored below --fail-under
    2  the command line was wrong
    3  a submission could not be graded (invalid, build failed, did not start or get ready)
    4  the grader itself failed: bad task, no Docker engine, or a harness_error result
    5  every submission ran, but one is inconclusive: too little of its API was reached to
       give a score (--spec: pass its base path, an auth file or a health path)
  130  interrupted
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.cli.clean import clean_command
from grader.cli.doctor import run_checks
from grader.cli.operator_input import (
    check_results_dir,
    check_sources,
    check_url_option,
    require_run,
)
from grader.core.errors import GraderError, TaskError
from grader.core.naming import safe_name
from grader.core.result import Result, Status
from grader.core.task import Task
from grader.core.task_checks import coverage_problems
from grader.distributed.broker import HEARTBEAT_TIMEOUT_S
from grader.distributed.dispatch import Cluster, attach_run, grade_distributed
from grader.distributed.serve import WorkerSettings, run_worker
from grader.pipeline import plan_grading, public_suite_ids
from grader.reports.action_outputs import action_outputs, render_outputs
from grader.reports.command import render_reports, report_command
from grader.reports.console import ProgressView, print_summary, result_in_brief
from grader.reports.feedback import feedback_lines, feedback_markdown
from grader.reports.untrusted_text import clean as neutralised
from grader.reports.views import Audience
from grader.reports.writer import run_file
from grader.runs.batch import (
    BatchOutcome,
    RunInterrupted,
    grade_batch,
    name_submissions,
    new_run_id,
)
from grader.runs.calibrate import Calibration, calibrate, load_calibration
from grader.runs.check import check_folder, check_url, find_check_task, for_url, public_plan
from grader.runs.kit import export_kit
from grader.runs.regrade import regrade
from grader.runs.run_record import read_run_record
from grader.runs.task_files import TaskLocation, list_task_ids, load_task
from grader.stages.fuzz.cases import dump_cases
from grader.stages.fuzz.record import record
from grader.stages.fuzz.spec_task import spec_task
from grader.stages.fuzz.stage import SUITE_ID as FUZZ
from grader.version import VERSION

EXIT_BELOW_THRESHOLD = 1
EXIT_NOT_GRADED = 3
EXIT_GRADER_ERROR = 4
EXIT_INCONCLUSIVE = 5
EXIT_INTERRUPTED = 130

tasks_dir_option = click.option(
    "--tasks-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of tasks (default: $GRADER_TASKS_DIR, ./tasks, or the bundled tasks).",
)


broker_option = click.option(
    "--broker",
    envvar="GRADER_BROKER",
    default=None,
    metavar="URL",
    help="Grade on `grader worker`s that take jobs from this Redis (redis://HOST:PORT/DB; "
    "default: $GRADER_BROKER).",
)
store_option = click.option(
    "--store",
    envvar="GRADER_STORE",
    default=None,
    metavar="URL",
    help="The store the workers share: file:///shared/folder, or s3://bucket/prefix with the "
    "s3 extra (default: $GRADER_STORE).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, "--version", "-V", prog_name="grader")
def cli() -> None:
    """Grade take-home web-API submissions in hardened Docker containers."""


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--task", "-t", "task_ref", default=None, help="Task id, or a task folder.")
@click.option(
    "--spec",
    default=None,
    help="No task: fuzz the app against its own OpenAPI document, a file or the path the app "
    "serves it at (/openapi.json); Swagger 2.0 and OpenAPI 3.x.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="With --spec: the port the app listens on.")  # fmt: skip
@click.option("--health-path", default=None,
              help="With --spec: a GET path that answers 2xx once the app is up "
              "(default: the served document, else /).")  # fmt: skip
@click.option("--env", "env_pairs", multiple=True, metavar="KEY=VALUE",
              help="With --spec: environment for the app (repeatable).")  # fmt: skip
@click.option("--start", "start_command", default=None, metavar="COMMAND",
              help="With --spec: the command that starts the app, not its image's.")  # fmt: skip
@click.option("--base-path", default=None, metavar="PREFIX",
              help="With --spec: where the document's paths live on the server (default: its "
              "servers url or basePath).")  # fmt: skip
@click.option("--auth", "auth_file", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --spec: a TOML file of login steps (steps, token_pointer, header, "
              "scheme, keep_out), as a task's [fuzz.auth].")  # fmt: skip
@click.option("--suite", "suites", multiple=True, help="Run only this suite (repeatable).")
@click.option("--public-only", is_flag=True, help="Run only the public suites.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option(
    "--build-jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="At most this many builds at once (default: --jobs).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Results folder; each run writes a subfolder.",
)
@click.option("--run-id", default=None, help="Name of the run's subfolder (default: a timestamp).")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 if a submission scores below this percentage.",
)
@click.option("--keep-images", is_flag=True, help="Keep the built images (for debugging).")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the interrupted run --run-id: grade only what has no complete result.",
)
@broker_option
@store_option
@tasks_dir_option
def grade(
    sources: tuple[str, ...],
    task_ref: str | None,
    spec: str | None,
    port: int,
    health_path: str | None,
    env_pairs: tuple[str, ...],
    start_command: str | None,
    base_path: str | None,
    auth_file: Path | None,
    suites: tuple[str, ...],
    public_only: bool,
    jobs: int,
    build_jobs: int | None,
    out: Path,
    run_id: str | None,
    fail_under: float | None,
    keep_images: bool,
    resume: bool,
    broker: str | None,
    store: str | None,
    tasks_dir: Path | None,
) -> None:
    """Grade SOURCES (folders, .zip/.tar.gz archives or git URLs, URL#ref) against a task.

    With --spec instead of --task, grade them against their own OpenAPI document: requests
    generated from it, scored for robustness (no 5xx, no ignored login) and conformance.

    With --broker and --store, the submissions are graded by `grader worker`s: intake happens
    here, the results come back into the same run folder.
    """
    if (task_ref is None) == (spec is None):
        raise click.UsageError("name a task with --task, or an OpenAPI document with --spec")
    if spec is None and (base_path is not None or auth_file is not None):
        raise click.UsageError("--base-path and --auth go with --spec; a task sets [fuzz]")
    cluster = _cluster(broker, store)
    if cluster is not None and (spec is not None or jobs > 1 or build_jobs or keep_images):
        raise click.UsageError(
            "with --broker, grade against a --task; --jobs, --build-jobs and --keep-images "
            "belong to each `grader worker`"
        )
    click.echo(f"grader {VERSION}: reading the task and its tests ...")
    with tempfile.TemporaryDirectory(prefix="grader-spec-") as scratch:
        if spec is not None:
            env = dict(_key_value(pair) for pair in env_pairs)
            command = tuple(shlex.split(start_command)) if start_command else ()
            started = time.monotonic()
            task = spec_task(spec, Path(scratch), port=port, health_path=health_path, env=env,
                             command=command, base_path=base_path, auth=auth_file)  # fmt: skip
            if task.spec.fuzz is not None and task.spec.fuzz.served_at is None:
                click.echo(f"cases generated from the document in "
                           f"{time.monotonic() - started:.1f} s")  # fmt: skip
        else:
            assert task_ref is not None
            task = load_task(task_ref, TaskLocation.find(tasks_dir))
        _grade(task, sources, suites, public_only, jobs, build_jobs, out, run_id, fail_under,
               keep_images, resume, cluster)  # fmt: skip


def _key_value(pair: str) -> tuple[str, str]:
    key, sep, value = pair.partition("=")
    if not sep or not key:
        raise click.UsageError(f"--env {pair!r}: write KEY=VALUE")
    return key, value


def _grade(
    task: Task,
    sources: tuple[str, ...],
    suites: tuple[str, ...],
    public_only: bool,
    jobs: int,
    build_jobs: int | None,
    out: Path,
    run_id: str | None,
    fail_under: float | None,
    keep_images: bool,
    resume: bool,
    cluster: Cluster | None = None,
) -> None:
    console = Console()
    run_id = safe_name(run_id, fallback="run") if run_id else None  # the folder's own name
    if resume:
        if not run_id:
            raise click.UsageError("--resume continues a run: name it with --run-id")
        record = read_run_record(require_run(out, run_id))
        sources = sources or tuple(s.source for s in record.submissions)
    if not sources:
        raise click.UsageError("name at least one submission to grade")
    check_sources(sources)
    if public_only:
        suites = public_suite_ids(task)
    plan = plan_grading(task, suites)
    names = [s.id for s in name_submissions(list(sources))]
    run_id = run_id or new_run_id()
    console.print(
        f"{'resuming' if resume else 'grading'} {len(names)} submission(s) against {task.id} "
        f"{task.spec.version} (suites: {', '.join(plan.suite_ids())}); "
        f"run {run_id} in {out / run_id}",
        highlight=False,
    )
    started = time.monotonic()
    try:
        with ProgressView(console, names) as view, _distributed_interrupt(cluster, run_id):
            if cluster is not None:
                outcome = grade_distributed(
                    list(sources), plan, out, cluster, run_id=run_id, emit=view, resume=resume
                )
            else:
                outcome = grade_batch(
                    list(sources),
                    plan,
                    out,
                    jobs=jobs,
                    run_id=run_id,
                    emit=view,
                    keep_images=keep_images,
                    resume=resume,
                    build_jobs=build_jobs,
                )
    except RunInterrupted as stopped:
        resume_command = shlex.join(
            ["grader", "grade", "--task", task_ref_for(task), "--run-id", stopped.run_id,
             "--out", str(out), "--resume"]
        )  # fmt: skip
        click.echo(
            f"stopped: removed {stopped.removed.describe()} of run {stopped.run_id}; "
            f"{stopped.kept} of {stopped.total} submission(s) have a result.\n"
            f"continue with: {resume_command}",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    _finish(console, outcome, started, public_only, fail_under)


def _finish(
    console: Console,
    outcome: BatchOutcome,
    started: float,
    candidate: bool,
    fail_under: float | None,
) -> None:
    print_summary(console, outcome.results, outcome.run_dir, time.monotonic() - started)
    render_reports(console, outcome.run_dir, candidate=candidate)
    say_who_fell_below(outcome.results, fail_under)
    sys.exit(exit_code_for(outcome.results, fail_under))


def task_ref_for(task: Task) -> str:
    """How --resume names the task: by id when it is a bundled task, else by its folder."""
    return task.id if task.root.parent == TaskLocation.find().tasks_dir else str(task.root)


def say_who_fell_below(results: tuple[Result, ...], fail_under: float | None) -> None:
    below = below_threshold(results, fail_under)
    if below and fail_under is not None:
        names = ", ".join(f"{r.submission.id} ({r.score.percent:.1f} %)" for r in below if r.score)
        click.echo(neutralised(f"below --fail-under {fail_under:g} %: {names}"), err=True)


def _cluster(broker: str | None, store: str | None) -> Cluster | None:
    if broker is None and store is None:
        return None
    if broker is None or store is None:
        raise click.UsageError("distributed grading needs both --broker and --store")
    return Cluster(broker, store)


@contextlib.contextmanager
def _distributed_interrupt(cluster: Cluster | None, run_id: str) -> Iterator[None]:
    """Ctrl-C on a distributed run leaves it to the workers: say how to follow it again."""
    try:
        yield
    except KeyboardInterrupt:
        if cluster is None:
            raise
        click.echo(
            f"interrupted: the workers go on grading run {run_id}; follow it again with "
            f"`grader attach {run_id} --broker ... --store ...`",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)


def exit_code_for(results: tuple[Result, ...], fail_under: float | None) -> int:
    statuses = {result.status for result in results}
    if Status.HARNESS_ERROR in statuses:
        return EXIT_GRADER_ERROR
    if any(status.is_candidate_failure for status in statuses):
        return EXIT_NOT_GRADED
    if Status.INCONCLUSIVE in statuses:
        return EXIT_INCONCLUSIVE
    if below_threshold(results, fail_under):
        return EXIT_BELOW_THRESHOLD
    return 0


def below_threshold(results: tuple[Result, ...], fail_under: float | None) -> list[Result]:
    """The results scored below `fail_under` percent (none when it is not given)."""
    if fail_under is None:
        return []
    return [r for r in results if r.score is not None and r.score.percent < fail_under]


cli.add_command(report_command)


@cli.group()
def tasks() -> None:
    """List, show and validate tasks."""


@tasks.command("list")
@tasks_dir_option
def tasks_list(tasks_dir: Path | None) -> None:
    """List the tasks that can be graded."""
    location = TaskLocation.find(tasks_dir)
    for task_id in list_task_ids(location):
        try:
            task = load_task(task_id, location)
            click.echo(f"{task.id}\t{task.spec.version}\t{task.spec.title}")
        except GraderError as error:
            first, *details = neutralised(error.message).splitlines()
            click.echo(f"{task_id}\tINVALID\t{first}")
            for line in details:
                click.echo(f"\t\t{line.strip()}")


@tasks.command("show")
@click.argument("task_ref")
@tasks_dir_option
def tasks_show(task_ref: str, tasks_dir: Path | None) -> None:
    """Show a task's runtime contract, suites and rubric."""
    task = load_task(task_ref, TaskLocation.find(tasks_dir))
    spec, console = task.spec, Console()
    console.print(f"[bold]{spec.id}[/] {spec.version}: {spec.title}", highlight=False)
    console.print(
        f"folder {task.root}\ntests  {task.tests_root}\nsha256 {task.sha256}",
        markup=False,
        highlight=False,
    )
    runtime = spec.runtime
    console.print(
        f"runtime: port {runtime.port}, health {runtime.health_path}, start-up "
        f"{runtime.startup_timeout_s:g} s, memory {runtime.memory_mb} MiB, cpus {runtime.cpus:g}, "
        f"pids {runtime.pids}, base image {runtime.base_images[0]}",
        markup=False,
        highlight=False,
    )
    plan = plan_grading(task)
    table = Table(title="rubric")
    planned = {**plan.planned, **{stage.id: stage.planned for stage in plan.stages}}
    for column in ("criterion", "title", "points", *planned):
        table.add_column(column)
    for category in spec.rubric.categories:
        table.add_row(f"[bold]{category.id}[/]", category.title, f"{category.weight:g}")
        share = sum(c.weight for c in category.criteria)
        for criterion in category.criteria:
            counts = [
                str(sum(1 for t in tests if t.criterion == criterion.id))
                for tests in planned.values()
            ]
            points = category.weight * criterion.weight / share
            table.add_row(f"  {criterion.id}", criterion.title, f"{points:.2f}", *counts)
    console.print(table)


@tasks.command("validate")
@click.argument("task_refs", nargs=-1)
@click.option("--quick", is_flag=True, help="Skip calibration (no Docker needed).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Where calibration runs write their results.",
)
@click.option(
    "--corpus/--no-corpus",
    default=True,
    show_default=True,
    help="Also grade the task's flaw corpus (its files are checked either way).",
)
@tasks_dir_option
def tasks_validate(
    task_refs: tuple[str, ...],
    quick: bool,
    jobs: int,
    out: Path,
    corpus: bool,
    tasks_dir: Path | None,
) -> None:
    """Check tasks (all when none is named): files, suites, rubric coverage, and calibration.

    Calibration grades every folder of the task's solutions/ and checks each loses points
    exactly in the categories its calibration.toml names (needs Docker; skip with --quick).
    """
    location = TaskLocation.find(tasks_dir)
    failed = False
    for ref in task_refs or tuple(list_task_ids(location)):
        try:
            task = load_task(ref, location)
            plan = plan_grading(task)
            problems = coverage_problems(task.spec, plan.all_planned())
            calibration = load_calibration(task)
        except GraderError as error:
            problems, calibration = [error.message], None
        if problems:
            failed = True
            click.echo(f"{ref}: INVALID")
            for problem in problems:
                click.echo(f"  - {neutralised(problem)}")
            continue
        counts = ", ".join(f"{len(tests)} {suite}" for suite, tests in plan.planned.items())
        for stage in plan.stages:
            fuzz = stage.plan if stage.id == FUZZ else None
            if fuzz is not None and fuzz.cases is None:
                counts += f", fuzz cases generated from the app's {fuzz.spec.served_at}"
                continue
            counts += f", {len(stage.planned)} {stage.id}"
            if fuzz is not None:
                counts += f" ({len(fuzz.cases.cases)} cases)"
        click.echo(f"{ref}: ok ({counts} tests)")
        if calibration is None or quick:
            click.echo("  calibration: " + ("skipped (--quick)" if quick else "none"))
        else:
            console = Console()
            with ProgressView(console, [v.name for v in calibration.variant]) as view:
                done = calibrate(task, calibration, out, jobs=jobs, emit=view)
            console.print(calibration_table(done))
            for problem in done.problems:
                click.echo(f"  - {neutralised(problem)}")
            for verdict in done.verdicts:
                for problem in verdict.problems:
                    click.echo(f"  - {verdict.name}: {neutralised(problem)}")
            failed = failed or not done.ok
            click.echo(f"  calibration: {'ok' if done.ok else 'FAILED'} (results: {done.run_dir})")
        not_graded = "--quick" if quick else ("" if corpus else "--no-corpus")
        failed = not validate_corpus(task, not_graded=not_graded, jobs=jobs, out=out) or failed
    if failed:
        sys.exit(EXIT_GRADER_ERROR)


def validate_corpus(task: Task, *, not_graded: str, jobs: int, out: Path) -> bool:
    """The corpus's ground truths parse (always); graded (unless `not_graded` names the option
    that says not to), each baseline keeps
    full marks and each flawed version loses points only where its flaws are. True if so."""
    from grader.audit.audit_tables import corpus_validation_table
    from grader.audit.corpus import judge_corpus
    from grader.audit.corpus_run import corpus_sources, grade_corpus, load_corpus

    try:
        entries = load_corpus(task)
    except GraderError as error:
        click.echo(f"  corpus: INVALID: {error.message}")
        return False
    if not entries:
        return True
    flaws = sum(len(entry.truth.flaw) for entry in entries)
    if not_graded:
        count = f"{len(entries)} submission{'s' if len(entries) > 1 else ''}"
        click.echo(f"  corpus: {count}, {flaws} flaws; not graded ({not_graded})")
        return True
    console = Console()
    names = [s.id for s in name_submissions(corpus_sources(task, entries))]
    with ProgressView(console, names) as view:
        graded = grade_corpus(task, entries, out, jobs=jobs, emit=view)
    verdicts = judge_corpus(graded.entries, graded.baselines, graded.flawed)
    console.print(corpus_validation_table(verdicts))
    ok = all(verdict.ok for verdict in verdicts)
    click.echo(f"  corpus: {'ok' if ok else 'FAILED'} (results: {graded.run_dir})")
    return ok


def calibration_table(done: Calibration) -> Table:
    table = Table(title="calibration")
    for column in ("solution", "must lose", "total", "red flags", "verdict"):
        table.add_column(column)
    for verdict in done.verdicts:
        result = done.results.get(verdict.name)
        total = f"{result.score.percent:.1f} %" if result and result.score else "-"
        flags = (
            ", ".join(f.criterion for f in result.score.red_flags)
            if result and result.score
            else ""
        )
        table.add_row(
            verdict.name,
            verdict.describe_losses(),
            total,
            flags,
            Text(neutralised("ok" if verdict.ok else "; ".join(verdict.problems))),
        )
    return table


cli.add_command(clean_command)


@cli.command()
@tasks_dir_option
def doctor(tasks_dir: Path | None) -> None:
    """Check that this machine can grade: engine, base images, tasks, packages."""
    checks = run_checks(TaskLocation.find(tasks_dir))
    for check in checks:
        click.echo(f"{'ok ' if check.ok else 'BAD'} {check.name}: {neutralised(check.detail)}")
    if not all(check.ok for check in checks):
        sys.exit(EXIT_GRADER_ERROR)


@cli.command()
@click.argument(
    "path", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--task", "-t", "task_ref", default=None, help="Task id or folder (default: from .grader.toml)."
)
@click.option("--url", default=None, help="Check a server you already run (no Docker needed).")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 if the public checks score below this percentage.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where a Docker check writes its results, outside PATH "
    "(default: $XDG_CACHE_HOME/grader/checks or ~/.cache/grader/checks).",
)
@tasks_dir_option
def check(
    path: Path,
    task_ref: str | None,
    url: str | None,
    fail_under: float | None,
    out: Path | None,
    tasks_dir: Path | None,
) -> None:
    """Check your submission against the public tests, with feedback you can act on.

    Without --url, PATH (default: this folder) is built and run in Docker as `grader grade`
    would; with --url, the checks run against your own server.
    """
    console = Console()
    if url:
        url = check_url_option(url)
    else:
        out = check_results_dir(path, out)
    task, hidden = find_check_task(task_ref, path, TaskLocation.find(tasks_dir))
    checked = public_plan(task, hidden)
    if url:
        checked = for_url(checked)
        result = check_url(checked, url)
    else:
        assert out is not None
        with ProgressView(console, [name_submissions([str(path)])[0].id]) as view:
            outcome = check_folder(checked, path, out, emit=view)
        result, run_dir = outcome.results[0], outcome.run_dir
    local_only = {test.criterion for test in checked.local_only}
    for line in feedback_lines(result, task.spec, checked.hidden_checks, local_only):
        console.print(neutralised(line), markup=False, highlight=False, soft_wrap=True)
    if not url:
        render_reports(console, run_dir, candidate=False, step_summary=False)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(feedback_markdown(result, task.spec, checked.hidden_checks, local_only))
    outputs = os.environ.get("GITHUB_OUTPUT")
    if outputs:
        with open(outputs, "a", encoding="utf-8") as handle:
            handle.write(render_outputs(action_outputs(result, None if url else run_dir)))
    say_who_fell_below((result,), fail_under)
    sys.exit(exit_code_for((result,), fail_under))


@cli.command("regrade")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--task", "-t", "task_ref", default=None, help="Task id or folder (default: the run's)."
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True)
@broker_option
@store_option
@tasks_dir_option
def regrade_command(
    run_dir: Path,
    task_ref: str | None,
    jobs: int,
    broker: str | None,
    store: str | None,
    tasks_dir: Path | None,
) -> None:
    """Grade a run's submissions again, as they were, against the task as it is now.

    Shows, per submission, the old and the new score and every test that moved. With --broker
    and --store, on `grader worker`s.
    """
    cluster = _cluster(broker, store)
    console = Console()
    record = read_run_record(run_dir)
    task = load_task(task_ref or record.task.id, TaskLocation.find(tasks_dir))
    console.print(
        f"regrading run {record.run_id} (task {record.task.version}) against "
        f"{task.id} {task.spec.version}",
        highlight=False,
    )
    names = [s.id for s in record.submissions]
    with ProgressView(console, names) as view:
        done = regrade(
            run_dir, task, jobs=jobs, emit=view, grade_many=cluster.grader() if cluster else None
        )
    table = Table(title="regrade")
    for column in ("submission", "before", "after", "change", "tests moved"):
        table.add_column(column, no_wrap=column == "submission")
    for change in done.changes:
        table.add_row(
            Text(neutralised(change.submission)),
            result_in_brief(change.before),
            result_in_brief(change.after),
            "-" if change.delta is None else f"{change.delta:+.1f}",
            str(len(change.moves)),
        )
    console.print(table)
    for change in done.changes:
        for move in change.moves:
            click.echo(
                neutralised(f"  {change.submission}: {move.id}: {move.before} -> {move.after}")
            )
    for missing in done.not_regraded:
        click.echo(f"  {missing}: no result in the old run, not regraded")
    click.echo(f"results: {done.run_dir}")
    had_candidate_view = run_file(run_dir, "index.html", Audience.CANDIDATE).is_file()
    render_reports(console, done.run_dir, candidate=had_candidate_view)
    sys.exit(exit_code_for(tuple(change.after for change in done.changes), None))


@cli.command()
@click.option("--broker", envvar="GRADER_BROKER", required=True, metavar="URL",
              help="The Redis the jobs come from (default: $GRADER_BROKER).")  # fmt: skip
@click.option("--store", envvar="GRADER_STORE", required=True, metavar="URL",
              help="The store shared with `grader grade` (default: $GRADER_STORE).")  # fmt: skip
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Submissions graded at once on this worker's engine.")  # fmt: skip
@click.option("--name", default=None,
              help="This worker's name, unique per engine (default: the host's name); what a "
              "killed worker of the same name left on the engine is removed at start.")  # fmt: skip
@click.option("--heartbeat-timeout", type=click.FloatRange(1, 3600), default=HEARTBEAT_TIMEOUT_S,
              show_default=True, help="Seconds without a heartbeat before a worker's jobs go "
              "to another; the same on every worker.")  # fmt: skip
def worker(broker: str, store: str, jobs: int, name: str | None, heartbeat_timeout: float) -> None:
    """Grade the jobs of distributed runs with the Docker engine this machine reaches
    (DOCKER_HOST or the local one), until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    for noisy in ("dramatiq", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = WorkerSettings(
        broker_url=broker,
        store_url=store,
        name=safe_name(name or socket.gethostname(), fallback="worker"),
        jobs=jobs,
        heartbeat_timeout_s=heartbeat_timeout,
    )
    try:
        run_worker(settings, started=lambda line: click.echo(line, err=True))
    except KeyboardInterrupt:
        click.echo("worker stopped; its jobs not finished go to another worker", err=True)
        sys.exit(EXIT_INTERRUPTED)


@cli.command()
@click.argument("run_id")
@broker_option
@store_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Results folder the run writes its subfolder in.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 if a submission scores below this percentage.",
)
def attach(
    run_id: str, broker: str | None, store: str | None, out: Path, fail_under: float | None
) -> None:
    """Follow a distributed run whose `grader grade` was closed: its progress, then its
    results, reports and exit code as `grader grade` would have given them."""
    cluster = _cluster(broker, store)
    if cluster is None:
        raise click.UsageError("attach follows a distributed run: give --broker and --store")
    console = Console()
    record_names = _run_names(out / run_id)
    started = time.monotonic()
    with ProgressView(console, record_names) as view, _distributed_interrupt(cluster, run_id):
        outcome = attach_run(run_id, out, cluster, emit=view)
    _finish(console, outcome, started, False, fail_under)


def _run_names(run_dir: Path) -> list[str]:
    try:
        return [s.id for s in read_run_record(run_dir).submissions]
    except GraderError:
        return []  # attached from another machine: rows appear as events arrive


@tasks.command("record-fuzz")
@click.argument("task_ref")
@tasks_dir_option
def tasks_record_fuzz(task_ref: str, tasks_dir: Path | None) -> None:
    """Generate the fuzz stage's cases from the task's OpenAPI document and record them.

    Run it once per version of the document: every submission graded afterwards is sent
    exactly the recorded cases. Generation is pinned, so recording twice gives the same file.
    """
    task = load_task(task_ref, TaskLocation.find(tasks_dir))
    fuzz = task.spec.fuzz
    if fuzz is None:
        raise TaskError(f"task {task.id} has no [fuzz] section")
    started = time.monotonic()
    cases = record(task.root / fuzz.spec, fuzz.positive_examples, fuzz.negative_examples,
                   with_battery=fuzz.battery)  # fmt: skip
    path = task.root / fuzz.cases
    path.write_text(dump_cases(cases), encoding="utf-8")
    click.echo(
        f"{len(cases.cases)} cases for {len(cases.operations())} operations "
        f"({cases.generator}) in {time.monotonic() - started:.1f} s: {path}"
    )


@tasks.command("audit")
@click.argument("task_ref")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Mutants judged side by side, each with its own port and database.",
)
@click.option(
    "--budget-s",
    type=click.FloatRange(min=1),
    default=None,
    help="Start no new mutant after this many seconds (the rest are reported not run).",
)
@click.option(
    "--max-mutants",
    type=click.IntRange(min=1),
    default=None,
    help="Judge at most this many: a fixed sample, the same on every run.",
)
@click.option(
    "--module",
    "modules",
    multiple=True,
    metavar="PATH",
    help="Only mutants of this module or folder of the solution (repeatable).",
)
@click.option(
    "--mutant",
    "only",
    multiple=True,
    metavar="ID",
    help="Only this mutant, by id (repeatable): say, the survivors of the last audit, to see "
    "what a change to the suites kills.",
)
@click.option(
    "--corpus",
    is_flag=True,
    help="Also grade the task's flaw corpus through Docker and report its recall.",
)
@click.option("--skip-mutants", is_flag=True, help="No mutation analysis (with --corpus).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the reports go (default: results/audit-TASK).",
)
@tasks_dir_option
def tasks_audit(
    task_ref: str,
    jobs: int,
    budget_s: float | None,
    max_mutants: int | None,
    modules: tuple[str, ...],
    only: tuple[str, ...],
    corpus: bool,
    skip_mutants: bool,
    out: Path | None,
    tasks_dir: Path | None,
) -> None:
    """Audit a task's suites: the mutation score of its reference solution, per module and
    per rubric category, the surviving mutants; with --corpus, the recall of its flaw corpus.

    Mutants are served on loopback (no Docker); the corpus is graded in Docker.
    """
    from grader.cli.audit_command import run_audit

    task = load_task(task_ref, TaskLocation.find(tasks_dir))
    run_audit(
        task,
        Console(),
        jobs=jobs,
        budget_s=budget_s,
        max_mutants=max_mutants,
        modules=modules,
        corpus=corpus,
        skip_mutants=skip_mutants,
        out=out,
        only=only,
    )


@tasks.command("export-kit")
@click.argument("task_ref")
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--wheel",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="A wheel of the grader to put in the kit (default: built from this checkout).",
)
@tasks_dir_option
def tasks_export_kit(task_ref: str, out: Path, wheel: Path | None, tasks_dir: Path | None) -> None:
    """Write the candidate kit for a task into OUT (and OUT.zip): no hidden test goes in.

    The kit carries a wheel of the grader and the command that installs it."""
    archive = export_kit(load_task(task_ref, TaskLocation.find(tasks_dir)), out, wheel)
    click.echo(f"kit: {out}")
    click.echo(f"zip: {archive}")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


class _StopOnce:
    """Ctrl-C: say "stopping" at once, then stop; a second Ctrl-C does not cut the cleanup short."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.asked:
            click.echo("still stopping: removing what this run made on the engine", err=True)
            return
        self.asked = True
        click.echo("stopping: removing what this run made on the engine ...", err=True)
        raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)  # clean up on `kill` as on Ctrl-C
    signal.signal(signal.SIGINT, _StopOnce())
    try:
        cli(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except GraderError as error:
        click.echo(f"error: {neutralised(error.message)}", err=True)
        sys.exit(error.exit_code)
