"""The mutation report's JSON document and Markdown, and the terminal tables, by content."""

from __future__ import annotations

from rich.console import Console

from grader.audit.audit_tables import category_table, mutation_table
from grader.audit.mutants import enumerate_mutants
from grader.audit.mutation_report import mutation_document, render_mutation_markdown
from grader.audit.mutation_score import MutantRun, Verdict, summarise

MODULE = "def limit(n):\n    return min(n, 10)\n"


def document() -> dict[str, object]:
    mutants = enumerate_mutants({"app/limits.py": MODULE})
    assert len(mutants) == 2  # 10 -> 11, 10 -> 9
    survived, killed = mutants
    runs = {
        survived.id: MutantRun(survived.id, Verdict.SURVIVED, 4.0, tests_run=12),
        killed.id: MutantRun(killed.id, Verdict.KILLED, 1.0, "t::a", "crud.read", 2, "boom"),
    }
    summary = summarise(mutants, runs, {}, {"crud.read": "crud"})
    return mutation_document(
        task_id="mini",
        engine="cosmic-ray 8.7.0",
        enumerated=2,
        mutants=mutants,
        runs=runs,
        summary=summary,
        stale_equivalents=["app/gone.py:NumberReplacer:0"],
        excluded_tests={"hidden/t.py::test_restart": "skipped"},
        cost={"wall_s": 3.0, "mutant_s": 5.0, "per_mutant_s": 2.5, "ran": 2, "cached": 0},
        sample="",
    )


def test_the_document_holds_the_score_the_survivors_and_the_cost() -> None:
    data = document()
    assert data["score"] == {"killed": 1, "survived": 1, "percent": 50.0}
    assert data["modules"] == {"app/limits.py": {"killed": 1, "survived": 1, "percent": 50.0}}
    assert data["killed_by_category"] == {"crud": 1}
    (survivor,) = data["survivors"]  # type: ignore[misc]
    assert survivor["id"] == "app/limits.py:NumberReplacer:0"
    assert "-    return min(n, 10)\n+    return min(n, 11)\n" in survivor["diff"]
    assert [run["verdict"] for run in data["runs"]] == ["survived", "killed"]  # type: ignore[attr-defined]


def test_the_markdown_shows_the_score_each_survivor_with_its_diff_and_what_was_left_out() -> None:
    markdown = render_mutation_markdown(document())
    assert "**Mutation score: 50 %** (1 killed, 1 survived of 2 judged" in markdown
    assert "| `app/limits.py` | 1 | 1 | 50 % |" in markdown
    assert "| crud | 1 |" in markdown
    assert "### `app/limits.py:NumberReplacer:0`\n\napp/limits.py:2 in `limit`" in markdown
    assert "````diff\n--- a/app/limits.py\n+++ b/app/limits.py\n" in markdown
    assert "- `app/gone.py:NumberReplacer:0`" in markdown.split("## Stale entries")[1]
    assert "- `hidden/t.py::test_restart`: skipped" in markdown


def test_the_terminal_tables_show_modules_and_categories() -> None:
    console = Console(width=120, record=True)
    console.print(mutation_table(document()))
    console.print(category_table(document()))
    text = console.export_text()
    assert "mutation audit of mini: 50 %" in text
    assert "app/limits.py" in text
    assert "crud" in text
