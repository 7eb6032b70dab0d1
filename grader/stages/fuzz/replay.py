"""Send the recorded fuzz cases to a running app and check each answer with schemathesis.

IO: the requests go through the same bounded client as the reference tests (a total deadline
per exchange, a cap on the body, no redirects), and every exchange also ends by the stage's
own deadline. The checks are schemathesis's own, run on the answer as data; `fuzz.verdict`
turns what they found into bugs, deviations and points.

The replay ends early when it can tell nothing more: at the stage's budget (or what is left of
the submission's), when a case gets no answer and the app is no longer running, when
`SILENT_STREAK` cases in a row got no answer at all and the app then fails to answer its
health path or a path it has no route for (`still_answers`), or when twice as many in a row
got none, whatever those answer. A case cut short by the deadline is dropped: the grader ended
it, not the app.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from grader.bounded_client import BoundedClient, still_answers, within
from grader.core.task import FuzzAuthSpec, FuzzSpec
from grader.stages.fuzz.cases import (
    CaseFile,
    CaseRun,
    Finding,
    FuzzCase,
    base_path,
    form_text,
    requires_credentials,
)
from grader.stages.fuzz.login import find_token, infer_login

RESPONSE_LIMIT = 2 * 1024 * 1024
USER_AGENT = "grader-fuzz"
SILENT_STREAK = 5  # cases in a row without any answer, then the app is asked if it still answers
# schemathesis check name -> what a failure of it is
CHECKS = {
    "not_a_server_error": "bug",
    "status_code_conformance": "deviation",
    "content_type_conformance": "deviation",
    "response_schema_conformance": "deviation",
}


@dataclass
class Replay:
    runs: list[CaseRun] = field(default_factory=list)
    secured: frozenset[str] = frozenset()  # operations the spec puts behind a login
    token_problem: str = ""  # the grader's own login did not give a token
    stopped: str = ""  # why the stage ended before the last case
    duration_s: float = 0.0
    base_path: str = ""  # the document's server path, put before every operation's path
    has_token: bool = False
    login: str = ""  # how the login the document shows went, when no auth was given


def replay(
    spec_path: Path,
    cases: CaseFile,
    fuzz: FuzzSpec,
    base_url: str,
    app_alive: Any = lambda: True,
    *,
    budget_s: float | None = None,
    health_path: str = "",
) -> Replay:
    """Every case in order, within the stage's budget (or `budget_s`, what is left of the
    submission's, when less); an app that is dead or silent ends it early."""
    import schemathesis

    schema = schemathesis.openapi.from_path(str(spec_path))
    operations = {f"{op.method.upper()} {op.path}": op for op in _operations(schema)}
    started = time.monotonic()
    result = Replay(
        secured=frozenset(label for label, op in operations.items() if _secured(op)),
        base_path=fuzz.base_path.rstrip("/")
        if fuzz.base_path is not None
        else base_path(schema.raw_schema),
    )
    answers: dict[str, tuple[int, Any, CaseRun | None]] = {}
    limit_s, ran_out = fuzz.budget_s, f"the stage's budget of {fuzz.budget_s:g} s ran out"
    if budget_s is not None and budget_s < limit_s:
        limit_s = max(0.0, budget_s)
        ran_out = (
            f"the submission's time budget ran out after {round(limit_s, 1):g} s of this stage"
        )
    client = BoundedClient(
        base_url=base_url,
        max_bytes=RESPONSE_LIMIT,
        total_s=fuzz.call_timeout_s * 2,
        timeout=httpx.Timeout(fuzz.call_timeout_s),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
        headers={"User-Agent": USER_AGENT},
    )
    auth, inferred = fuzz.auth, None
    if auth is None and fuzz.infer_login:
        inferred = infer_login(schema.raw_schema, uuid.uuid4().hex[:12])
        if inferred is not None:
            auth = FuzzAuthSpec.model_validate(
                {"steps": inferred.steps, "header": inferred.header, "scheme": inferred.scheme}
            )
    with client, within(limit_s) as deadline:
        token = None
        if auth is not None:
            token, problem = _log_in(client, auth, result.base_path, search=inferred is not None)
            if inferred is None:
                result.token_problem = problem
            elif token is not None:
                result.login = f"logged in as a new user: {inferred.describe()}"
            else:
                result.login = f"the document's login ({inferred.describe()}) failed: {problem}"
        result.has_token = token is not None
        silent, last_silence = 0, ""
        for case in cases.cases:
            if time.monotonic() >= deadline:
                result.stopped = ran_out
                break
            operation = operations.get(case.operation)
            if operation is None:
                result.stopped = f"the spec has no operation {case.operation}; re-record the cases"
                break
            secured = case.operation in result.secured
            runs = _run_case(
                client, operation, secured, case, fuzz, token, answers, result.base_path, auth
            )
            if time.monotonic() >= deadline:
                result.stopped = ran_out  # this case was cut by the deadline: not counted
                break
            result.runs.extend(runs)
            sent = [run for run in runs if not run.skipped]
            unanswered = [run for run in sent if run.status == 0]
            if unanswered and not app_alive():
                result.stopped = f"the app stopped answering at case {case.id}"
                break
            if sent and len(unanswered) == len(sent):
                silent += 1
                last_silence = unanswered[-1].findings[0].detail if unanswered[-1].findings else ""
            elif sent:
                silent = 0
            silence = (
                f"stopped after {silent} consecutive cases got no answer from the app "
                f"(the last, {case.id}: {last_silence})"
            )
            if silent >= 2 * SILENT_STREAK:
                result.stopped = f"{silence}, though it still answers its health path"
                break
            if silent == SILENT_STREAK:
                health = still_answers(client, health_path)
                if health:
                    result.stopped = f"{silence}, and {health}"
                    break
    result.duration_s = round(time.monotonic() - started, 3)
    return result


