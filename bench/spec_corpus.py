"""Measure `grader grade APP --spec DOC` on the corpus of public Flask APIs in bench/spec_corpus/.

Each app folder holds the app as its authors published it (SOURCE.toml says where from), and a
BUGS.toml written by hand BEFORE the grader ever ran on it: the bad-input 5xx classes found with
curl, and what a user must pass (document, base path, auth file, start command, environment).

For every app this script:

1. grades it with nothing but `--spec` (does a zero-config start work?), unless the BUGS.toml
   says it needs no flags, in which case the full run below answers that too;
2. grades it again with whatever BUGS.toml says it needs, for the flags the CLI has;
3. sorts each reported 5xx into a bug class from its request (the curl line it reports) and
   matches it to the hand-found classes: recall, and bugs nobody wrote down;
4. counts the unfair deviations (401/403 held against an app, 4xx answers to invalid input);
5. starts the image the grader built (kept with --keep-images) and sends every reported curl line
   again: does it reproduce its status?

It prints a table and appends the figures to bench/spec_corpus/RESULTS.md with the date, the
machine and the grader commit. Run from the repository root:

    .venv/bin/python bench/spec_corpus.py --label baseline [--apps restx-todo,realworld]
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "spec_corpus"
APPS = CORPUS / "apps"
RESULTS_MD = CORPUS / "RESULTS.md"
PORT = 8000
ADDRESS_FORMAT = "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}"
BIG = 2**63
# Which class explains a 5xx when one request carries several bad inputs: the one the app meets
# first (the body is decoded before it is validated, validated before it is stored).
PRECEDENCE = (
    "not-json",
    "nul-byte",
    "deep-nesting",
    "non-object-body",
    "lone-surrogate",
    "big-int",
    "missing-field",
    "wrong-type",
    "extra-property",
    "invalid-token",
    "duplicate-unique",
    "unknown-id",
    "valid-input",
)
# A hand-found class that a well-formed request triggers is credited by a 5xx to valid input.
SAME_CLASS = {"documented-field": "valid-input"}
# What the document forbids: refusing it with any 4xx is right (an unknown id with a 404, a
# token that is not one with a 401/403).
INVALID = {"missing-field", "wrong-type", "non-object-body", "deep-nesting"}
NEGATIVE_LABELS = {"not-json"}
# The grader's own names for the classes of its bad-input battery (a failure's `battery`).
ENGINE_CLASS = {
    "int-past-2^63": "big-int",
    "array-for-object": "non-object-body",
    "null-for-object": "non-object-body",
    "scalar-for-object": "non-object-body",
    "same-value-twice": "duplicate-unique",
    "documented-field": "valid-input",
    "read-only-wrong-type": "wrong-type",
}


@dataclass(frozen=True)
class HandBug:
    id: str
    bug_class: str
    operations: tuple[str, ...]
    request: str


@dataclass(frozen=True)
class AppConfig:
    name: str
    folder: Path
    spec: str
    base_path: str
    health_path: str
    auth: Path | None
    env: dict[str, str]
    start: str
    zero_config_flags: int
    bugs: tuple[HandBug, ...]


@dataclass
class Reported:
    operation: str
    check: str
    status: str
    curl: str
    battery: str = ""  # the grader's own class for a battery case
    classes: tuple[str, ...] = ()
    by_label_only: str = ""  # a class only the grader's label shows (a repeated create)
    chosen: str = ""
    matches: str = ""  # the hand-found id it matches, or ""
    replayed: str = ""  # the status the curl line gave again, or why it could not be sent


@dataclass
class AppFigures:
    name: str
    zero_config: str = ""
    status: str = ""
    percent: float | None = None
    summary: str = ""
    coverage: dict[str, Any] = field(default_factory=dict)
    hand_classes: int = 0
    found: list[str] = field(default_factory=list)
    reported: list[Reported] = field(default_factory=list)
    deviations: int = 0
    unfair: list[str] = field(default_factory=list)
    false_100: bool = False
    run_dir: str = ""
    error: str = ""
    hand_replayed: dict[str, str] = field(default_factory=dict)  # hand-found id -> status
    document: dict[str, Any] | None = None  # what the 5xx were sorted against
    refusals: list[Reported] = field(default_factory=list)  # deviations: an undocumented 4xx


# ---------------------------------------------------------------- corpus


def load_app(folder: Path) -> AppConfig:
    data = tomllib.loads((folder / "BUGS.toml").read_text())
    app = data["app"]
    bugs = tuple(
        HandBug(b["id"], b["class"], tuple(b.get("operations") or [b["operation"]]), b["request"])
        for b in data.get("bug", [])
    )
    return AppConfig(
        name=folder.name,
        folder=folder,
        spec=app["spec"],
        base_path=app.get("base_path", ""),
        health_path=app.get("health_path", ""),
        auth=folder / app["auth"] if app.get("auth") else None,
        env=dict(app.get("env", {})),
        start=app.get("start", ""),
        zero_config_flags=int(app.get("zero_config_flags", 0)),
        bugs=bugs,
    )


def spec_argument(app: AppConfig) -> str:
    return app.spec if app.spec.startswith("/") else str(app.folder / app.spec)


def normalise(operation: str, base_path: str) -> str:
    method, _, path = operation.partition(" ")
    base = base_path.rstrip("/")
    if base and path.startswith(base + "/"):
        path = path[len(base) :]
    path = re.sub(r"\{[^}]*\}", "{}", path)
    return f"{method.upper()} {path}"


# ---------------------------------------------------------------- grading


def cli_options(grader: Path) -> set[str]:
    text = subprocess.run(
        [str(grader), "grade", "--help"], capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"(--[a-z][a-z-]+)", text))


def grade(
    grader: Path, app: AppConfig, run_id: str, out: Path, options: set[str], *, full: bool
) -> tuple[Path, str]:
    args = [str(grader), "grade", str(app.folder), "--spec", spec_argument(app)]
    args += ["--out", str(out), "--run-id", run_id]
    if full:
        args.append("--keep-images")
        if app.auth and "--auth" in options:
            args += ["--auth", str(app.auth)]
        if app.start and "--start" in options:
            args += ["--start", app.start]
        for key, value in app.env.items():
            if "--env" in options:
                args += ["--env", f"{key}={value}"]
        if app.health_path and "--health-path" in options:
            args += ["--health-path", app.health_path]
        if app.base_path and "--base-path" in options:
            args += ["--base-path", app.base_path]
    done = subprocess.run(args, capture_output=True, text=True, timeout=1800)
    return out / run_id / app.name, " ".join(shlex.quote(a) for a in args[1:]) + (
        f"  [exit {done.returncode}]"
    )


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- classifying a reported 5xx


@dataclass(frozen=True)
class SentRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


def parse_curl(line: str, folder: Path) -> SentRequest | None:
    """The arguments bash would hand curl (so $'...' quoting is read as bash reads it), for
    the line's last curl: a line that first makes what the case was sent to runs two. The
    stand-in curl answers `{"id": 1}`, which such a line reads its id from."""
    dump = (
        'curl() { echo "-" >&3; for a in "$@"; do printf \'%s\' "$a" | base64 -w0 >&3;'
        " echo >&3; done; echo '{\"id\": 1}'; }\nexec 3>&1 1>/dev/null\n"
    )
    done = subprocess.run(
        ["bash", "-c", dump + line],
        capture_output=True,
        env={"PATH": os.environ["PATH"], "BASE_URL": "http://h", "TOKEN": "$TOKEN"},
        timeout=20,
        cwd=folder,
    )
    last = done.stdout.rsplit(b"-\n", 1)[-1]
    argv = [base64.b64decode(a) for a in last.split(b"\n") if a]
    if not argv:
        return None
    method, headers, body, url = "GET", {}, None, ""
    i = 0
    while i < len(argv):
        arg = argv[i].decode("utf-8", "surrogateescape")
        if arg == "-X":
            method = argv[i + 1].decode()
            i += 1
        elif arg == "-H":
            name, _, value = argv[i + 1].decode("utf-8", "surrogateescape").partition(":")
            headers[name.strip().lower()] = value.strip()
            i += 1
        elif arg in ("--data-binary", "-d", "--data"):
            raw = argv[i + 1]
            body = (folder / raw[1:].decode()).read_bytes() if raw.startswith(b"@") else raw
            i += 1
        elif not arg.startswith("-"):
            url = arg
        i += 1
    return SentRequest(method, url, headers, body)


def _depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})"
    r"\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")
PERCENT_SURROGATE = re.compile(r"%ED%[AB][0-9A-F]%[89AB][0-9A-F]", re.IGNORECASE)
BIG_NUMBER = re.compile(r"(?<![\w.])-?\d{19,}(?![\w.])")


def _big_int_in(text: str) -> bool:
    return any(abs(int(m)) >= BIG for m in BIG_NUMBER.findall(text))


def classify(sent: SentRequest, schema: dict[str, Any] | None, operation: str) -> tuple[str, ...]:
    """Every bug class this request carries, in the order of PRECEDENCE."""
    found: set[str] = set()
    path_and_query = sent.url.split("://", 1)[-1].partition("/")[2]
    text = sent.body.decode("utf-8", "surrogateescape") if sent.body is not None else ""
    if sent.body is not None and _depth(text) > 100:
        found.add("deep-nesting")
    if b"\x00" in (sent.body or b"") or "\\u0000" in text or "%00" in path_and_query:
        found.add("nul-byte")
    json_body = "json" in sent.headers.get("content-type", "")
    if json_body and sent.body is not None and not _decodes(sent.body):
        found.add("not-json")
    if (
        LONE_SURROGATE.search(text)
        or SURROGATE_BYTES.search(sent.body or b"")
        or PERCENT_SURROGATE.search(path_and_query)
        or any(LONE_SURROGATE.search(v) for v in sent.headers.values())
    ):
        found.add("lone-surrogate")
    if _big_int_in(path_and_query) or (sent.body is not None and _big_int_in(text)):
        found.add("big-int")
    auth = sent.headers.get("authorization", "")
    if auth and "$TOKEN" not in auth and not _looks_issued(auth):
        found.add("invalid-token")
    if sent.body is not None and "deep-nesting" not in found:
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            pass  # not JSON: a form or a broken body, sorted by what else it carries
        else:
            if not isinstance(document, dict) and _wants_object(schema):
                found.add("non-object-body")
            elif isinstance(document, dict) and schema:
                found |= _schema_classes(document, schema)
    if sent.body is None and "{" in operation:
        found.add("unknown-id")  # an id past 2^63 is an unknown id too
    if not found:
        found.add("valid-input")
    return tuple(c for c in PRECEDENCE if c in found)


def _decodes(body: bytes) -> bool:
    try:
        json.loads(body.decode("utf-8", "surrogatepass"))  # a surrogate's bytes are that class
    except RecursionError:
        return True  # JSON, only deep
    except ValueError:
        return False
    return True


def _looks_issued(header: str) -> bool:
    """A JWT whose header reads as JSON with an algorithm (what a login of these apps issues)."""
    token = header.split()[-1] if header.split() else ""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        head = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(head, dict) and "alg" in head


def _wants_object(schema: dict[str, Any] | None) -> bool:
    return schema is None or schema.get("type") in (None, "object") or "properties" in schema


def _schema_classes(body: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    properties = schema.get("properties") or {}
    if any(name not in body for name in schema.get("required", [])):
        found.add("missing-field")
    if properties and any(name not in properties for name in body):
        found.add("extra-property")
    for name, value in body.items():
        sub = properties.get(name)
        if not isinstance(sub, dict):
            continue
        kind = sub.get("type")
        if kind and not _is_type(value, kind):
            found.add("non-object-body" if kind == "object" else "wrong-type")
        elif (kind == "object" or "properties" in sub) and isinstance(value, dict):
            found |= _schema_classes(value, sub)
    return found


def _is_type(value: Any, kind: Any) -> bool:
    kinds = kind if isinstance(kind, list) else [kind]
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "null": lambda v: v is None,
    }
    return any(checks.get(k, lambda v: True)(value) for k in kinds)


# ---------------------------------------------------------------- the document


def load_document(app: AppConfig, base_url: str | None) -> dict[str, Any] | None:
    if not app.spec.startswith("/"):
        loaded = yaml.safe_load((app.folder / app.spec).read_text())
        return loaded if isinstance(loaded, dict) else None
    if base_url is None:
        return None
    with contextlib.suppress(httpx.HTTPError, ValueError):
        return httpx.get(base_url + app.spec, timeout=10).json()  # type: ignore[no-any-return]
    return None


def body_schema(document: dict[str, Any] | None, operation: str) -> dict[str, Any] | None:
    if not document:
        return None
    method, _, wanted = normalise(operation, "").partition(" ")
    for path, item in (document.get("paths") or {}).items():
        if normalise(f"{method} {path}", "").partition(" ")[2] != wanted:
            continue
        op = item.get(method.lower()) or {}
        schema = None
        content = ((op.get("requestBody") or {}).get("content")) or {}
        ref_body = op.get("requestBody", {}).get("$ref") if op.get("requestBody") else None
        if ref_body:
            content = (_resolve(document, ref_body) or {}).get("content") or {}
        for media in ("application/json", *content):
            if media in content:
                schema = content[media].get("schema")
                break
        for param in op.get("parameters") or []:
            param = _resolve(document, param["$ref"]) if "$ref" in param else param
            if param.get("in") == "body":
                schema = param.get("schema")
        return _inline(document, schema, 0) if schema else None
    return None


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _inline(document: dict[str, Any], schema: Any, depth: int) -> Any:
    if depth > 8 or not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _inline(document, _resolve(document, schema["$ref"]), depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = _inline(document, part, depth + 1) or {}
            merged["properties"].update(part.get("properties") or {})
            merged["required"] += part.get("required") or []
        return merged
    out = dict(schema)
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {
            k: _inline(document, v, depth + 1) for k, v in schema["properties"].items()
        }
    return out


# ---------------------------------------------------------------- replaying the curl lines


@contextlib.contextmanager
def started_image(app: AppConfig, run_id: str) -> Iterator[str | None]:
    """The image the grader built for this run, running on a loopback port: its base URL."""
    image = subprocess.run(
        ["docker", "images", "-q", "--filter", f"label=io.grader.run={run_id}"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if not image:
        yield None
        return
    network = f"w-spec-replay-{os.getpid()}"
    subprocess.run(["docker", "network", "create", network], capture_output=True)
    args = ["docker", "run", "-d", "--network", network]
    for key, value in app.env.items():
        args += ["-e", f"{key}={value}"]
    args.append(image[0])
    if app.start:
        args += shlex.split(app.start)
    container = subprocess.run(args, capture_output=True, text=True).stdout.strip()
    try:
        address = subprocess.run(
            ["docker", "inspect", "-f", ADDRESS_FORMAT, container],
            capture_output=True,
            text=True,
        ).stdout.strip()
        base = f"http://{address}:{PORT}" if container and address else None
        if base and not _ready(base + (app.health_path or "/")):
            base = None
        yield base
    finally:
        if container:
            subprocess.run(["docker", "rm", "-f", container], capture_output=True)
        subprocess.run(["docker", "network", "rm", network], capture_output=True)
        for tag in set(image):
            subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


def _ready(url: str) -> bool:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=3).status_code < 500:
                return True
        time.sleep(1)
    return False


def fresh_token(app: AppConfig, base_url: str) -> str:
    if app.auth is None:
        return ""
    auth = tomllib.loads(app.auth.read_text())
    answer: httpx.Response | None = None
    for step in auth["steps"]:
        answer = httpx.request(
            step.get("method", "POST"),
            base_url + app.base_path.rstrip("/") + step["path"],
            json=step.get("json"),
            headers=step.get("headers"),
            timeout=10,
        )
    if answer is None:
        return ""
    pointer = auth.get("token_pointer", "/access_token")
    if not pointer:
        token = answer.text.strip()
    else:
        node: Any = answer.json()
        for part in pointer.lstrip("/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        token = str(node or "")
    scheme = auth.get("scheme", "Bearer")
    return f"{scheme} {token}".strip()


def replay(curl: str, base_url: str, authorization: str, folder: Path, *, twice: bool) -> str:
    """The status the reported curl line answers now (the second time, for a repeated create),
    sent from the result folder as its body files are named from there. A line that sends
    the login's token says "$TOKEN"; a token made up to fail is sent as it is."""
    flags = "-s -o /dev/null -w '%{http_code}\\n' --max-time 30"
    loop = re.fullmatch(r"(.*for _ in 1 2; do .*); done", curl)  # a line that sends it twice
    command = f"{loop.group(1)} {flags}; done" if loop else f"{curl} {flags}"
    if twice and not loop:
        command = f"{command}\n{command}"
    token = authorization.split()[-1] if authorization else ""
    with contextlib.suppress(subprocess.TimeoutExpired):
        done = subprocess.run(
            ["bash", "-c", command],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=folder,
            env={**os.environ, "BASE_URL": base_url, "TOKEN": token},
        )
        answers = done.stdout.split()
        return answers[-1] if answers else "no answer"
    return "timeout"


