"""Generate the fuzz stage's cases from an OpenAPI document with schemathesis, once.

Generation is pinned (derandomised Hypothesis, no example database, bounded counts), and its
output is recorded (`fuzz_cases.dump_cases`) so every candidate of a task version is sent the
same requests, whatever a later run of the generator would draw. Reads only the document.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.core.errors import TaskError
from grader.stages.fuzz.battery import battery
from grader.stages.fuzz.cases import (
    FORM_MEDIA_TYPE,
    Body,
    CaseFile,
    FuzzCase,
    Link,
    Mode,
    case_to_json,
    requires_credentials,
    spec_digest,
)

# Examples drawn per mode and operation, before duplicates are dropped.
DRAW_FACTOR = 4
LINKED_SOURCES = 8  # positive cases per operation whose answers feed its links
_PATH_PARAMETER = re.compile(r"\{([^}/]+)\}")
_RECORDING = threading.Lock()


@dataclass(frozen=True)
class Operation:
    label: str  # 'POST /authors'
    operation_id: str | None
    secured: bool
    links: tuple[tuple[int, str, str, dict[str, str]], ...]  # (status, name, target id, params)

    @property
    def method(self) -> str:
        return self.label.split(" ", 1)[0]


def record(
    spec_path: Path, positive: int, negative: int, *, with_battery: bool = False
) -> CaseFile:
    """Every operation's cases, in the document's order, followed by its links' cases, and
    with `with_battery` by the bad-input battery (`fuzz.battery`).

    One recording at a time: Hypothesis's settings and the constants switch are global."""
    with _RECORDING:
        return _record(spec_path, positive, negative, with_battery)


def _record(spec_path: Path, positive: int, negative: int, with_battery: bool) -> CaseFile:
    import schemathesis
    from schemathesis.generation.modes import GenerationMode

    text = spec_path.read_bytes()
    try:
        schema = schemathesis.openapi.from_path(str(spec_path))
        loaded = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    except Exception as error:  # schemathesis reports a broken document in many ways
        raise TaskError(f"{spec_path}: cannot generate cases: {error}") from None
    operations = [_describe(op, schema.raw_schema) for op in loaded]
    by_id = {op.operation_id: op for op in operations if op.operation_id}

    cases: list[FuzzCase] = []
    not_tested: dict[tuple[str, str], None] = {}
    for api_operation, operation in zip(loaded, operations, strict=True):
        modes: tuple[tuple[Mode, int], ...] = (("positive", positive), ("negative", negative))
        for mode, count in modes:
            seen: set[str] = set()
            for case in _draw(api_operation, GenerationMode(mode), count * DRAW_FACTOR):
                converted = _convert(case, operation, mode, f"c{len(cases) + 1:04d}")
                if isinstance(converted, str):
                    not_tested.setdefault((operation.label, converted))
                    continue
                if converted is None:
                    continue
                fingerprint = _fingerprint(converted)
                if fingerprint in seen:
                    continue
                seen.add(fingerprint)
                cases.append(converted)
                if len(seen) == count:
                    break

    positives: dict[str, list[FuzzCase]] = {}
    for case in cases:
        if case.mode == "positive":
            positives.setdefault(case.operation, []).append(case)
    link_sources = {c.id for group in positives.values() for c in group[:LINKED_SOURCES]}
    # deleting comes last, so the other links still find the resource
    targets = {
        op.label: sorted(
            (link for link in op.links if link[2] in by_id),  # a link to nowhere is dropped
            key=lambda link: by_id[link[2]].method == "DELETE",
        )
        for op in operations
    }
    linked: list[FuzzCase] = []
    counter = len(cases)
    for case in cases:
        linked.append(case)
        if case.id not in link_sources:
            continue
        for status, name, target_id, parameters in targets[case.operation]:
            target = by_id[target_id]
            template = positives.get(target.label, [None])[0]
            counter += 1
            linked.append(_linked_case(f"c{counter:04d}", case, target, template, status, name,
                                       parameters))  # fmt: skip
    drawn = {case.operation for case in cases}
    for operation in operations:
        if operation.label not in drawn:
            not_tested.setdefault(
                (operation.label, "the generator drew no request for it that can be sent")
            )
    if with_battery:
        made = battery(schema.raw_schema, counter + 1)
        linked.extend(made.cases)
        for item in made.not_tested:
            not_tested.setdefault((item.operation, item.reason))
    return CaseFile(spec_digest(text), _generator(), tuple(linked), tuple(not_tested))


