"""The audit's short tables for the terminal (rich), from the report documents. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from grader.audit.corpus import CorpusVerdict
from grader.reports.untrusted_text import shorten


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:g} %"


def mutation_table(document: Mapping[str, Any]) -> Table:
    score, counts, cost = document["score"], document["mutants"], document["cost"]
    table = Table(
        title=f"mutation audit of {document['task']}: {_percent(score['percent'])}",
        caption=(
            f"{counts['judged']} judged of {counts['enumerated']} mutants "
            f"({counts['equivalent']} equivalent, {counts['not_run']} not run); "
            f"{cost['wall_s']} s wall, {cost['per_mutant_s']} s per mutant, "
            f"{cost['cached']} cached"
        ),
    )
    for column in ("module", "killed", "survived", "score"):
        table.add_column(column, justify="left" if column == "module" else "right")
    for module, tally in document["modules"].items():
        table.add_row(
            module, str(tally["killed"]), str(tally["survived"]), _percent(tally["percent"])
        )
    table.add_section()
    table.add_row(
        Text("all", style="bold"),
        str(score["killed"]),
        str(score["survived"]),
        Text(_percent(score["percent"]), style="bold"),
    )
    return table


def category_table(document: Mapping[str, Any]) -> Table:
    table = Table(title="mutants killed first by each rubric category's tests")
    table.add_column("category")
    table.add_column("killed", justify="right")
    for category, killed in document["killed_by_category"].items():
        table.add_row(category, str(killed))
    return table


def recall_table(document: Mapping[str, Any]) -> Table:
    table = Table(
        title=(
            f"corpus recall of {document['task']}: {_percent(document['recall_percent'])} "
            f"(category level {_percent(document['category_recall_percent'])})"
        ),
        caption=f"{len(document['unfair_losses'])} unfair losses in the baselines",
    )
    for column in ("submission", "flaw", "criterion", "caught"):
        table.add_column(column)
    for flaw in document["per_flaw"]:
        table.add_row(
            Text(shorten(flaw["submission"], 40)),
            Text(shorten(f"{flaw['id']}: {flaw['title']}", 60)),
            Text(flaw["criterion"]),
            Text("yes" if flaw["caught"] else "missed", style="" if flaw["caught"] else "red"),
        )
    return table


def corpus_validation_table(verdicts: Sequence[CorpusVerdict]) -> Table:
    table = Table(title="corpus")
    for column in ("submission", "baseline", "flawed", "may lose", "missed", "verdict"):
        table.add_column(column)
    for verdict in verdicts:
        table.add_row(
            Text(verdict.name),
            _percent(verdict.baseline_percent),
            _percent(verdict.flawed_percent),
            ", ".join(verdict.allowed),
            ", ".join(verdict.missed) or "-",
            Text("ok" if verdict.ok else "; ".join(shorten(p, 200) for p in verdict.problems)),
        )
    return table
