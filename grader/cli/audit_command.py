"""`grader tasks audit`: runs the audit's Python API and shows its progress and tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from grader.audit.audit_tables import category_table, mutation_table, recall_table
from grader.audit.corpus import corpus_recall
from grader.audit.corpus_run import (
    corpus_document,
    corpus_sources,
    grade_corpus,
    load_corpus,
    write_corpus_report,
)
from grader.audit.mutants import Mutant
from grader.audit.mutation_audit import audit_mutations, default_out
from grader.audit.mutation_run import AuditProgress
from grader.audit.mutation_score import MutantRun
from grader.core.errors import CommandLineError
from grader.core.task import Task
from grader.reports.console import ProgressView
from grader.runs.batch import name_submissions


def run_audit(
    task: Task,
    console: Console,
    *,
    jobs: int,
    budget_s: float | None,
    max_mutants: int | None,
    modules: Sequence[str],
    corpus: bool,
    skip_mutants: bool,
    out: Path | None,
    only: Sequence[str] = (),
) -> None:
    out = out or default_out(task)
    if skip_mutants and not corpus:
        raise CommandLineError("--skip-mutants leaves nothing to do without --corpus")
    entries = load_corpus(task) if corpus else ()
    if corpus and not entries:
        raise CommandLineError(f"task {task.id} has no corpus (tasks/{task.id}/corpus/*/)")
    if not skip_mutants:
        with Progress(
            TextColumn("[bold]mutants[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            job = bar.add_task("mutants", total=None, last="")

            def on_mutant(mutant: Mutant, run: MutantRun | None, cached: bool) -> None:
                verdict = "not run" if run is None else run.verdict.value
                bar.update(job, advance=1, last=f"{mutant.id}: {verdict}")

            def on_note(text: str) -> None:
                bar.update(job, last=text)

            audit = audit_mutations(
                task,
                out,
                jobs=jobs,
                budget_s=budget_s,
                max_mutants=max_mutants,
                modules=modules,
                only=only,
                progress=AuditProgress(on_mutant, on_note),
            )
        console.print(mutation_table(audit.document))
        console.print(category_table(audit.document))
        survivors = audit.document["survivors"]
        if survivors:
            console.print(f"{len(survivors)} surviving mutants, with their diffs, in:")
        console.print(f"reports: {audit.markdown_path}  {audit.json_path}", markup=False)
    if entries:
        names = [s.id for s in name_submissions(corpus_sources(task, entries))]
        with ProgressView(console, names) as view:
            graded = grade_corpus(task, entries, out / "corpus-runs", jobs=jobs, emit=view)
        recall = corpus_recall(graded.entries, graded.baselines, graded.flawed)
        document = corpus_document(task.id, recall, graded.run_dir)
        console.print(recall_table(document))
        json_path, md_path = write_corpus_report(out, document)
        console.print(f"reports: {md_path}  {json_path}", markup=False)
