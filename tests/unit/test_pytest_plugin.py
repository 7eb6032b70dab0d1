"""`grader.pytest_plugin`, run by pytester against a tiny HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port

pytest_plugins = ["pytester"]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            body, status = b'{"status": "ok"}', 200
        else:
            body, status = b'{"error": {"code": "not_found"}}', 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def app_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("GRADER_BASE_URL", raising=False)
    # The marker must be registered by the plugin: an unknown marker would be an error here.
    pytester.makeini("[pytest]\naddopts = --strict-markers -p no:cacheprovider\n")
    return pytester


SUITE = """
import json
from pathlib import Path

import pytest


@pytest.fixture
def broken():
    raise RuntimeError("fixture exploded")


@pytest.fixture
def messy():
    yield
    raise RuntimeError("teardown exploded")


@pytest.mark.criterion("api.health", weight=2)
def test_health_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.criterion("api.missing", weight=0.5)
def test_missing_answers_200(client):
    response = client.get("/missing")
    assert response.status_code == 200, f"expected 200, got {response.status_code}"


@pytest.mark.criterion("api.health")
def test_with_a_broken_fixture(client, broken):
    pass


@pytest.mark.criterion("api.later")
def test_skipped():
    pytest.skip("not today")


@pytest.mark.criterion("api.clean")
def test_passes_but_cannot_clean_up(messy):
    pass


def test_without_criterion(base_url, make_client, unique):
    assert base_url.startswith("http://127.0.0.1:")
    assert make_client().get("/health").status_code == 200
    assert unique("a") != unique("a")
    assert unique("author").startswith("author-")


@pytest.mark.criterion("api.report")
def test_report_is_written_after_each_test(pytestconfig):
    report = json.loads(Path(pytestconfig.getoption("--grader-report")).read_text())
    outcomes = {t["nodeid"].split("::")[-1]: t["outcome"] for t in report["tests"]}
    assert report["exitstatus"] is None
    assert outcomes["test_health_answers"] == "passed"
    assert outcomes["test_report_is_written_after_each_test"] == "not_run"
