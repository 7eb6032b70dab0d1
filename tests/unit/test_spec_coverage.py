"""Coverage honesty in `--spec`: every result says how much of the API was reached, too little
gives `inconclusive` (no score) with what to pass, a 401/403 without a token is correct and
"not explored", and an undocumented 4xx to an invalid request is a note, not a deviation."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from grader.cli.main import EXIT_INCONCLUSIVE, exit_code_for
from grader.core.result import Outcome, Status
from grader.reports.gradescope import gradescope_results
from grader.reports.html import render_html_report
from grader.reports.markdown import render_submission_summary
from grader.reports.views import grader_view
from grader.stages.fuzz.cases import CaseRun
from grader.stages.fuzz.coverage import inconclusive_reason, measure_coverage
from grader.stages.fuzz.spec_task import spec_task
from grader.stages.fuzz.stage import FuzzRun, load_fuzz_plan, run_fuzz
from grader.stages.fuzz.verdict import NOT_EXPLORED
from tests.conftest import REPO
from tests.unit.loopback_app import serving
from tests.unit.sample_results import harness_error_result

SCENARIOS = REPO / "tests" / "scenarios"
OPERATIONS = ("GET /a", "GET /b", "GET /c", "GET /d")


def run(operation: str, status: int, case_id: str = "c1") -> CaseRun:
    return CaseRun(case_id, operation, "GET", "/", (), None, status, "")


def test_an_operation_is_reached_by_a_2xx_and_refused_by_only_401_403_404() -> None:
    runs = [
        run("GET /a", 200),
        run("GET /a", 404),
        run("GET /b", 404),
        run("GET /b", 401),
        run("GET /c", 422),
        run("GET /d", 401),
        run("GET /d", 200, "c9-without-token"),  # the grader's own probe does not count
    ]
    coverage = measure_coverage(OPERATIONS, runs, secured=frozenset({"GET /d"}))
    assert coverage.reached == {"GET /a"}
    assert coverage.refused == {"GET /b", "GET /d"}
    assert coverage.locked == {"GET /d"}
    assert coverage.describe() == (
        "operations reached with a 2xx: 1 of 4 (25%); only ever answered 401/403/404: "
        "2 of 4 (50%); not explored without a login: 1"
    )


def test_half_refused_is_inconclusive_and_names_what_to_pass() -> None:
    runs = [run("GET /a", 200), run("GET /b", 200), run("GET /c", 404), run("GET /d", 401)]
    coverage = measure_coverage(OPERATIONS, runs, secured=frozenset({"GET /d"}))
    reason = inconclusive_reason(
        coverage, bugs_found=True, base_path="", has_token=False, statuses={404, 401}
    )
    assert reason.startswith("too little of the API was reached to give a score")
    assert "--base-path PREFIX" in reason
    assert "--auth FILE" in reason
    assert "--health-path" in reason


def test_an_operation_that_never_answered_is_not_counted_as_refused() -> None:
    coverage = measure_coverage(OPERATIONS, [run("GET /a", 200), run("GET /b", 0)])
    assert coverage.refused == frozenset()


def test_enough_reached_is_conclusive_and_a_bug_makes_a_thin_run_conclusive() -> None:
    answers = [run(op, 200) for op in OPERATIONS[:2]] + [run(op, 400) for op in OPERATIONS[2:]]
    reached = measure_coverage(OPERATIONS, answers)
    assert not inconclusive_reason(
        reached, bugs_found=False, base_path="", has_token=False, statuses=set()
    )
    thin = measure_coverage(OPERATIONS, [run("GET /a", 200), *(run(o, 400) for o in OPERATIONS)])
    assert inconclusive_reason(
        thin, bugs_found=False, base_path="", has_token=False, statuses=set()
    )
    assert not inconclusive_reason(
        thin, bugs_found=True, base_path="", has_token=False, statuses=set()
    )


def fuzz_scenario(
    name: str,
    tmp_path: Path,
    document: str = "openapi.yaml",
    *,
    infer_login: bool = True,
    **options: object,
) -> tuple[FuzzRun, dict[str, object]]:
    """The scenario's app fuzzed on 127.0.0.1 as `grade --spec` would, its log read back."""
    scenario = SCENARIOS / name
    task = spec_task(
        str(scenario / document), tmp_path, port=8000, health_path=None, env={}, **options
    )  # type: ignore[arg-type]
    plan = load_fuzz_plan(task)
    assert plan is not None
    if not infer_login:
        plan = replace(plan, spec=plan.spec.model_copy(update={"infer_login": False}))
    with serving(scenario / "app.py") as url:
        fuzzed = run_fuzz(plan, url, 8000, lambda: True, tmp_path)
    return fuzzed, json.loads(fuzzed.log)


def test_a_login_wall_without_a_token_is_inconclusive_and_never_a_deviation(
    tmp_path: Path,
) -> None:
    fuzzed, log = fuzz_scenario("spec_login", tmp_path, infer_login=False)
    assert fuzzed.inconclusive.startswith("too little of the API was reached")
    assert "--auth FILE" in fuzzed.inconclusive
    assert "operations reached with a 2xx" in fuzzed.summary
    secured = ("GET /notes", "POST /notes", "GET /notes/{note_id}")
    for test in fuzzed.outcomes:
        if test.operation in secured and test.id.startswith("fuzz::contract::"):
            assert test.outcome is Outcome.NOT_RUN, test
            assert test.message == NOT_EXPLORED
        elif test.operation in secured:  # the only bug it can show is the false token's 500
            assert test.outcome is Outcome.FAILED, test
            assert "[invalid-token]" in test.message
    # GET /notes/{note_id} does not document 401: still no deviation for it
    failures = log["failures"]
    assert isinstance(failures, list)
    assert not [f for f in failures if f["kind"] == "deviation" and f["status"] in (401, 403)]
    coverage = log["coverage"]
    assert isinstance(coverage, dict)
    assert sorted(coverage["not_explored_without_login"]) == sorted(secured)


def test_an_undocumented_4xx_to_an_invalid_request_is_a_note(tmp_path: Path) -> None:
    fuzzed, log = fuzz_scenario("spec_login", tmp_path)
    failures = log["failures"]
    assert isinstance(failures, list)
    register = [f for f in failures if f["operation"] == "POST /auth/register"]
    assert any(f["kind"] == "note" and f["status"] == 422 for f in register), register
    assert not [f for f in register if f["kind"] == "deviation" and f["status"] == 422]
    contract = next(t for t in fuzzed.outcomes if t.id == "fuzz::contract::POST /auth/register")
    assert contract.outcome is Outcome.PASSED
    assert "note: " in contract.message


def test_a_wrong_base_path_is_inconclusive_and_says_to_pass_one(tmp_path: Path) -> None:
    fuzzed, _ = fuzz_scenario("spec_base_path", tmp_path, base_path="/")
    assert "--base-path PREFIX if the API is not served under the root" in fuzzed.inconclusive
    right, _ = fuzz_scenario("spec_base_path", tmp_path / "right", base_path="/api/v1")
    assert right.inconclusive == ""


def test_inconclusive_has_its_own_exit_code_and_no_score_in_any_report() -> None:
    result = replace(harness_error_result(), status=Status.INCONCLUSIVE, message="fuzz: too little")
    assert exit_code_for((result,), None) == EXIT_INCONCLUSIVE
    view = grader_view(result)
    assert "inconclusive: too little of the API" in render_html_report(view)
    assert "no score (inconclusive" in render_submission_summary(view)
    data = gradescope_results(view)
    assert "score" not in data
    assert data["output"].startswith("Inconclusive")