def replay_hand(request: str, base_url: str, authorization: str) -> str:
    """The status the last curl of a hand-written request line answers on this instance."""
    wrapper = "curl() { command curl \"$@\" -s -o /dev/null -w '%{http_code}\\n' --max-time 30; }\n"
    line = request.replace("http://127.0.0.1:8000", base_url)
    token = authorization.split()[-1] if authorization else ""
    with tempfile.TemporaryDirectory() as folder, contextlib.suppress(subprocess.TimeoutExpired):
        done = subprocess.run(
            ["bash", "-c", wrapper + line],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=folder,
            env={**os.environ, "TOKEN": token},
        )
        lines = done.stdout.split()
        return lines[-1] if lines else "no answer"
    return "timeout"


# ---------------------------------------------------------------- one app


def measure(app: AppConfig, grader: Path, label: str, out: Path, options: set[str]) -> AppFigures:
    figures = AppFigures(app.name, hand_classes=len(app.bugs))
    needs_flags = app.zero_config_flags > 0 or app.auth is not None
    if needs_flags:
        zero_dir, _ = grade(
            grader, app, f"w-spec-{label}-{app.name}-zero", out, options, full=False
        )
        figures.zero_config = zero_config_verdict(read_json(zero_dir / "result.json"))
    run_id = f"w-spec-{label}-{app.name}"
    run_dir, command = grade(grader, app, run_id, out, options, full=True)
    result = read_json(run_dir / "result.json")
    if result is None and app.auth is not None and "--auth" in options:
        figures.error = "the auth file was refused; graded without it"
        run_id += "-noauth"
        run_dir, command = grade(grader, app, run_id, out, options - {"--auth"}, full=True)
        result = read_json(run_dir / "result.json")
    figures.run_dir = str(run_dir)
    fuzz = read_json(run_dir / "logs" / "fuzz.log") or {}
    if result is None:
        figures.error = f"no result.json ({command})"
        return figures
    status_note = f" [{figures.error}]" if figures.error else ""
    figures.error = ""
    if not needs_flags:
        figures.zero_config = zero_config_verdict(result)
    figures.status = result.get("status", "") + status_note
    figures.percent = (result.get("score") or {}).get("percent")
    figures.summary = fuzz.get("summary", "") or result.get("message", "")
    figures.coverage = fuzz.get("coverage") or {}
    failures = fuzz.get("failures") or []
    operations = figures.coverage.get("operations") or 0
    reached = len(figures.coverage.get("reached_2xx") or [])
    figures.false_100 = figures.percent == 100 and operations > 0 and reached * 2 < operations
    no_token = app.auth is None or "--auth" not in options or run_id.endswith("-noauth")
    read_failures(figures, failures, no_token=no_token)
    with started_image(app, run_id) as base_url:
        document = load_document(app, base_url)
        authorization = ""
        with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):
            authorization = fresh_token(app, base_url) if base_url else ""
        figures.document = document
        sort_reported(app, figures, run_dir)
        for bug in figures.reported:
            if base_url is None:
                bug.replayed = "not replayed (image did not start)"
            elif bug.status.startswith("5"):
                twice = bug.chosen == "duplicate-unique"
                bug.replayed = replay(bug.curl, base_url, authorization, run_dir, twice=twice)
            else:
                bug.replayed = "not replayed (no status: a hang or a crash)"
        if base_url is not None:  # after the reported ones: B2 of restx-todomvc poisons GET
            figures.hand_replayed = {
                hand.id: replay_hand(hand.request, base_url, authorization) for hand in app.bugs
            }
    return figures


