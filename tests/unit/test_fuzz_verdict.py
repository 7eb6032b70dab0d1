"""From replayed cases to tests: each distinct failure once, points only for what ran."""

from __future__ import annotations

import http.server
import os
import shlex
import subprocess
import threading
from dataclasses import replace

from grader.core.result import Outcome
from grader.core.task import FuzzSpec
from grader.stages.fuzz.cases import CaseFile, CaseRun, Finding, FuzzCase
from grader.stages.fuzz.verdict import (
    curl_line,
    distinct_failures,
    fuzz_outcomes,
    plan_fuzz,
    summary,
)

FUZZ = FuzzSpec(bug_criterion="robustness.bugs", deviation_criterion="robustness.contract")
SERVER_ERROR = Finding("not_a_server_error", "bug", "Server error")
OFF_CONTRACT = Finding("status_code_conformance", "deviation", "Undocumented status code")


def case(case_id: str, operation: str) -> FuzzCase:
    return FuzzCase(case_id, operation, "positive", (), {}, {}, {})


CASES = CaseFile(
    "0" * 64,
    "test",
    (case("c1", "GET /books"), case("c2", "POST /books"), case("c3", "DELETE /books/{id}")),
)


def run(case_id: str, operation: str, status: int, *findings: Finding, **extra: object) -> CaseRun:
    method, path = operation.split(" ", 1)
    return CaseRun(case_id, operation, method, path, (), None, status, "", findings, **extra)  # type: ignore[arg-type]


def test_every_operation_is_a_bug_test_and_a_contract_test() -> None:
    planned = plan_fuzz(CASES, FUZZ)
    assert [(t.id, t.criterion) for t in planned[:2]] == [
        ("fuzz::bugs::GET /books", "robustness.bugs"),
        ("fuzz::contract::GET /books", "robustness.contract"),
    ]
    assert len(planned) == 6
    assert {t.outcome for t in planned} == {Outcome.NOT_RUN}
    assert {t.visibility for t in planned} == {"hidden"}


def test_a_failure_seen_many_times_is_reported_once_with_its_count() -> None:
    runs = [
        run("c1", "GET /books", 200),
        run("c2", "POST /books", 500, SERVER_ERROR),
        run("c4", "POST /books", 500, SERVER_ERROR),
        run("c5", "POST /books", 400, OFF_CONTRACT),
    ]
    failures = distinct_failures(runs, 8000)
    assert [(f.case_id, f.check, f.cases) for f in failures] == [
        ("c2", "not_a_server_error", 2),
        ("c5", "status_code_conformance", 1),
    ]
    assert summary(failures, runs) == "4 requests sent: 1 distinct bug(s), 1 distinct deviation(s)"


def test_outcomes_pass_fail_or_stay_unrun() -> None:
    runs = [run("c1", "GET /books", 200), run("c2", "POST /books", 500, SERVER_ERROR)]
    outcomes = {
        t.id: t for t in fuzz_outcomes(plan_fuzz(CASES, FUZZ), runs, distinct_failures(runs, 80))
    }
    assert outcomes["fuzz::bugs::GET /books"].outcome is Outcome.PASSED
    assert outcomes["fuzz::contract::POST /books"].outcome is Outcome.PASSED
    failed = outcomes["fuzz::bugs::POST /books"]
    assert failed.outcome is Outcome.FAILED
    assert failed.message.startswith("bug: Server error [not_a_server_error]")
    assert "reproduce: curl -i -X POST" in failed.message
    # the stage ended before DELETE: its points are not given
    unreached = outcomes["fuzz::bugs::DELETE /books/{id}"]
    assert unreached.outcome is Outcome.NOT_RUN
    assert "not reached" in unreached.message


def test_secured_operations_are_not_passed_when_the_grader_could_not_log_in() -> None:
    runs = [run("c1", "GET /books", 200), run("c2", "POST /books", 401)]
    outcomes = fuzz_outcomes(
        plan_fuzz(CASES, FUZZ), runs, (), "could not log in", frozenset({"POST /books"})
    )
    by_id = {t.id: t for t in outcomes}
    assert by_id["fuzz::bugs::POST /books"].outcome is Outcome.NOT_RUN
    assert by_id["fuzz::bugs::POST /books"].message == "not exercised: could not log in"
    assert by_id["fuzz::bugs::GET /books"].outcome is Outcome.PASSED


