"""The bad-input battery of `--spec`: every classic class reaches the planted 500 of a small
app of ours, every reported curl line reproduces its status (a NUL body through a file), what
cannot be generated is listed, and the order a document is written in changes no case."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import yaml

from grader.stages.fuzz.battery import battery
from grader.stages.fuzz.cases import Body
from grader.stages.fuzz.spec_task import CASES_FILE, spec_task
from tests.unit.loopback_app import serving
from tests.unit.test_spec_coverage import SCENARIOS, fuzz_scenario

BATTERY = SCENARIOS / "spec_battery"
PLANTED = {
    ("GET /users", "int-past-2^63"),
    ("GET /users", "wrong-type"),
    ("POST /users", "array-for-object"),
    ("POST /users", "null-for-object"),
    ("POST /users", "scalar-for-object"),
    ("POST /users", "deep-nesting"),
    ("POST /users", "not-json"),
    ("POST /users", "missing-field"),
    ("POST /users", "int-past-2^63"),
    ("POST /users", "lone-surrogate"),
    ("POST /users", "same-value-twice"),
    ("GET /users/{user_id}", "int-past-2^63"),
    ("GET /users/{user_id}", "unknown-id"),
    ("DELETE /users/{user_id}", "int-past-2^63"),
    ("DELETE /users/{user_id}", "unknown-id"),
    ("POST /messages", "wrong-type"),
}


def test_every_planted_class_is_found_as_a_bug_named_by_its_class(tmp_path: Path) -> None:
    fuzzed, log = fuzz_scenario("spec_battery", tmp_path)
    failures: list[dict[str, Any]] = log["failures"]  # type: ignore[assignment]
    found = {(f["operation"], f["battery"]) for f in failures if f["kind"] == "bug"}
    assert found >= PLANTED, PLANTED - found
    message = next(t.message for t in fuzzed.outcomes if t.id == "fuzz::bugs::POST /users")
    assert "bug: Server error [not_a_server_error] [lone-surrogate]" in message


def test_every_reported_curl_line_reproduces_its_status(tmp_path: Path) -> None:
    fuzzed, log = fuzz_scenario("spec_battery", tmp_path / "run")
    failures: list[dict[str, Any]] = log["failures"]  # type: ignore[assignment]
    bugs = [f for f in failures if f["kind"] == "bug" and f["battery"]]
    assert any(f["body_file"] for f in bugs)  # the NUL body goes through a file
    folder = tmp_path / "result"
    for relative, content in fuzzed.files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(content)
    with serving(BATTERY / "app.py") as url:  # a fresh app: a line brings the state it needs
        for failure in bugs:
            curl = failure["curl"].replace("curl -i", "curl -s -o /dev/null -w '%{http_code}'", 1)
            done = subprocess.run(
                ["bash", "-c", curl], cwd=folder, capture_output=True, text=True, timeout=30,
                env={**os.environ, "BASE_URL": url},
            )  # fmt: skip
            # the status of the last request (a case sent twice prints two)
            assert done.stdout[-3:] == str(failure["status"]), (failure["curl"], done.stdout)


def test_what_cannot_be_generated_is_listed_with_why(tmp_path: Path) -> None:
    fuzzed, log = fuzz_scenario("spec_battery", tmp_path)
    not_tested = [tuple(item) for item in log["not_tested"]]  # type: ignore[attr-defined]
    avatars = [why for operation, why in not_tested if operation == "POST /avatars"]
    assert any(why.startswith("multipart/form-data body") for why in avatars), not_tested
    assert "not tested: POST /avatars: multipart/form-data body" in fuzzed.summary
    assert "cases generated in" in fuzzed.summary


def reordered(source: Path, target: Path) -> Path:
    """The same API with its paths, properties and parameters written in reverse order."""

    def reverse(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: reverse(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reverse(v) for v in reversed(value)] if _all_parameters(value) else value
        return value

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    target.write_text(yaml.safe_dump(reverse(data), sort_keys=False), encoding="utf-8")
    return target


def _all_parameters(items: list[Any]) -> bool:
    return all(isinstance(i, dict) and "in" in i for i in items) or all(
        isinstance(i, str) for i in items
    )


def test_the_order_a_document_is_written_in_changes_no_case(tmp_path: Path) -> None:
    original = spec_task(str(BATTERY / "openapi.yaml"), tmp_path / "a", port=8000,
                         health_path=None, env={})  # fmt: skip
    again = spec_task(str(reordered(BATTERY / "openapi.yaml", tmp_path / "reversed.yaml")),
                      tmp_path / "b", port=8000, health_path=None, env={})  # fmt: skip
    first = (original.root / CASES_FILE).read_text(encoding="utf-8")
    second = (again.root / CASES_FILE).read_text(encoding="utf-8")
    assert first == second
    assert original.spec.version == again.spec.version  # the canonical copy is the same
    assert len(json.loads(first)["cases"]) > 50


def test_a_form_body_is_encoded_with_the_bytes_a_careless_encoder_writes() -> None:
    body = Body("application/x-www-form-urlencoded", value={"text": "\ud800", "n": 1, "ok": True})
    assert body.encoded() == b"text=%ED%A0%80&n=1&ok=true"


def test_form_bodies_are_generated_like_json_ones(tmp_path: Path) -> None:
    task = spec_task(str(BATTERY / "openapi.yaml"), tmp_path, port=8000, health_path=None,
                     env={})  # fmt: skip
    cases = json.loads((task.root / CASES_FILE).read_text(encoding="utf-8"))["cases"]
    forms = [c for c in cases if c["operation"] == "POST /messages"]
    media = {c["body"]["media_type"] for c in forms}
    assert media == {"application/x-www-form-urlencoded"}
    assert any(not c.get("battery") for c in forms)  # drawn by the generator
    assert {"wrong-type", "missing-field", "lone-surrogate", "nul-byte"} <= {
        c.get("battery") for c in forms
    }


def test_two_runs_give_the_same_cases_and_the_same_outcomes(tmp_path: Path) -> None:
    runs = [fuzz_scenario("spec_login", tmp_path / name) for name in ("one", "two")]
    (first, first_log), (second, second_log) = runs
    assert first.outcomes == second.outcomes

    def found(log: dict[str, Any]) -> list[tuple[str, str, str, int]]:
        failures: list[dict[str, Any]] = log["failures"]
        return [(f["operation"], f["kind"], f["battery"], f["status"]) for f in failures]

    assert found(first_log) == found(second_log)
    cases = [
        (tmp_path / name / "tasks" / "spec" / CASES_FILE).read_text() for name in ("one", "two")
    ]
    assert cases[0] == cases[1]


def test_extra_and_read_only_properties_are_sent_where_the_schema_names_them() -> None:
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/pets/{pet_id}": {
                "put": {
                    "parameters": [{"name": "pet_id", "in": "path", "schema": {"type": "string"}}],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "created": {"type": "string", "format": "date-time",
                                                    "readOnly": True},
                                    },
                                }
                            }
                        }
                    },
                }
            }
        },
    }  # fmt: skip
    made = battery(document, 1).cases
    by_class = {case.battery: case for case in made}
    assert by_class["extra-property"].body is not None
    assert by_class["extra-property"].body.value == {
        "name": "grader-name",
        "grader_extra": "grader",
    }
    assert by_class["documented-field"].body is not None
    assert by_class["documented-field"].body.value == {
        "created": "2024-01-02T03:04:05Z",
        "name": "grader-name",
    }
    assert "invalid-token" not in by_class  # nothing secures it
    wrong = by_class["read-only-wrong-type"]
    assert wrong.body is not None
    assert wrong.body.value == {"created": 12345, "name": "grader-name"}
    assert wrong.mode == "negative", "ignoring it and refusing it with a 4xx are both right"


def test_made_up_values_keep_to_the_schema_pattern() -> None:
    from grader.stages.fuzz.battery import valid_value

    schema = {"type": "string", "pattern": "^[a-zA-Z0-9-]+$"}
    assert valid_value(schema, {}, "pet_id") == "graderpetid"
    assert valid_value({"type": "string", "pattern": "^[0-9]+$"}, {}, "code") == "1"


def test_a_read_only_property_of_the_wrong_type_is_also_sent_to_what_a_create_just_made() -> None:
    todo = {
        "type": "object",
        "required": ["task"],
        "properties": {"id": {"type": "integer", "readOnly": True}, "task": {"type": "string"}},
    }
    body = {"content": {"application/json": {"schema": todo}}}
    document = {
        "openapi": "3.0.3",
        "paths": {
            "/todos": {"post": {"requestBody": body, "responses": {"201": {"description": "ok"}}}},
            "/todos/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "put": {"requestBody": body, "responses": {"200": {"description": "changed"}}},
            },
        },
    }  # fmt: skip
    made = battery(document, 1).cases
    linked = [c for c in made if c.battery == "read-only-wrong-type" and c.link is not None]
    assert len(linked) == 1
    [case] = linked
    create = next(c for c in made if c.id == case.link.source)
    assert (create.operation, case.operation) == ("POST /todos", "PUT /todos/{id}")
    assert case.link.parameters == (("path.id", "$response.body#/id"),)
    assert case.body is not None
    assert case.body.value == {"task": "grader-task", "id": "grader"}