def read_failures(figures: AppFigures, failures: list[Any], *, no_token: bool) -> None:
    """The reported 5xx, and the deviations that may be unfair: a 401/403 held against an
    app that was given no token, an undocumented 4xx (sorted with the 5xx: unfair when what it
    refused was invalid)."""
    figures.reported, figures.refusals, figures.unfair, figures.deviations = [], [], [], 0
    for failure in failures:
        status = str(failure.get("status", ""))
        entry = Reported(
            failure["operation"],
            failure.get("check", ""),
            status,
            failure.get("curl", ""),
            battery=failure.get("battery", ""),
        )
        if failure.get("kind") == "bug":
            figures.reported.append(entry)
        elif failure.get("kind") == "deviation":
            figures.deviations += 1
            if status in ("401", "403") and no_token:
                figures.unfair.append(f"{entry.operation}: {status} without a token")
            elif status.startswith("4") and entry.check == "status_code_conformance":
                figures.refusals.append(entry)


def sort_reported(app: AppConfig, figures: AppFigures, run_dir: Path) -> None:
    """Sort each reported 5xx into classes from its request and match it to the hand list.
    The grader's own label adds a class only where one request cannot show it (a create
    repeated), and that is said (`by_label_only`)."""
    for bug in figures.reported:
        sent = parse_curl(bug.curl, run_dir) if bug.curl else None
        schema = body_schema(figures.document, bug.operation)
        bug.classes = classify(sent, schema, bug.operation) if sent else ()
        label = ENGINE_CLASS.get(bug.battery, bug.battery)
        if label == "duplicate-unique" and label not in bug.classes:
            bug.classes = (label, *bug.classes)
            bug.by_label_only = label
        bug.chosen = bug.classes[0] if bug.classes else ""
        bug.matches = match(app, bug) if bug.status.startswith("5") else ""
    figures.found = sorted({b.matches for b in figures.reported if b.matches})
    for refusal in figures.refusals:
        sent = parse_curl(refusal.curl, run_dir) if refusal.curl else None
        schema = body_schema(figures.document, refusal.operation)
        refusal.classes = classify(sent, schema, refusal.operation) if sent else ()
        label = ENGINE_CLASS.get(refusal.battery, refusal.battery)
        carried = {*refusal.classes, label}
        invalid = carried & (INVALID | NEGATIVE_LABELS)
        if refusal.status == "404":
            invalid |= carried & {"unknown-id"}
        if refusal.status in ("401", "403"):
            invalid |= carried & {"invalid-token"}
        line = f"{refusal.operation}: undocumented {refusal.status} to {', '.join(sorted(invalid))}"
        if invalid and line not in figures.unfair:
            figures.unfair.append(line)


