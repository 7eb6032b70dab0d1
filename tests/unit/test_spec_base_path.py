"""`--spec` sends every request under the document's base path: OpenAPI 3's first server URL
(with its variables' defaults) and Swagger 2's basePath; the curl lines carry it too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.stages.fuzz.cases import base_path
from grader.stages.fuzz.spec_task import spec_task
from grader.stages.fuzz.stage import load_fuzz_plan, run_fuzz
from tests.conftest import REPO
from tests.unit.loopback_app import serving

SCENARIO = REPO / "tests" / "scenarios" / "spec_base_path"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"openapi": "3.0.3", "servers": [{"url": "/api"}]}, "/api"),
        ({"openapi": "3.0.3", "servers": [{"url": "http://h:1/api/v1/"}]}, "/api/v1"),
        ({"openapi": "3.1.0", "servers": [{"url": "https://example.com"}]}, ""),
        ({"openapi": "3.0.3"}, ""),
        ({"openapi": "3.0.3", "servers": [{"url": "/"}]}, ""),
        (
            {
                "openapi": "3.0.3",
                "servers": [{"url": "/{base}/v2", "variables": {"base": {"default": "x"}}}],
            },
            "/x/v2",
        ),
        ({"swagger": "2.0", "basePath": "/api/v1"}, "/api/v1"),
        ({"swagger": "2.0"}, ""),
        ({"swagger": "2.0", "basePath": 3}, ""),
    ],
)
def test_the_base_path_of_a_document(document: dict[str, object], expected: str) -> None:
    assert base_path(document) == expected


@pytest.mark.parametrize("document", ["openapi.yaml", "swagger.yaml"])
def test_every_request_and_curl_line_is_under_the_base_path(document: str, tmp_path: Path) -> None:
    task = spec_task(str(SCENARIO / document), tmp_path, port=8000, health_path=None, env={})
    plan = load_fuzz_plan(task)
    assert plan is not None
    with serving(SCENARIO / "app.py") as url:
        fuzzed = run_fuzz(plan, url, 8000, lambda: True, tmp_path)
    log = json.loads(fuzzed.log)
    sent = [case["sent"].split(" ", 1)[1] for case in log["cases"]]
    assert sent
    assert all(path.startswith("/api/v1/") for path in sent), sent
    statuses = {case["status"] for case in log["cases"] if case["operation"] == "GET /items"}
    assert statuses == {200}
    assert "base path /api/v1" in fuzzed.summary
    for failure in log["failures"]:
        assert "/api/v1/" in failure["curl"]
