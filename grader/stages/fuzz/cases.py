"""The fuzz stage's cases: generated once per task version, then replayed to every candidate.

Pure: plain values and their canonical JSON form. `fuzz_record` generates them from the task's
OpenAPI document; `fuzz_replay` sends them. Every candidate of a task version gets exactly the
requests this file lists, in its order, so their scores are comparable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

from grader.core.errors import TaskError

FORMAT = "grader-fuzz-cases/1"
Mode = Literal["positive", "negative"]
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Body:
    """A request body as sent: JSON (`value`) or raw bytes (`raw`), with its media type."""

    media_type: str
    value: Any = None
    raw: bytes | None = None

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.media_type.split(";")[0].strip().lower() == FORM_MEDIA_TYPE and isinstance(
            self.value, dict
        ):
            # a lone surrogate goes as the bytes a careless encoder would write
            pairs = [(str(k), form_text(v)) for k, v in self.value.items()]
            return urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode("ascii")
        # ASCII escapes keep lone surrogates and odd characters sendable, and the bytes stable
        return json.dumps(self.value, ensure_ascii=True, sort_keys=False).encode()


@dataclass(frozen=True)
class Link:
    """This case's path or query parameters come from an earlier case's answer."""

    source: str  # id of the case whose answer is read
    name: str  # the link's name in the spec
    status: int  # the source must have answered with this status
    parameters: tuple[tuple[str, str], ...]  # (parameter, runtime expression '$response.body#/id')


@dataclass(frozen=True)
class FuzzCase:
    id: str
    operation: str  # 'POST /authors', as the spec writes the path
    mode: Mode
    negative_in: tuple[str, ...]  # where the data breaks the spec: body, query, path, header
    path_parameters: dict[str, Any]
    query: dict[str, Any]
    headers: dict[str, str]
    body: Body | None = None
    link: Link | None = None
    battery: str = ""  # the bad-input class of a battery case (`fuzz.battery`), else ''

    @property
    def method(self) -> str:
        return self.operation.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.operation.split(" ", 1)[1]


@dataclass(frozen=True)
class Finding:
    check: str  # a schemathesis check, or one of this stage's own: ignored_auth, ...
    kind: str  # 'bug', 'deviation', or 'note' (reported, never counted)
    title: str
    detail: str = ""


@dataclass(frozen=True)
class CaseRun:
    """What one case was sent and what came back; `status` 0 when nothing came back."""

    case_id: str
    operation: str
    method: str
    url: str  # path and query, without the app's address
    headers: tuple[tuple[str, str], ...]  # as sent, the token replaced by $TOKEN
    body: bytes | None
    status: int
    answer: str  # the start of the body
    findings: tuple[Finding, ...] = ()
    skipped: str = ""  # why the case was not sent (a link whose source did not answer)
    battery: str = ""  # the bad-input class, for a battery case
    # a linked case: the request that made what it was sent to, and for each value the link
    # put in its path, the value as sent and the JSON pointer that read it from that answer
    made_by: CaseRun | None = None
    linked_values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CaseFile:
    """What `tasks/<id>/fuzz-cases.json` holds."""

    spec_sha256: str  # of the OpenAPI document the cases were generated from
    generator: str  # 'schemathesis 4.32.5'
    cases: tuple[FuzzCase, ...]
    # (operation, reason) for what could not be generated, such as a multipart body
    not_tested: tuple[tuple[str, str], ...] = ()

    def operations(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for case in self.cases:
            seen.setdefault(case.operation)
        return tuple(seen)


def requires_credentials(operation: dict[str, Any], document: dict[str, Any]) -> bool:
    """Whether the OpenAPI document secures an operation: every alternative of its `security`
    (or the document's) needs credentials; an empty alternative (`{}`) lets anyone in."""
    security = operation.get("security", document.get("security")) or []
    return bool(security) and all(bool(requirement) for requirement in security)


def form_text(value: Any) -> str:
    """A value as a form field carries it: JSON for objects and arrays, `true`/`false`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=True)
    return str(value)


def base_path(document: dict[str, Any]) -> str:
    """Where the document's paths live on the server: Swagger 2's `basePath`, or the path of
    OpenAPI 3's first `servers` URL (its variables at their defaults); '' for the root."""
    if "swagger" in document:
        path = document.get("basePath")
        path = path if isinstance(path, str) else ""
    else:
        servers = document.get("servers")
        first = servers[0] if isinstance(servers, list) and servers else None
        url = first.get("url") if isinstance(first, dict) else None
        if not isinstance(url, str):
            return ""
        variables = first.get("variables") if isinstance(first, dict) else None
        url = _with_defaults(url, variables if isinstance(variables, dict) else {})
        path = urlsplit(url if "://" in url or url.startswith("/") else f"/{url}").path
    path = "/" + path.strip("/")
    return "" if path == "/" else path


def _with_defaults(url: str, variables: dict[str, Any]) -> str:
    def default(found: re.Match[str]) -> str:
        variable = variables.get(found.group(1))
        value = variable.get("default") if isinstance(variable, dict) else None
        return str(value) if value is not None else ""

    return re.sub(r"\{([^{}]*)\}", default, url)


def spec_digest(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def dump_cases(cases: CaseFile) -> str:
    """Canonical JSON: the same cases always give the same bytes."""
    data = {
        "format": FORMAT,
        "spec_sha256": cases.spec_sha256,
        "generator": cases.generator,
        "cases": [case_to_json(case) for case in cases.cases],
    }
    if cases.not_tested:
        data["not_tested"] = [list(item) for item in cases.not_tested]
    return json.dumps(data, indent=1, ensure_ascii=True, sort_keys=True) + "\n"


def load_cases(text: str, source: str) -> CaseFile:
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
        cases = tuple(_case_from_json(item) for item in data["cases"])
        not_tested = tuple((str(op), str(why)) for op, why in data.get("not_tested", []))
        result = CaseFile(str(data["spec_sha256"]), str(data["generator"]), cases, not_tested)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise TaskError(f"{source}: not a valid fuzz case file: {error}") from None
    ids = [case.id for case in cases]
    if len(set(ids)) != len(ids):
        raise TaskError(f"{source}: case ids repeat")
    known: set[str] = set()
    for case in cases:
        if case.link is not None and case.link.source not in known:
            raise TaskError(f"{source}: case {case.id} follows {case.link.source}, not before it")
        known.add(case.id)
    return result


def case_to_json(case: FuzzCase) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": case.id,
        "operation": case.operation,
        "mode": case.mode,
        "negative_in": list(case.negative_in),
        "path_parameters": case.path_parameters,
        "query": case.query,
        "headers": case.headers,
    }
    if case.body is not None:
        body: dict[str, Any] = {"media_type": case.body.media_type}
        if case.body.raw is not None:
            body["base64"] = base64.b64encode(case.body.raw).decode()
        else:
            body["json"] = case.body.value
        data["body"] = body
    if case.battery:
        data["battery"] = case.battery
    if case.link is not None:
        data["link"] = {
            "source": case.link.source,
            "name": case.link.name,
            "status": case.link.status,
            "parameters": dict(case.link.parameters),
        }
    return data


def _case_from_json(data: dict[str, Any]) -> FuzzCase:
    body = None
    if "body" in data:
        raw = data["body"].get("base64")
        body = Body(
            media_type=str(data["body"]["media_type"]),
            value=data["body"].get("json"),
            raw=base64.b64decode(raw) if raw is not None else None,
        )
    link = None
    if "link" in data:
        link = Link(
            source=str(data["link"]["source"]),
            name=str(data["link"]["name"]),
            status=int(data["link"]["status"]),
            parameters=tuple(
                sorted((str(k), str(v)) for k, v in data["link"]["parameters"].items())
            ),
        )
    mode = data["mode"]
    if mode not in ("positive", "negative"):
        raise ValueError(f"case {data['id']}: mode {mode!r}")
    operation = str(data["operation"])
    if " /" not in operation:
        raise ValueError(f"case {data['id']}: operation {operation!r} is not 'METHOD /path'")
    return FuzzCase(
        id=str(data["id"]),
        operation=operation,
        mode=mode,
        negative_in=tuple(str(x) for x in data["negative_in"]),
        path_parameters=dict(data["path_parameters"]),
        query=dict(data["query"]),
        headers={str(k): str(v) for k, v in data["headers"].items()},
        body=body,
        link=link,
        battery=str(data.get("battery", "")),
    )