"""


def read_report(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data, {test["nodeid"].split("::")[-1]: test for test in data["tests"]}


def test_report_records_criterion_weight_and_outcome(suite, app_url):
    suite.makepyfile(test_suite=SUITE)
    report = suite.path / "report.json"

    result = suite.runpytest_subprocess(f"--base-url={app_url}", f"--grader-report={report}")

    result.assert_outcomes(passed=4, failed=1, skipped=1, errors=2)
    data, tests = read_report(report)
    assert data["report_version"] == 1
    assert data["exitstatus"] == 1
    assert data["collection_errors"] == []
    assert list(tests) == [
        "test_health_answers",
        "test_missing_answers_200",
        "test_with_a_broken_fixture",
        "test_skipped",
        "test_passes_but_cannot_clean_up",
        "test_without_criterion",
        "test_report_is_written_after_each_test",
    ]
    summary = {name: (t["criterion"], t["weight"], t["outcome"]) for name, t in tests.items()}
    assert summary == {
        "test_health_answers": ("api.health", 2.0, "passed"),
        "test_missing_answers_200": ("api.missing", 0.5, "failed"),
        "test_with_a_broken_fixture": ("api.health", 1.0, "error"),
        "test_skipped": ("api.later", 1.0, "skipped"),
        "test_passes_but_cannot_clean_up": ("api.clean", 1.0, "error"),
        "test_without_criterion": ("", 1.0, "passed"),
        "test_report_is_written_after_each_test": ("api.report", 1.0, "passed"),
    }
    assert tests["test_health_answers"]["message"] == ""
    assert "expected 200, got 404" in tests["test_missing_answers_200"]["message"]
    assert "fixture exploded" in tests["test_with_a_broken_fixture"]["message"]
    assert tests["test_skipped"]["message"] == "not today"
    assert "teardown exploded" in tests["test_passes_but_cannot_clean_up"]["message"]
    assert all(t["duration_s"] >= 0 for t in tests.values())
    assert not (suite.path / "report.json.partial").exists()


def test_all_passing_run_reports_exit_status_zero(suite, app_url):
    suite.makepyfile(
        test_ok="""
        import pytest

        @pytest.mark.criterion("api.health")
        def test_health(client):
            assert client.get("/health").status_code == 200
        """
    )
    report = suite.path / "report.json"

    suite.runpytest_subprocess(
        f"--base-url={app_url}", f"--grader-report={report}"
    ).assert_outcomes(passed=1)

    data, tests = read_report(report)
    assert data["exitstatus"] == 0
    assert tests["test_health"]["outcome"] == "passed"


def test_clients_share_one_tls_context_per_session(suite, app_url):
    # Loading the CA bundle costs tens of milliseconds of CPU: once per run, not per client.
    suite.makeconftest(
        """
        import ssl

        loads = []
        original = ssl.SSLContext.load_verify_locations

        def counting(self, *args, **kwargs):
            loads.append(1)
            return original(self, *args, **kwargs)

        ssl.SSLContext.load_verify_locations = counting
        """
    )
    suite.makepyfile(
        test_clients="""
        import conftest
        import pytest

        @pytest.mark.parametrize("round", range(3))
        def test_two_clients(make_client, round):
            for _ in range(2):
                assert make_client().get("/health").status_code == 200

        def test_the_bundle_was_loaded_once():
            assert len(conftest.loads) == 1
        """
    )
    suite.runpytest_subprocess(f"--base-url={app_url}").assert_outcomes(passed=4)


def test_base_url_can_come_from_the_environment(suite, app_url, monkeypatch):
    monkeypatch.setenv("GRADER_BASE_URL", app_url + "/")
    suite.makepyfile(
        test_env="""
        def test_base_url(base_url, client):
            assert not base_url.endswith("/")
            assert client.get("/health").status_code == 200
        """
    )

    suite.runpytest_subprocess().assert_outcomes(passed=1)


def test_without_a_base_url_tests_error_with_a_hint(suite):
    suite.makepyfile(
        test_nourl="""
        import pytest

        @pytest.mark.criterion("api.health")
        def test_health(client):
            pass
        """
    )
    report = suite.path / "report.json"

    suite.runpytest_subprocess(f"--grader-report={report}").assert_outcomes(errors=1)

    _, tests = read_report(report)
    assert tests["test_health"]["outcome"] == "error"
    assert "pass --base-url" in tests["test_health"]["message"]


def test_collect_only_lists_every_test_as_not_run(suite):
    suite.makepyfile(test_suite=SUITE)
    report = suite.path / "plan.json"

    result = suite.runpytest_subprocess("--collect-only", f"--grader-report={report}")

    assert result.ret == 0
    data, tests = read_report(report)
    assert data["exitstatus"] == 0
    assert len(tests) == 7
    assert {t["outcome"] for t in tests.values()} == {"not_run"}
    assert tests["test_health_answers"]["criterion"] == "api.health"
    assert tests["test_health_answers"]["weight"] == 2.0
    assert tests["test_without_criterion"]["criterion"] == ""


def test_deselected_tests_are_not_reported(suite):
    suite.makepyfile(test_suite=SUITE)
    report = suite.path / "plan.json"

    suite.runpytest_subprocess(
        "--collect-only", "-k", "health_answers", f"--grader-report={report}"
    )

    _, tests = read_report(report)
    assert set(tests) == {"test_health_answers"}


def test_collection_errors_are_reported(suite):
    suite.makepyfile(test_broken="import no_such_module_anywhere\n")
    report = suite.path / "plan.json"

    suite.runpytest_subprocess("--collect-only", f"--grader-report={report}")

    data, tests = read_report(report)
    assert tests == {}
    assert len(data["collection_errors"]) == 1
    assert "test_broken.py" in data["collection_errors"][0]
    assert "no_such_module_anywhere" in data["collection_errors"][0]


def test_slow_test_fails_at_the_timeout(suite):
    suite.makepyfile(
        test_slow="""
        import time

        import pytest

        @pytest.mark.criterion("api.slow")
        def test_sleeps():
            time.sleep(5)

        @pytest.mark.criterion("api.fast")
        def test_after_the_slow_one():
            pass
        """
    )
    report = suite.path / "report.json"

    # A subprocess: SIGALRM and its handler stay out of this test run.
    result = suite.runpytest_subprocess("--grader-test-timeout=1", f"--grader-report={report}")

    result.assert_outcomes(passed=1, failed=1)
    _, tests = read_report(report)
    slow = tests["test_sleeps"]
    assert slow["outcome"] == "failed"
    assert "timed out after 1 s" in slow["message"]
    assert slow["duration_s"] < 4
    assert tests["test_after_the_slow_one"]["outcome"] == "passed"


def test_timeout_works_without_a_report(suite):
    suite.makepyfile(
        test_slow="""
        import time

        def test_sleeps():
            time.sleep(5)
        """
    )

    result = suite.runpytest_subprocess("--grader-test-timeout=1")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*timed out after 1 s*"])
    assert list(suite.path.glob("*.json*")) == []


# Stopping once the app cannot be reached: the tests below ask `elsewhere`, a port where nothing
# listens, and the app (`--base-url`) is either that same dead port or the live server.

STREAK = """
import time

