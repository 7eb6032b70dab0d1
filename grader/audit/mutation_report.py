"""The mutation report: a JSON document and its Markdown rendering.

Pure, except `write_mutation_report`. Everything shown comes from the task's own reference
solution and suites (the task author's files), and from the messages of tests the grader ran
against the author's own mutated code; messages are still cut short and kept out of the
Markdown's structure (code blocks only).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from grader.audit.mutants import Mutant
from grader.audit.mutation_score import MutantRun, MutationSummary, Tally

FENCE = "````"


def _tally(tally: Tally) -> dict[str, Any]:
    return {"killed": tally.killed, "survived": tally.survived, "percent": tally.percent}


def mutation_document(
    *,
    task_id: str,
    engine: str,
    enumerated: int,
    mutants: Sequence[Mutant],
    runs: Mapping[str, MutantRun],
    summary: MutationSummary,
    stale_equivalents: Sequence[str],
    excluded_tests: Mapping[str, str],
    cost: Mapping[str, float | int | str],
    sample: str,
) -> dict[str, Any]:
    by_id = {mutant.id: mutant for mutant in mutants}
    return {
        "format": 1,
        "task": task_id,
        "engine": engine,
        "mutants": {
            "enumerated": enumerated,
            "selected": len(mutants),
            "judged": summary.overall.judged,
            "equivalent": len(summary.equivalent),
            "not_run": len(summary.not_run),
            "errors": len(summary.errors),
            "sample": sample,
        },
        "score": _tally(summary.overall),
        "modules": {module: _tally(tally) for module, tally in summary.modules.items()},
        "killed_by_category": summary.killed_by_category,
        "survivors": [
            {
                "id": mutant.id,
                "sha256": mutant.sha256,
                "module": mutant.module,
                "line": mutant.line,
                "function": mutant.function,
                "operator": mutant.operator,
                "diff": mutant.diff,
            }
            for mutant in (by_id[i] for i in summary.survivors)
        ],
        "equivalent": [
            {"id": mutant_id, "reason": reason} for mutant_id, reason in summary.equivalent.items()
        ],
        "stale_equivalents": list(stale_equivalents),
        "errors": [{"id": i, "detail": runs[i].detail} for i in summary.errors],
        "not_run": list(summary.not_run),
        "tests_not_judging": dict(excluded_tests),
        "cost": dict(cost),
        "runs": [
            asdict(runs[m.id]) | {"verdict": runs[m.id].verdict.value}
            for m in mutants
            if m.id in runs
        ],
    }


def render_mutation_markdown(document: Mapping[str, Any]) -> str:
    score = document["score"]
    counts = document["mutants"]
    cost = document["cost"]
    percent = "-" if score["percent"] is None else f"{score['percent']:g} %"
    lines = [
        f"# Mutation audit of {document['task']}",
        "",
        f"**Mutation score: {percent}** ({score['killed']} killed, {score['survived']} survived "
        f"of {counts['judged']} judged; {counts['enumerated']} mutants enumerated, "
        f"{counts['selected']} selected{_sample(counts['sample'])}; {counts['equivalent']} "
        f"equivalent, {counts['not_run']} not run, {counts['errors']} could not be judged).",
        "",
        f"Engine: {document['engine']}. Time: {cost['wall_s']} s wall, {cost['mutant_s']} s of "
        f"mutant runs ({cost['per_mutant_s']} s each on average), {cost['ran']} run, "
        f"{cost['cached']} from the cache.",
        "",
        "## Per module",
        "",
        "| module | killed | survived | score |",
        "| --- | ---: | ---: | ---: |",
    ]
    for module, tally in document["modules"].items():
        shown = "-" if tally["percent"] is None else f"{tally['percent']:g} %"
        lines.append(f"| `{module}` | {tally['killed']} | {tally['survived']} | {shown} |")
    lines += [
        "",
        "## Kills per rubric category",
        "",
        "The category of the test that failed first (fail-fast: one credit per mutant).",
        "",
        "| category | mutants killed |",
        "| --- | ---: |",
    ]
    lines += [f"| {category} | {n} |" for category, n in document["killed_by_category"].items()]
    lines += ["", f"## Surviving mutants ({len(document['survivors'])})", ""]
    for survivor in document["survivors"]:
        where = f"{survivor['module']}:{survivor['line']}"
        function = f" in `{survivor['function']}`" if survivor["function"] else ""
        lines += [
            f"### `{survivor['id']}`",
            "",
            f"{where}{function}, sha256 `{survivor['sha256'][:16]}`",
            "",
            f"{FENCE}diff",
            survivor["diff"].rstrip("\n").replace(FENCE, "` ` ` `"),
            FENCE,
            "",
        ]
    if document["equivalent"]:
        lines += ["## Equivalent mutants (out of the score)", ""]
        lines += [f"- `{e['id']}`: {_one_line(e['reason'])}" for e in document["equivalent"]]
        lines.append("")
    if document["stale_equivalents"]:
        lines += ["## Stale entries of equivalent.toml (they match no mutant)", ""]
        lines += [f"- `{entry}`" for entry in document["stale_equivalents"]]
        lines.append("")
    if document["tests_not_judging"]:
        lines += ["## Tests that judge no mutant (they do not pass on the reference)", ""]
        lines += [f"- `{t}`: {o}" for t, o in document["tests_not_judging"].items()]
        lines.append("")
    if document["errors"]:
        lines += ["## Mutants the audit could not judge", ""]
        lines += [f"- `{e['id']}`: {_one_line(e['detail'])}" for e in document["errors"]]
        lines.append("")
    return "\n".join(lines)


def _sample(sample: str) -> str:
    return f" ({sample})" if sample else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300].replace("|", "\\|")


def write_mutation_report(out: Path, document: Mapping[str, Any]) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "mutation.json", out / "mutation.md"
    for path, text in (
        (json_path, json.dumps(document, indent=1, ensure_ascii=False) + "\n"),
        (md_path, render_mutation_markdown(document)),
    ):
        scratch = path.with_suffix(path.suffix + ".tmp")
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(path)
    return json_path, md_path