def under_base_path(path: str, prefix: str) -> str:
    """A login step's path as the document writes it, under the base path unless it is there."""
    if not prefix or path == prefix or path.startswith(prefix + "/"):
        return path
    return prefix + path


def _operations(schema: Any) -> list[Any]:
    return [item.ok() for item in schema.get_all_operations()]


def _log_in(
    client: httpx.Client, auth: FuzzAuthSpec, prefix: str, *, search: bool = False
) -> tuple[str | None, str]:
    """The token the steps end with; `search`: wherever a key naming a token holds one."""
    response = None
    try:
        for step in auth.steps:
            response = client.request(
                step.method,
                under_base_path(step.path, prefix),
                headers=step.headers or None,
                **({"data": step.form_body} if step.form_body is not None
                   else {"json": step.json_body}),
            )  # fmt: skip
        assert response is not None
        if not search and auth.token_pointer == "":
            whole = response.text.strip()
            value: Any = whole.strip('"') if response.is_success else None
        elif search:
            value = find_token(response.json())
        else:
            value = response.json()
            for part in auth.token_pointer.strip("/").split("/"):
                value = value[int(part)] if isinstance(value, list) else value[part]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as error:
        status = f" (last answer {response.status_code})" if response is not None else ""
        return None, f"could not log in as the task says{status}: {type(error).__name__}"
    if not isinstance(value, str) or not value:
        where = (
            "under a key that names a token"
            if search
            else f"at {auth.token_pointer or 'the whole body'}"
        )
        status = f" (answer {response.status_code})" if response is not None else ""
        return None, f"the login answer{status} has no token {where}"
    return value, ""


