"""Benchmark: what a mutation audit costs, cold and from its cache, and what fail-fast saves.

    python bench/audit_cost.py [--task notes-api] [--max-mutants 30] [--jobs 2]

Runs `grader tasks audit TASK --max-mutants N` twice into a fresh output folder: the first
run makes the virtual environment, judges the reference (the baseline) and every mutant; the
second finds everything in the cache. It prints both wall times, the time per mutant, and how
many tests the mutants ran against how many a full run of the suites for each would have taken
(fail-fast and the kill order are what make the difference).
Everything it starts binds to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def audit(task: str, out: Path, max_mutants: int, jobs: int) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "grader", "tasks", "audit", task, "--out", str(out),
         "--max-mutants", str(max_mutants), "--jobs", str(jobs)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="notes-api")
    parser.add_argument("--max-mutants", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as scratch:
        out = Path(scratch) / "audit"
        cold = audit(args.task, out, args.max_mutants, args.jobs)
        report = json.loads((out / "mutation.json").read_text())
        cached = audit(args.task, out, args.max_mutants, args.jobs)
        rerun = json.loads((out / "mutation.json").read_text())["cost"]
        baseline = next((out / "cache").glob("baseline-*.json"))
        judging = len(json.loads(baseline.read_text())["judging"])
    runs = report["runs"]
    tests_run = sum(run["tests_run"] for run in runs)
    full = judging * len(runs)
    cost = report["cost"]
    print(f"task {args.task}: {len(runs)} mutants judged, score {report['score']['percent']} %")
    print(f"cold run:   {cold:.1f} s wall (venv, baseline and mutants), jobs {args.jobs}")
    print(f"            {cost['mutant_s']} s of mutant runs, {cost['per_mutant_s']} s each")
    print(f"cached run: {cached:.1f} s wall, {rerun['ran']} run, {rerun['cached']} from the cache")
    print(f"tests run:  {tests_run} of {full} a full run per mutant would take "
          f"({100 * tests_run / full:.0f} %)" if full else "tests run: none")  # fmt: skip


if __name__ == "__main__":
    main()