import pytest

ELSEWHERE = "http://127.0.0.1:{closed}"


@pytest.mark.parametrize("step", {steps!r})
def test_step(client, step):
    if step == "unreachable":
        client.get(ELSEWHERE + "/items")
    elif step == "answered":
        assert client.get("{live}/missing").status_code == 200
    elif step == "skipped":
        pytest.skip("not this one")
    elif step == "hangs":
        time.sleep(5)
"""


def run_steps(suite, steps, base_url, live_url, *options):
    suite.makepyfile(test_streak=STREAK.format(steps=steps, closed=free_port(), live=live_url))
    report = suite.path / "report.json"
    suite.runpytest_subprocess(
        f"--base-url={base_url}",
        f"--grader-report={report}",
        "--grader-stop-after-unreachable=5",
        *options,
    )
    data, tests = read_report(report)
    return data, list(tests.values())  # in the order they were collected


def test_five_unreachable_tests_in_a_row_stop_the_session(suite, app_url):
    dead = f"http://127.0.0.1:{free_port()}"
    data, tests = run_steps(suite, ["unreachable"] * 8, dead, app_url)

    assert [t["outcome"] for t in tests] == ["failed"] * 5 + ["not_run"] * 3
    assert data["stopped"].startswith(
        "after 5 consecutive tests could not reach the app "
        "(the last: ConnectError: [Errno 111] Connection refused), "
        "and GET /health got no answer either (ConnectError"
    )
    assert data["exitstatus"] == 2  # pytest's own word for a session stopped early


def test_a_streak_goes_on_while_the_health_path_answers_but_not_for_ever(suite, app_url):
    data, tests = run_steps(suite, ["unreachable"] * 9 + ["answered"], app_url, app_url)

    assert [t["outcome"] for t in tests] == ["failed"] * 10
    assert data["stopped"] == ""
    assert data["exitstatus"] == 1

    data, tests = run_steps(suite, ["unreachable"] * 12, app_url, app_url)

    assert [t["outcome"] for t in tests] == ["failed"] * 10 + ["not_run"] * 2
    assert data["stopped"] == (
        "after 10 consecutive tests could not reach the app "
        "(the last: ConnectError: [Errno 111] Connection refused), "
        "though it still answers its health path"
    )


def test_an_answer_ends_a_streak_and_a_skip_leaves_it_as_it_is(suite, app_url):
    dead = f"http://127.0.0.1:{free_port()}"
    steps = ["unreachable"] * 4 + ["answered"] + ["unreachable"] * 3 + ["skipped"]
    steps += ["unreachable", "unreachable", "answered"]
    data, tests = run_steps(suite, steps, dead, app_url)

    assert [t["outcome"] for t in tests][-3:] == ["failed", "failed", "not_run"]
    assert tests[4]["outcome"] == "failed"  # answered 404: the app was there
    assert data["stopped"].startswith("after 5 consecutive tests could not reach the app")


def test_tests_at_their_time_limit_count_as_unreachable(suite, app_url):
    dead = f"http://127.0.0.1:{free_port()}"
    data, tests = run_steps(suite, ["hangs"] * 6, dead, app_url, "--grader-test-timeout=0.3")

    assert [t["outcome"] for t in tests] == ["failed"] * 5 + ["not_run"]
    assert "(the last: the test's 0.3 s passed)" in data["stopped"]


def test_without_the_option_nothing_stops(suite, app_url):
    dead = f"http://127.0.0.1:{free_port()}"
    suite.makepyfile(
        test_streak=STREAK.format(steps=["unreachable"] * 6, closed=free_port(), live=app_url)
    )
    report = suite.path / "report.json"
    suite.runpytest_subprocess(f"--base-url={dead}", f"--grader-report={report}")

    data, tests = read_report(report)
    assert data["stopped"] == ""
    assert [t["outcome"] for t in tests.values()] == ["failed"] * 6


def test_parametrised_tests_are_named_by_what_they_send() -> None:
    from grader.pytest_plugin import readable_parameter

    assert readable_parameter(["title", "isbn"]) == "title+isbn"
    assert readable_parameter({"title": "", "year": 3000}) == "title:+year:3000"
    assert readable_parameter("plain") is None, "pytest's own id is kept for scalars"
    assert readable_parameter("x" * 129) == "x*129"
    long = readable_parameter(["x" * 100])
    assert long is not None
    assert len(long) == 48
    assert long.endswith("…")