def _run_case(
    client: httpx.Client,
    operation: Any,
    secured: bool,
    case: FuzzCase,
    fuzz: FuzzSpec,
    token: str | None,
    answers: dict[str, tuple[int, Any, CaseRun | None]],
    prefix: str = "",
    auth: FuzzAuthSpec | None = None,
) -> list[CaseRun]:
    path_parameters, query = dict(case.path_parameters), dict(case.query)
    made_by, linked_values = None, []
    if case.link is not None:
        status, body, made_by = answers.get(case.link.source, (0, None, None))
        if status != case.link.status:
            return [_skipped(case, f"{case.link.source} answered {status}, not {case.link.status}")]
        for target, expression in case.link.parameters:
            value = _resolve(expression, body)
            if value is None:
                return [_skipped(case, f"{expression} is not in the answer of {case.link.source}")]
            location, name = target.split(".", 1)
            (path_parameters if location == "path" else query)[name] = value
            if location == "path":
                linked_values.append((quote(str(value), safe=""), expression))
    st_case = operation.Case(
        path_parameters=path_parameters,
        query=query,
        headers=dict(case.headers),
        **({"body": case.body.value if case.body.raw is None else case.body.raw,
            "media_type": case.body.media_type} if case.body is not None else {}),
    )  # fmt: skip
    base = str(client.base_url).rstrip("/") + prefix
    try:
        kwargs = st_case.as_transport_kwargs(base_url=base)
    except Exception:  # a battery body schemathesis cannot serialise: the bytes are ours anyway
        st_case = operation.Case(path_parameters=path_parameters, query=query,
                                 headers=dict(case.headers))  # fmt: skip
        kwargs = st_case.as_transport_kwargs(base_url=base)
        if case.body is not None:
            kwargs["headers"]["Content-Type"] = case.body.media_type
    headers = {
        k: v
        for k, v in kwargs["headers"].items()
        if k.lower() not in ("user-agent", "x-schemathesis-testcaseid", "connection")
    }
    sends_token = (
        token is not None
        and secured
        and case.battery != "invalid-token"  # its own false token is the point
        and ("header" not in case.negative_in or bool(case.battery))
        and case.operation not in (auth.keep_out if auth else ())
    )
    content = case.body.encoded() if case.body is not None else None
    params = _query_params(kwargs.get("params") or {})
    runs = []
    if sends_token and not case.battery:
        # the same request without the token first: a secured operation must refuse it
        # (sent first, so a DELETE that ignores the login still finds its resource)
        probe = client.build_request(kwargs["method"], kwargs["url"], params=params,
                                     headers=headers, content=content)  # fmt: skip
        runs.append(_send_probe(client, probe, case, tuple(headers.items()), content))
    shown = tuple(headers.items())
    if sends_token and auth is not None:
        headers[auth.header] = f"{auth.scheme} {token}".strip()
        shown += ((auth.header, f"{auth.scheme} $TOKEN".strip()),)
    request = client.build_request(kwargs["method"], kwargs["url"], params=params,
                                   headers=headers, content=content)  # fmt: skip
    target = request.url.raw_path.decode("ascii", "replace")
    response = _send(client, request)
    if isinstance(response, Finding):
        return [*runs, CaseRun(case.id, case.operation, request.method, target, shown, content,
                               0, "", (response,), battery=case.battery)]  # fmt: skip
    status = response.status_code
    findings = [
        finding
        for finding in _check(st_case, response)
        # a 5xx is one bug, not also a deviation; some statuses the task allows anywhere
        if finding.check == "not_a_server_error"
        or not (status >= 500 or (
            finding.check == "status_code_conformance" and status in fuzz.any_operation_statuses
        ))
    ]  # fmt: skip
    if (case.mode == "negative" or case.battery) and 400 <= status < 500:
        # refusing an invalid (or hostile: the battery) request is right, whatever 4xx the
        # document forgot to list
        findings = [
            replace(f, kind="note") if f.check == "status_code_conformance" else f for f in findings
        ]
    if secured and not sends_token and status in (401, 403):
        # refused without a token: correct, never a deviation (and nothing was explored)
        findings = [f for f in findings if f.kind == "bug"]
    if secured and not sends_token and 200 <= status < 300:
        findings.append(_ignored_auth(case, status))
    if case.negative_in == ("body",) and 200 <= status < 300:
        findings.append(
            Finding("negative_data_rejection", "deviation", "Invalid body accepted",
                    f"the body breaks the request schema, yet the answer was {status}, not 4xx")
        )  # fmt: skip
    if case.link is not None and case.method == "GET" and status == 404:
        findings.append(
            Finding("use_after_create", "bug", "Created resource not found",
                    f"{case.link.source} created it (link {case.link.name}), "
                    f"yet {case.operation} answered 404")
        )  # fmt: skip
    run = CaseRun(case.id, case.operation, request.method, target, shown, content, status,
                  response.text[:500], tuple(findings), battery=case.battery, made_by=made_by,
                  linked_values=tuple(linked_values))  # fmt: skip
    answers[case.id] = (status, _json_or_none(response), run)
    return [*runs, run]