def test_skipped_link_cases_do_not_count_as_sent() -> None:
    runs = [run("c3", "DELETE /books/{id}", 0, skipped="c2 answered 422, not 201")]
    outcomes = fuzz_outcomes(plan_fuzz(CASES, FUZZ), runs, ())
    assert {t.outcome for t in outcomes} == {Outcome.NOT_RUN}


def test_the_curl_line_is_one_shell_command_with_the_token_left_to_the_shell() -> None:
    sent = CaseRun(
        "c9", "PATCH /books/{id}", "PATCH", "/books/1?q=a%20b&x=1",
        (("Content-Type", "application/json"), ("Authorization", "Bearer $TOKEN"),
         ("X-Odd", "it's")),
        b'{"title": "x\'y"}', 500, "", (),
    )  # fmt: skip
    line = curl_line(sent, 8000)
    words = shlex.split(line)
    assert words[:4] == ["curl", "-i", "-X", "PATCH"]
    assert "Authorization: Bearer $TOKEN" in words  # double-quoted: the shell fills it in
    assert '"Authorization: Bearer $TOKEN"' in line
    assert "X-Odd: it's" in words
    assert words[words.index("--data-binary") + 1] == '{"title": "x\'y"}'
    assert words[-1] == "${BASE_URL:-http://localhost:8000}/books/1?q=a%20b&x=1"


def test_a_case_the_battery_sends_twice_is_reproduced_by_sending_it_twice() -> None:
    once = CaseRun("c9", "POST /books", "POST", "/books", (), b'{"isbn": "1"}', 500, "", ())
    twice = replace(once, battery="same-value-twice")

    assert curl_line(twice, 8000) == f"for _ in 1 2; do {curl_line(once, 8000)}; done"
    assert shlex.split(curl_line(replace(once, battery="lone-surrogate"), 8000))[0] == "curl"


def test_raw_bytes_are_written_as_shell_escapes() -> None:
    sent = CaseRun("c9", "POST /books", "POST", "/books", (), b"\xff'a", 500, "", ())
    assert "--data-binary $'\\xff\\x27a'" in curl_line(sent, 8000)


def test_a_nul_body_is_read_from_a_file_kept_beside_the_result() -> None:
    # bash ends a word at a NUL: $'\x00' would send nothing
    sent = CaseRun("c9", "POST /books", "POST", "/books", (), b"\x00'a", 500, "", ())
    assert "--data-binary @fuzz-bodies/c9.body " in curl_line(sent, 8000)
    (failure,) = distinct_failures(
        [replace(sent, findings=(Finding("not_a_server_error", "bug", "Server error"),))], 8000
    )
    assert failure.body_file == "fuzz-bodies/c9.body"


def test_an_operation_that_never_answered_earns_no_contract_points() -> None:
    no_answer = Finding("not_a_server_error", "bug", "No answer")
    runs = [run("c1", "GET /books", 200), run("c2", "POST /books", 0, no_answer)]
    outcomes = {
        t.id: t for t in fuzz_outcomes(plan_fuzz(CASES, FUZZ), runs, distinct_failures(runs, 80))
    }
    assert outcomes["fuzz::bugs::POST /books"].outcome is Outcome.FAILED
    assert outcomes["fuzz::contract::POST /books"].outcome is Outcome.NOT_RUN
    assert outcomes["fuzz::contract::GET /books"].outcome is Outcome.PASSED


class _Todos(http.server.BaseHTTPRequestHandler):
    """POST /todos makes todo 7; a PUT of todo 7 fails; anything else is 404."""

    made = False

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).made = True
        self._answer(201, b'{"id": 7, "task": "x"}')

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(500 if self.path == "/todos/7" and self.made else 404, b"{}")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_case_sent_to_what_a_create_made_makes_it_first_and_works_on_a_fresh_app() -> None:
    create = CaseRun(
        "c1",
        "POST /todos",
        "POST",
        "/todos",
        (("Content-Type", "application/json"),),
        b'{"task": "x"}',
        201,
        "",
    )
    linked = CaseRun("c2", "PUT /todos/{id}", "PUT", "/todos/12",
                     (("Content-Type", "application/json"),), b'{"id": "grader"}', 500, "",
                     made_by=create, linked_values=(("12", "$response.body#/id"),))  # fmt: skip
    line = curl_line(linked, 8000)
    assert "/todos/12" not in line, "the id the run got is not the one a fresh app gives"

    server = http.server.HTTPServer(("127.0.0.1", 0), _Todos)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=30,
                              env={**os.environ, "BASE_URL": base})  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("HTTP/1.0 500"), done.stdout
