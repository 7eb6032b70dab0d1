"""`grader clean`: remove what runs left on the engine, sparing runs in progress, after asking.

Runs whose grader process still lives (see `grader.sandbox.runs_on_engine`) are never
touched, named or not. Without --run, the runs to remove are listed and the operator asked
(`--yes` answers for scripts; without a terminal to ask on, nothing is removed without it).
"""

from __future__ import annotations

import sys

import click

from grader.core.errors import CommandLineError
from grader.reports.untrusted_text import clean as neutralised
from grader.sandbox.engine import Removed, connect, prune_build_cache, remove_labelled
from grader.sandbox.runs_on_engine import RunOnEngine, runs_on_engine

EXIT_GRADER_ERROR = 4


@click.command("clean")
@click.option("--run", "run_id", default=None, help="Only what this run made.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before removing other runs' things.")
@click.option(
    "--build-cache",
    is_flag=True,
    help="Also remove the build cache: the engine's dangling image layers (all of them, not "
    "only those of graded submissions).",
)
def clean_command(run_id: str | None, yes: bool, build_cache: bool) -> None:
    """Remove the containers, networks, volumes and images that finished runs left behind.

    Runs still in progress are spared. The unlabelled layers graded submissions were built
    from stay, as the build cache that makes later builds of the same dependencies fast;
    --build-cache removes them too.
    """
    client = connect()
    runs = runs_on_engine(client)
    live = {run.run_id: owner for run in runs.values() if (owner := run.live_owner())}
    if run_id is not None:
        chosen = _named_run(run_id, runs, live)
    else:
        chosen = [run for run in runs.values() if run.run_id not in live]
        for spared, owner in sorted(live.items()):
            click.echo(neutralised(f"spared: run {spared} is in progress ({owner})"))
        if chosen and not yes and not _agreed([run.run_id for run in chosen]):
            click.echo("nothing was removed")
            return
    total = Removed()
    for run in chosen:
        removed = remove_labelled(client, run.run_id)
        for name in ("containers", "networks", "volumes", "images", "errors"):
            getattr(total, name).extend(getattr(removed, name))
        total.firewall_rules += removed.firewall_rules
    click.echo(
        f"removed {len(total.containers)} container(s), {len(total.networks)} network(s), "
        f"{len(total.volumes)} volume(s), {len(total.images)} image(s), "
        f"{total.firewall_rules} firewall rule(s) of {len(chosen)} run(s)"
    )
    if build_cache:
        layers, freed = prune_build_cache(client)
        click.echo(f"removed the build cache: {layers} layer(s), {freed / 1e6:.0f} MB")
    for error in total.errors:
        click.echo(f"could not remove {neutralised(str(error))}", err=True)
    if total.errors:
        sys.exit(EXIT_GRADER_ERROR)


def _named_run(
    run_id: str, runs: dict[str, RunOnEngine], live: dict[str, str]
) -> list[RunOnEngine]:
    if run_id in live:
        raise CommandLineError(
            f"run {run_id} is in progress ({live[run_id]}): stop it (Ctrl-C removes what it made)"
        )
    return [runs.get(run_id, RunOnEngine(run_id))]  # its firewall rules, cgroups may remain


def _agreed(run_ids: list[str]) -> bool:
    listed = ", ".join(run_ids[:10]) + (
        f" and {len(run_ids) - 10} more" if len(run_ids) > 10 else ""
    )
    question = f"remove what {len(run_ids)} finished run(s) left on the engine ({listed})?"
    if not can_ask():
        raise CommandLineError(f"{neutralised(question)} Not asked without a terminal: pass --yes")
    return click.confirm(neutralised(question), default=False)


def can_ask() -> bool:
    """A person can answer: stdin is a terminal."""
    return sys.stdin.isatty()