def _send_probe(
    client: httpx.Client,
    request: httpx.Request,
    case: FuzzCase,
    headers: tuple[tuple[str, str], ...],
    content: bytes | None,
) -> CaseRun:
    case_id = f"{case.id}-without-token"
    target = request.url.raw_path.decode("ascii", "replace")
    response = _send(client, request)
    if isinstance(response, Finding):
        return CaseRun(case_id, case.operation, request.method, target, headers, content, 0, "",
                       (response,))  # fmt: skip
    status = response.status_code
    findings: list[Finding] = []
    if status >= 500:
        findings.append(Finding("not_a_server_error", "bug", "Server error",
                                f"{status} to a request without a token"))  # fmt: skip
    elif 200 <= status < 300:
        findings.append(_ignored_auth(case, status))
    return CaseRun(case_id, case.operation, request.method, target, headers, content, status,
                   response.text[:500], tuple(findings))  # fmt: skip


def _send(client: httpx.Client, request: httpx.Request) -> httpx.Response | Finding:
    """The answer; or, when none came (refused, cut, too slow, too large), that bug."""
    try:
        return client.send(request)
    except httpx.HTTPError as error:
        return Finding("not_a_server_error", "bug", "No answer", _describe_error(error))


def _ignored_auth(case: FuzzCase, status: int) -> Finding:
    return Finding(
        "ignored_auth",
        "bug",
        "Secured operation answered without credentials",
        f"{case.operation} requires a token; a request without a valid one got {status}, not 401",
    )


def _check(st_case: Any, response: httpx.Response) -> list[Finding]:
    from schemathesis import checks as st_checks
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.specs.openapi import checks as openapi_checks

    functions = [
        st_checks.not_a_server_error,
        openapi_checks.status_code_conformance,
        openapi_checks.content_type_conformance,
        openapi_checks.response_schema_conformance,
    ]
    try:
        st_case.validate_response(response, checks=functions)
    except FailureGroup as group:
        failures: list[Any] = list(group.exceptions)
    except Failure as single:
        failures = [single]
    else:
        return []
    found = []
    for failure in failures:
        check = next((c for c in type(failure).checks if c in CHECKS), "not_a_server_error")
        found.append(
            Finding(check, CHECKS[check], str(failure.title), str(failure.message or "").strip())
        )
    return found


def _secured(operation: Any) -> bool:
    return requires_credentials(operation.definition.raw, operation.schema.raw_schema)


def _query_params(params: dict[str, Any]) -> list[tuple[str, str | int | float | bool | None]]:
    pairs: list[tuple[str, str | int | float | bool | None]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((str(key), form_text(item)))
    return pairs


def _resolve(expression: str, body: Any) -> Any:
    """A `$response.body#/pointer` runtime expression, read from a JSON answer."""
    prefix = "$response.body#"
    if not expression.startswith(prefix):
        return None
    value = body
    for part in expression[len(prefix) :].strip("/").split("/"):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value if isinstance(value, str | int | float) else None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _describe_error(error: httpx.HTTPError) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _skipped(case: FuzzCase, why: str) -> CaseRun:
    return CaseRun(case.id, case.operation, case.method, "", (), None, 0, "", (), skipped=why)
