"""Reading an OpenAPI document (Swagger 2.0 or OpenAPI 3.x) as plain data, for the parts of
the fuzz stage that work from the document itself: the inferred login, the bad-input battery
and the canonical copy that keeps generation independent of the order things are written in.

Pure: dictionaries in, values out. Only local references (`#/...`) are followed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 8
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    paths = document.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if str(method).lower() in METHODS and isinstance(operation, dict):
                yield str(path), str(method).lower(), operation


def resolve(value: Any, document: dict[str, Any], depth: int = 0) -> Any:
    while isinstance(value, dict) and isinstance(value.get("$ref"), str) and depth < MAX_DEPTH:
        target: Any = document
        for part in value["$ref"].removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        value, depth = target, depth + 1
    return value


def request_body(
    operation: dict[str, Any], document: dict[str, Any]
) -> tuple[dict[str, Any], str] | None:
    """The body schema and its media type: OpenAPI 3's requestBody, or Swagger 2's `in: body`
    or `in: formData` parameters."""
    body = resolve(operation.get("requestBody"), document)
    if isinstance(body, dict):
        content = body.get("content") or {}
        for media_type in _by_preference(content):
            schema = resolve((content.get(media_type) or {}).get("schema"), document)
            if isinstance(schema, dict):
                return schema, media_type
        return None
    parameters = [resolve(p, document) for p in operation.get("parameters") or []]
    for parameter in parameters:
        if isinstance(parameter, dict) and parameter.get("in") == "body":
            schema = resolve(parameter.get("schema"), document)
            return (schema, "application/json") if isinstance(schema, dict) else None
    form = [p for p in parameters if isinstance(p, dict) and p.get("in") == "formData"]
    consumes = operation.get("consumes") or document.get("consumes") or []
    if form:
        media_type = MULTIPART if MULTIPART in consumes or _has_file(form) else FORM
        return {
            "type": "object",
            "properties": {str(p.get("name")): p for p in form},
            "required": [str(p.get("name")) for p in form if p.get("required")],
        }, media_type
    return None


def _by_preference(content: dict[str, Any]) -> list[str]:
    """JSON first, then a form, then multipart, then anything else the document lists."""
    names = [str(name) for name in content]

    def rank(name: str) -> tuple[int, str]:
        lowered = name.lower()
        if lowered == "application/json" or lowered.endswith("+json"):
            return (0, name)
        return (1 if lowered == FORM else 2 if lowered == MULTIPART else 3, name)

    return sorted(names, key=rank)


def _has_file(parameters: list[dict[str, Any]]) -> bool:
    return any(p.get("type") == "file" for p in parameters)


def parameters_of(
    path_item: dict[str, Any], operation: dict[str, Any], document: dict[str, Any]
) -> list[dict[str, Any]]:
    """The operation's parameters (its own over its path's), with Swagger 2's inline types
    moved under `schema`, sorted by location and name: the document's order does not count."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = resolve(raw, document)
        if not isinstance(parameter, dict) or parameter.get("in") in ("body", "formData"):
            continue
        schema = resolve(parameter.get("schema"), document)
        if not isinstance(schema, dict):
            schema = {k: v for k, v in parameter.items() if k not in ("name", "in", "required")}
        found[(str(parameter.get("in")), str(parameter.get("name")))] = {
            "in": str(parameter.get("in")),
            "name": str(parameter.get("name")),
            "required": bool(parameter.get("required")) or parameter.get("in") == "path",
            "schema": schema,
        }
    return [found[key] for key in sorted(found)]


def canonical(document: Any) -> Any:
    """The document with every `parameters` list sorted by location and name, and every
    `required` list sorted: the same API written in another order gives the same document."""
    if isinstance(document, list):
        return [canonical(item) for item in document]
    if not isinstance(document, dict):
        return document
    result: dict[str, Any] = {}
    for key in sorted(document, key=str):
        value = canonical(document[key])
        if key == "parameters" and isinstance(value, list):
            value = sorted(value, key=_parameter_key)
        elif (
            key == "required" and isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            value = sorted(value)
        result[key] = value
    return result


def _parameter_key(parameter: Any) -> tuple[str, str]:
    if isinstance(parameter, dict) and "$ref" in parameter:
        return ("~ref", str(parameter["$ref"]))
    if isinstance(parameter, dict):
        return (str(parameter.get("in")), str(parameter.get("name")))
    return ("~", repr(parameter))
