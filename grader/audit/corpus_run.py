"""Grading a task's flaw corpus through the normal Docker pipeline.

IO around the pure `corpus`: finds `tasks/<id>/corpus/*/`, grades every baseline and flawed
version in one batch (`grade_batch`, as calibration does), and writes `corpus.json` and
`corpus.md` for the audit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.audit.corpus import (
    BASELINE,
    CORPUS_FOLDER,
    FLAWED,
    GROUND_TRUTH,
    CorpusEntry,
    CorpusRecall,
    parse_ground_truth,
)
from grader.core.errors import TaskError
from grader.core.events import Listener, ignore
from grader.core.result import Result
from grader.core.task import Task
from grader.pipeline import plan_grading
from grader.runs.batch import grade_batch, new_run_id


@dataclass(frozen=True)
class CorpusGrading:
    entries: tuple[CorpusEntry, ...]
    baselines: dict[str, Result]
    flawed: dict[str, Result]
    run_dir: Path


def load_corpus(task: Task) -> tuple[CorpusEntry, ...]:
    """The task's corpus entries (none when it has no corpus folder)."""
    folder = task.root / CORPUS_FOLDER
    if not folder.is_dir():
        return ()
    entries = []
    for entry in sorted(p for p in folder.iterdir() if p.is_dir()):
        truth_path = entry / GROUND_TRUTH
        missing = [
            name
            for name, present in (
                (GROUND_TRUTH, truth_path.is_file()),
                (f"{BASELINE}/", (entry / BASELINE).is_dir()),
                (f"{FLAWED}/", (entry / FLAWED).is_dir()),
            )
            if not present
        ]
        if missing:
            raise TaskError(f"{entry}: a corpus submission needs {', '.join(missing)}")
        try:
            text = truth_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise TaskError(f"{truth_path}: cannot be read: {error}") from None
        truth = parse_ground_truth(text, str(truth_path), task.spec)
        entries.append(CorpusEntry(entry.name, truth))
    return tuple(entries)


def corpus_sources(task: Task, entries: Sequence[CorpusEntry]) -> list[str]:
    """Each entry's baseline then its flawed version, in entry order."""
    folder = task.root / CORPUS_FOLDER
    return [
        str(folder / entry.name / version) for entry in entries for version in (BASELINE, FLAWED)
    ]


def grade_corpus(
    task: Task,
    entries: Sequence[CorpusEntry],
    results_dir: Path,
    *,
    jobs: int = 1,
    emit: Listener = ignore,
    client: Any = None,
    run_id: str | None = None,
) -> CorpusGrading:
    outcome = grade_batch(
        corpus_sources(task, entries),
        plan_grading(task),
        results_dir,
        jobs=jobs,
        run_id=run_id or f"corpus-{task.id}-{new_run_id()}",
        emit=emit,
        client=client,
    )
    results = list(outcome.results)
    baselines = {entry.name: results[2 * i] for i, entry in enumerate(entries)}
    flawed = {entry.name: results[2 * i + 1] for i, entry in enumerate(entries)}
    return CorpusGrading(tuple(entries), baselines, flawed, outcome.run_dir)


def corpus_document(task_id: str, recall: CorpusRecall, run_dir: Path) -> dict[str, Any]:
    by_category: dict[str, list[int]] = {}
    for verdict in recall.flaws:
        tally = by_category.setdefault(verdict.flaw.category, [0, 0])
        tally[0] += verdict.caught
        tally[1] += 1
    return {
        "format": 1,
        "task": task_id,
        "results": str(run_dir),
        "flaws": len(recall.flaws),
        "caught": recall.caught,
        "recall_percent": recall.recall,
        "category_caught": recall.category_caught,
        "category_recall_percent": recall.category_recall,
        "by_category": {c: {"caught": t[0], "flaws": t[1]} for c, t in by_category.items()},
        "per_flaw": [
            {
                "submission": v.submission,
                "id": v.flaw.id,
                "title": v.flaw.title,
                "category": v.flaw.category,
                "criterion": v.flaw.criterion,
                "exploitable": v.flaw.exploitable,
                "caught": v.caught,
                "category_caught": v.category_caught,
                "graded": v.graded,
            }
            for v in recall.flaws
        ],
        "unfair_losses": [
            {"submission": u.submission, "criterion": u.criterion, "points": u.points, "why": u.why}
            for u in recall.unfair
        ],
        "not_graded": list(recall.not_graded),
    }


def render_corpus_markdown(document: dict[str, Any]) -> str:
    lines = [
        f"# Corpus recall of {document['task']}",
        "",
        f"**Recall: {_percent(document['recall_percent'])}** ({document['caught']} of "
        f"{document['flaws']} flaws cost points in their criterion); at category level "
        f"{_percent(document['category_recall_percent'])} ({document['category_caught']}).",
        "",
        "| submission | flaw | category | criterion | exploitable | caught | category caught |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for flaw in document["per_flaw"]:
        lines.append(
            f"| {flaw['submission']} | {flaw['id']}: {_cell(flaw['title'])} | {flaw['category']} "
            f"| {flaw['criterion']} | {'yes' if flaw['exploitable'] else 'no'} "
            f"| {'yes' if flaw['caught'] else '**missed**'} "
            f"| {'yes' if flaw['category_caught'] else 'no'} |"
        )
    lines += ["", f"## Unfair losses (points a baseline lost): {len(document['unfair_losses'])}"]
    lines += [
        f"- {u['submission']}: {u['points']:g} in {u['criterion']}: {_cell(u['why'])}"
        for u in document["unfair_losses"]
    ]
    if document["not_graded"]:
        lines += ["", "## Not graded", ""]
        lines += [f"- {_cell(line)}" for line in document["not_graded"]]
    lines += ["", f"Results: `{document['results']}`", ""]
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:g} %"


def _cell(text: str) -> str:
    from grader.reports.untrusted_text import shorten

    return " ".join(shorten(text, 300).split()).replace("|", "\\|")


def write_corpus_report(out: Path, document: dict[str, Any]) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "corpus.json", out / "corpus.md"
    json_path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    md_path.write_text(render_corpus_markdown(document), encoding="utf-8")
    return json_path, md_path