def _generator() -> str:
    from importlib.metadata import version

    return f"schemathesis {version('schemathesis')}, hypothesis {version('hypothesis')}"


def _draw(operation: Any, mode: Any, count: int) -> Iterator[Any]:
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[Any] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def collect(case: Any) -> None:
        drawn.append(case)

    # an operation schemathesis cannot draw for gets no cases of that mode
    with contextlib.suppress(Exception), _without_local_constants():
        collect()
    yield from drawn


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis mixes in string and number constants read from the source of every
    non-library module the process has imported: what it draws would depend on who calls
    the recorder (the CLI, a test run). Drawing without them keeps the cases a function of
    the document alone."""
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    original = providers._get_local_constants
    providers._get_local_constants = Constants
    try:
        yield
    finally:
        providers._get_local_constants = original


def _describe(operation: Any, document: dict[str, Any]) -> Operation:
    raw = operation.definition.raw
    links = []
    for status, response in sorted((raw.get("responses") or {}).items()):
        if not str(status).isdigit() or not isinstance(response, dict):
            continue
        for name, link in sorted((response.get("links") or {}).items()):
            if isinstance(link, dict) and "operationId" in link:
                parameters = {str(k): str(v) for k, v in (link.get("parameters") or {}).items()}
                links.append((int(status), str(name), str(link["operationId"]), parameters))
    return Operation(
        label=f"{operation.method.upper()} {operation.path}",
        operation_id=raw.get("operationId"),
        secured=requires_credentials(raw, document),
        links=tuple(links),
    )


def _convert(case: Any, operation: Operation, mode: Mode, case_id: str) -> FuzzCase | str | None:
    """The recorded form of a schemathesis case; None for one to drop, or why a body of its
    kind cannot be sent (listed as not tested)."""
    negative_in: tuple[str, ...] = ()
    if case.meta is not None:
        negative_in = tuple(
            sorted(
                str(location.value)
                for location, component in case.meta.components.items()
                if component.mode.is_negative
            )
        )
    if mode == "negative" and not negative_in:
        return None
    headers = {str(k): str(v) for k, v in (case.headers or {}).items()}
    if operation.secured and "header" not in negative_in:
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
    if any(not _latin1(k) or not _latin1(v) for k, v in headers.items()):
        return None
    body = None
    if type(case.body).__name__ != "NotSet":
        media_type = case.media_type or "application/json"
        if isinstance(case.body, bytes):
            body = Body(media_type, raw=case.body)
        elif "json" in media_type:
            body = Body(media_type, value=case.body)
        elif media_type.split(";")[0].strip().lower() == FORM_MEDIA_TYPE and isinstance(
            case.body, dict
        ):
            body = Body(FORM_MEDIA_TYPE, value=case.body)
        else:
            return f"{media_type} body: the harness sends JSON, form and raw bodies only"
    return FuzzCase(
        id=case_id,
        operation=operation.label,
        mode=mode,
        negative_in=negative_in,
        path_parameters=dict(case.path_parameters or {}),
        query=dict(case.query or {}),
        headers=headers,
        body=body,
    )


def _linked_case(
    case_id: str,
    source: FuzzCase,
    target: Operation,
    template: FuzzCase | None,
    status: int,
    name: str,
    parameters: dict[str, str],
) -> FuzzCase:
    """A valid call of the link's target, with the linked parameters read from the answer."""
    path_names = set(_PATH_PARAMETER.findall(target.label))
    bound = tuple(
        sorted(
            (f"{'path' if p in path_names else 'query'}.{p.split('.')[-1]}", expression)
            for p, expression in parameters.items()
        )
    )
    return FuzzCase(
        id=case_id,
        operation=target.label,
        mode="positive",
        negative_in=(),
        path_parameters=dict(template.path_parameters) if template else {},
        query={},
        headers={},
        body=template.body if template else None,
        link=Link(source=source.id, name=name, status=status, parameters=bound),
    )


def _fingerprint(case: FuzzCase) -> str:
    data = case_to_json(case)
    del data["id"]
    return repr(sorted(data.items()))


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True