def zero_config_verdict(result: Any) -> str:
    if result is None:
        return "no result"
    failed = [s["name"] for s in result.get("stages", []) if s.get("status") not in ("ok",)]
    status = result.get("status", "")
    if status in ("graded", "inconclusive"):
        return f"started ({status})"
    return f"did not start: {status} ({', '.join(failed) or result.get('message', '')[:80]})"


def match(app: AppConfig, bug: Reported) -> str:
    """The hand-found class of this operation that the request carries, the first one the app
    meets when it carries several (PRECEDENCE)."""
    operation = normalise(bug.operation, app.base_path)
    here = [h for h in app.bugs if operation in {normalise(o, app.base_path) for o in h.operations}]
    for candidate in bug.classes:
        for hand in here:
            if SAME_CLASS.get(hand.bug_class, hand.bug_class) == candidate:
                return hand.id
    return ""


# ---------------------------------------------------------------- report


def render(figures: Sequence[AppFigures], label: str, grader_commit: str) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.node()} ({platform.machine()}, {os.cpu_count()} CPUs)"
    lines = [
        f"## {label}: {now}",
        "",
        f"Machine: {machine}. Grader commit: {grader_commit}.",
        "",
        "| app | zero-config start | status | score | reached 2xx | hand-found classes found "
        "| reported 5xx not in the list | unfair deviations | 5xx curl lines reproduced "
        "| bugs without an answer |",
        "| --- | --- | --- | ---: | --- | --- | --- | --- | --- | --- |",
    ]
    total_hand = total_found = total_extra = total_unfair = total_repro = total_bugs = 0
    total_silent = 0
    started = 0
    for f in figures:
        five = [b for b in f.reported if b.status.startswith("5")]
        extra = [b for b in five if not b.matches]
        repro = [b for b in five if b.replayed == b.status]
        silent = len(f.reported) - len(five)
        coverage = f.coverage
        reached = f"{len(coverage.get('reached_2xx') or [])} of {coverage.get('operations', 0)}"
        score = "-" if f.percent is None else f"{f.percent:.1f} %"
        status = f.status + (" (FALSE 100 %)" if f.false_100 else "") if not f.error else f.error
        lines.append(
            f"| {f.name} | {f.zero_config} | {status} | {score} | {reached} "
            f"| {len(f.found)} of {f.hand_classes} {' '.join(f.found)} | {len(extra)} "
            f"| {len(f.unfair)} of {f.deviations} | {len(repro)} of {len(five)} | {silent} |"
        )
        total_hand += f.hand_classes
        total_found += len(f.found)
        total_extra += len(extra)
        total_unfair += len(f.unfair)
        total_repro += len(repro)
        total_bugs += len(five)
        total_silent += silent
        started += f.zero_config.startswith("started")
    recall = f"{100 * total_found / total_hand:.0f} %" if total_hand else "-"
    lines += [
        "",
        f"Overall: {total_found} of {total_hand} hand-found classes found ({recall}); "
        f"{total_extra} reported 5xx outside the list; {total_unfair} unfair deviations; "
        f"{total_repro} of {total_bugs} 5xx curl lines reproduced their status; "
        f"{total_silent} bugs reported for requests that got no answer (hangs, timeouts); "
        f"{started} of {len(figures)} apps started with `--spec` alone; "
        f"false 100 %: {sum(f.false_100 for f in figures)}.",
        "",
        "Reported 5xx, each sorted into a class from its request and sent again:",
        "",
    ]
    for f in figures:
        for b in f.reported:
            tag = b.matches or "not in the list"
            label = f" (grader: {b.battery})" if b.battery else ""
            lines.append(
                f"- {f.name} `{b.operation}` {b.status}{label} -> "
                f"{', '.join(b.classes) or '?'}: {tag}; replayed: {b.replayed}"
            )
        for u in f.unfair:
            lines.append(f"- {f.name} unfair deviation: {u}")
        if f.hand_replayed:
            shown = ", ".join(f"{k} {v}" for k, v in f.hand_replayed.items())
            lines.append(f"- {f.name} hand-found request lines sent again: {shown}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grader", default=".venv/bin/grader", help="the grader executable")
    parser.add_argument("--label", default="run", help="names the runs and the RESULTS section")
    parser.add_argument("--apps", default="", help="comma-separated app names (default: all)")
    parser.add_argument("--out", default="results/spec-corpus", help="results folder")
    parser.add_argument("--no-write", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument(
        "--rescore",
        metavar="JSON",
        help="sort and match the 5xx of an earlier measurement again (its <label>.json), "
        "without grading",
    )
    parser.add_argument(
        "--documents",
        metavar="DIR",
        help="with --rescore: <app>.json documents for figures saved without theirs",
    )
    args = parser.parse_args(argv)
    grader = Path(args.grader).resolve()
    wanted = [a for a in args.apps.split(",") if a]
    folders = sorted(p for p in APPS.iterdir() if (p / "BUGS.toml").is_file())
    apps = [load_app(p) for p in folders if not wanted or p.name in wanted]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.rescore:
        saved = json.loads(Path(args.rescore).read_text())
        if isinstance(saved, list):  # the first format: the figures alone
            saved = {"grader_commit": grader_commit(grader), "apps": saved}
        commit = saved["grader_commit"]
        documents = Path(args.documents) if args.documents else None
        figures = [rescored(entry, apps, documents) for entry in saved["apps"]]
    else:
        options = cli_options(grader)
        commit = grader_commit(grader)
        figures = []
        for app in apps:
            print(f"{app.name}: grading...", file=sys.stderr, flush=True)
            figures.append(measure(app, grader, args.label, out, options))
    text = render(figures, args.label, commit)
    print(text)
    saved_figures = {"grader_commit": commit, "apps": [asdict(f) for f in figures]}
    (out / f"{args.label}.json").write_text(json.dumps(saved_figures, indent=1))
    if not args.no_write:
        with RESULTS_MD.open("a") as handle:
            handle.write("\n" + text)
    return 0


def rescored(
    entry: dict[str, Any], apps: Sequence[AppConfig], documents: Path | None
) -> AppFigures:
    app = next(a for a in apps if a.name == entry["name"])
    reported = [Reported(**r) for r in entry.pop("reported")]
    entry["refusals"] = [Reported(**r) for r in entry.get("refusals", [])]
    figures = AppFigures(**entry)
    figures.status = re.sub(  # the wording of the first measurement
        r" \[auth file refused, graded without it .*\]$",
        " [the auth file was refused; graded without it]",
        figures.status,
    )
    figures.reported = reported
    figures.hand_classes = len(app.bugs)
    fuzz = read_json(Path(figures.run_dir) / "logs" / "fuzz.log") if figures.run_dir else None
    if fuzz:  # the deviations again, with the rule of this version
        replayed = {(r.operation, r.curl): r.replayed for r in reported}
        no_token = app.auth is None or figures.run_dir.rstrip("/").split("/")[-2].endswith(
            "-noauth"
        )
        read_failures(figures, fuzz.get("failures") or [], no_token=no_token)
        for r in figures.reported:
            r.replayed = replayed.get((r.operation, r.curl), r.replayed)
    if figures.document is None:
        figures.document = load_document(app, None)
    if figures.document is None and documents and (documents / f"{app.name}.json").is_file():
        figures.document = json.loads((documents / f"{app.name}.json").read_text())
    sort_reported(app, figures, Path(figures.run_dir))
    return figures


def grader_commit(grader: Path) -> str:
    root = grader.parent.parent.parent
    done = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    )
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()[:100]
    marker = root / "COMMIT"
    return marker.read_text().strip() if marker.is_file() else "unknown"


if __name__ == "__main__":
    sys.exit(main())
