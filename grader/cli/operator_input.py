"""What the operator typed, checked before anything starts: a typo is exit 2 with a message.

Sources that are not there, a run to resume that does not exist, a URL that is not one: each
is said at once, before a run folder is made or a submission graded.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from grader.core.errors import CommandLineError
from grader.runs.run_record import RESULT_FILE, RUN_RECORD
from grader.stages.intake.source_check import source_problem

SOURCE_CHECKS_AT_ONCE = 8


def check_sources(sources: tuple[str, ...]) -> None:
    """Every source exists (a git URL: has the ref named), else a CommandLineError naming all."""
    with ThreadPoolExecutor(max_workers=SOURCE_CHECKS_AT_ONCE) as pool:
        problems = [p for p in pool.map(source_problem, sources) if p]
    if problems:
        raise CommandLineError(
            "nothing was graded: "
            + ("\n  ".join(["", *problems]) if len(problems) > 1 else problems[0])
        )


def require_run(results_dir: Path, run_id: str) -> Path:
    """The folder of run `run_id` under `results_dir`, which must hold its run.json."""
    run_dir = results_dir / run_id
    if (run_dir / RUN_RECORD).is_file():
        return run_dir
    runs = sorted(_runs(results_dir))
    known = f"; runs there: {', '.join(runs[-5:])}" if runs else f"; {results_dir} has no run"
    raise CommandLineError(f"no run {run_id!r} to resume in {results_dir}{known}")


def _runs(results_dir: Path) -> list[str]:
    return [p.parent.name for p in results_dir.glob(f"*/{RUN_RECORD}")]


def require_run_folder(run_dir: Path) -> None:
    """`run_dir` is a run's folder: it has a run.json, or at least one <submission>/result.json."""
    if (run_dir / RUN_RECORD).is_file() or any(run_dir.glob(f"*/{RESULT_FILE}")):
        return
    raise CommandLineError(
        f"{run_dir} is not a run folder (no {RUN_RECORD}, no <submission>/{RESULT_FILE}): "
        "nothing was written"
    )


def check_url_option(url: str) -> str:
    """An http(s) URL with a host, as --url needs; else a message that shows how to write it."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise CommandLineError(f"--url {url}: not a URL ({error})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise CommandLineError(
            f"--url {url}: write the whole address with its scheme, for example "
            f"http://{url.split('://')[-1]}"
        )
    return url


def check_results_dir(folder: Path, out: Path | None) -> Path:
    """Where `grader check FOLDER` writes: `out`, or the user's cache; inside FOLDER only under
    its `.grader/` (which no snapshot copies), so no check's snapshot holds earlier results."""
    if out is None:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        out = Path(cache) / "grader" / "checks"
    inside = out.resolve().is_relative_to(folder.resolve())
    if inside and not out.resolve().is_relative_to(folder.resolve() / ".grader"):
        raise CommandLineError(
            f"--out {out} is inside the checked folder {folder}: the next check's snapshot "
            "would hold these results; choose a folder outside it (or under its .grader/)"
        )
    return out
