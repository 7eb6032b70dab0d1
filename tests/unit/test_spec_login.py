"""Logins in `--spec`: an auth file (the shape of a task's [fuzz.auth], JSON or form steps),
and, with none, the register-then-log-in the document shows, with a user made up each run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from grader.core.errors import TaskError
from grader.core.result import Outcome
from grader.stages.fuzz.login import find_token, infer_login
from grader.stages.fuzz.spec_task import read_auth_file
from tests.unit.test_spec_coverage import SCENARIOS, fuzz_scenario

LOGIN = SCENARIOS / "spec_login"


def document() -> dict[str, Any]:
    loaded = yaml.safe_load((LOGIN / "openapi.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_the_document_shows_a_register_and_a_login() -> None:
    login = infer_login(document(), "abc")
    assert login is not None
    assert login.describe() == "POST /auth/register, then POST /auth/login"
    register, log_in = login.steps
    assert register.json_body == {"username": "graderabc", "password": "Grader-abc-pw1!"}
    assert log_in.json_body == register.json_body
    assert (login.header, login.scheme) == ("Authorization", "Bearer")


def test_no_register_operation_no_inferred_login() -> None:
    data = document()
    del data["paths"]["/auth/register"]
    assert infer_login(data, "abc") is None


def test_swagger_form_parameters_and_an_api_key_header() -> None:
    data = {
        "swagger": "2.0",
        "securityDefinitions": {"key": {"type": "apiKey", "in": "header", "name": "X-Token"}},
        "paths": {
            "/signup": {
                "post": {
                    "parameters": [
                        {"in": "formData", "name": "email", "type": "string", "required": True},
                        {"in": "formData", "name": "password", "type": "string"},
                    ]
                }
            },
            "/token": {
                "post": {
                    "parameters": [
                        {"in": "body", "name": "b", "schema": {"$ref": "#/definitions/Login"}}
                    ]
                }
            },
        },
        "definitions": {
            "Login": {"type": "object", "properties": {"user": {"$ref": "#/definitions/Cred"}}},
            "Cred": {"properties": {"email": {"type": "string"}, "password": {}}},
        },
    }
    login = infer_login(data, "x1")
    assert login is not None
    assert login.steps[0].form_body == {
        "email": "grader-x1@example.com",
        "password": "Grader-x1-pw1!",
    }
    assert login.steps[1].json_body == {
        "user": {"email": "grader-x1@example.com", "password": "Grader-x1-pw1!"}
    }
    assert (login.header, login.scheme) == ("X-Token", "")


def test_the_token_is_found_under_a_key_that_names_one() -> None:
    assert find_token({"user": {"email": "a", "token": "t1"}}) == "t1"
    assert find_token({"access_token": "t2", "token": "t3"}) == "t2"
    assert find_token({"token": ""}) is None
    assert find_token(["t"]) is None


def test_an_auth_file_is_checked_and_its_mistakes_named(tmp_path: Path) -> None:
    good = tmp_path / "auth.toml"
    good.write_text(
        '[[steps]]\npath = "/login"\nform = {user = "a", password = "b"}\n', encoding="utf-8"
    )
    assert read_auth_file(good)["steps"][0]["form"] == {"user": "a", "password": "b"}
    bad = tmp_path / "bad.toml"
    bad.write_text('token_pointer = "token"\n', encoding="utf-8")
    with pytest.raises(TaskError, match=r"--auth .*bad.toml: steps: Field required"):
        read_auth_file(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("steps = [", encoding="utf-8")
    with pytest.raises(TaskError, match="not TOML"):
        read_auth_file(broken)


@pytest.mark.parametrize("auth", [True, False], ids=["auth-file", "zero-config"])
def test_behind_the_login_every_operation_is_reached(auth: bool, tmp_path: Path) -> None:
    options = {"auth": LOGIN / "auth.toml"} if auth else {}
    fuzzed, log = fuzz_scenario("spec_login", tmp_path, **options)
    assert fuzzed.inconclusive == ""
    coverage = log["coverage"]
    assert isinstance(coverage, dict)
    assert "GET /notes" in coverage["reached_2xx"]
    assert "GET /notes/{note_id}" in coverage["reached_2xx"]  # a note POST /notes made
    assert coverage["not_explored_without_login"] == []
    assert ("logged in as a new user" in fuzzed.summary) is not auth
    outcomes = {t.id: t.outcome for t in fuzzed.outcomes}
    assert outcomes["fuzz::contract::GET /notes"] is Outcome.PASSED


def test_a_token_that_is_not_one_is_sent_to_every_secured_operation(tmp_path: Path) -> None:
    _, log = fuzz_scenario("spec_login", tmp_path, auth=LOGIN / "auth.toml")
    failures: list[dict[str, Any]] = log["failures"]  # type: ignore[assignment]
    invalid = {f["operation"] for f in failures if f["battery"] == "invalid-token"}
    assert invalid == {"GET /notes", "POST /notes", "GET /notes/{note_id}"}
    assert all(
        "Bearer grader.not-a-valid.token" in f["curl"]
        for f in failures
        if f["battery"] == "invalid-token"
    )


def test_a_login_step_carries_headers_and_a_token_may_be_the_whole_body() -> None:
    import httpx

    from grader.core.task import FuzzAuthSpec
    from grader.stages.fuzz.replay import _log_in

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="eyJ.plain.token\n")

    auth = FuzzAuthSpec.model_validate(
        {
            "steps": [{"method": "GET", "path": "/auth/12", "headers": {"X-Basic": "yes"}}],
            "token_pointer": "",
        }
    )
    with httpx.Client(transport=httpx.MockTransport(answer), base_url="http://app") as client:
        assert _log_in(client, auth, "/openapi") == ("eyJ.plain.token", "")
    assert seen[0].url.path == "/openapi/auth/12"
    assert seen[0].headers["X-Basic"] == "yes"
