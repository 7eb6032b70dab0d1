"""A login found in the document itself, for `--spec` without an auth file.

Pure. When the document has an operation that registers a user (a POST whose path says
register, signup or users and whose body asks for a password) and one that issues a token (a
POST whose path says login, token, auth or session), the stage registers a new user with
values it makes up, logs in as it, and reads the token from the answer wherever a key that
names a token holds a string. The header and scheme come from the document's security scheme.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from grader.core.task import FuzzRequest

_REGISTER = re.compile(r"regist|sign-?up|/users/?$|/accounts/?$", re.IGNORECASE)
_LOGIN = re.compile(r"log-?in|sign-?in|token|/auth|session", re.IGNORECASE)
_PASSWORD = re.compile(r"pass(word)?|pwd", re.IGNORECASE)
_TOKEN_KEYS = ("access_token", "accessToken", "token", "jwt", "id_token", "auth_token")
_MAX_DEPTH = 6


@dataclass(frozen=True)
class InferredLogin:
    steps: tuple[FuzzRequest, ...]
    header: str
    scheme: str

    def describe(self) -> str:
        return ", then ".join(f"{step.method} {step.path}" for step in self.steps)


def infer_login(document: dict[str, Any], suffix: str) -> InferredLogin | None:
    """Register-then-log-in steps for a new user named with `suffix`; None when the document
    shows no way to do both."""
    register = login = None
    for path, method, operation in _operations(document):
        if method != "post":
            continue
        body = _request_body(operation, document)
        if body is None:
            continue
        schema, media_type = body
        if register is None and _REGISTER.search(path) and _asks_password(schema, document):
            register = (path, schema, media_type)
        elif login is None and _LOGIN.search(path) and not _REGISTER.search(path):
            login = (path, schema, media_type)
    if register is None or login is None:
        return None
    values = _Values(suffix)
    steps = tuple(
        _request(path, _fill(schema, document, values, ""), media_type)
        for path, schema, media_type in (register, login)
    )
    header, scheme = _header_and_scheme(document)
    return InferredLogin(steps, header, scheme)


def find_token(answer: Any, depth: int = 0) -> str | None:
    """The first string under a key that names a token, searched breadth first."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(answer, dict):
        for key in _TOKEN_KEYS:
            value = answer.get(key)
            if isinstance(value, str) and value:
                return value
        for value in answer.values():
            found = find_token(value, depth + 1)
            if found:
                return found
    return None


class _Values:
    """The same made-up value for the same property name in both steps."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.made: dict[str, Any] = {}

    def of(self, name: str, schema: dict[str, Any]) -> Any:
        if name not in self.made:
            self.made[name] = self._make(name, schema)
        return self.made[name]

    def _make(self, name: str, schema: dict[str, Any]) -> Any:
        kind = schema.get("type")
        if schema.get("enum"):
            return schema["enum"][0]
        if kind in ("integer", "number"):
            return int(schema.get("minimum", 1) or 1)
        if kind == "boolean":
            return True
        if schema.get("format") == "email" or "mail" in name.lower():
            return f"grader-{self.suffix}@example.com"
        if _PASSWORD.search(name):
            return f"Grader-{self.suffix}-pw1!"
        return f"grader{self.suffix}"


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    paths = document.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict):
                yield str(path), str(method).lower(), operation


def _resolve(value: Any, document: dict[str, Any], depth: int = 0) -> Any:
    while isinstance(value, dict) and isinstance(value.get("$ref"), str) and depth < _MAX_DEPTH:
        target: Any = document
        for part in value["$ref"].removeprefix("#/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part) if isinstance(target, dict) else None
        value, depth = target, depth + 1
    return value


def _request_body(
    operation: dict[str, Any], document: dict[str, Any]
) -> tuple[dict[str, Any], str] | None:
    """The body schema and its media type: OpenAPI 3's requestBody, or Swagger 2's `in: body`
    or `in: formData` parameters."""
    body = _resolve(operation.get("requestBody"), document)
    if isinstance(body, dict):
        content = body.get("content") or {}
        for media_type in ("application/json", "application/x-www-form-urlencoded"):
            schema = _resolve((content.get(media_type) or {}).get("schema"), document)
            if isinstance(schema, dict):
                return schema, media_type
        return None
    parameters = [_resolve(p, document) for p in operation.get("parameters") or []]
    for parameter in parameters:
        if isinstance(parameter, dict) and parameter.get("in") == "body":
            schema = _resolve(parameter.get("schema"), document)
            return (schema, "application/json") if isinstance(schema, dict) else None
    form = [p for p in parameters if isinstance(p, dict) and p.get("in") == "formData"]
    if form:
        return {
            "type": "object",
            "properties": {str(p.get("name")): p for p in form},
            "required": [str(p.get("name")) for p in form if p.get("required")],
        }, "application/x-www-form-urlencoded"
    return None


def _asks_password(schema: dict[str, Any], document: dict[str, Any], depth: int = 0) -> bool:
    schema = _resolve(schema, document)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return False
    for name, value in (schema.get("properties") or {}).items():
        if _PASSWORD.search(str(name)) or _asks_password(value, document, depth + 1):
            return True
    return False


def _fill(schema: Any, document: dict[str, Any], values: _Values, name: str, depth: int = 0) -> Any:
    schema = _resolve(schema, document)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return values.of(name, {})
    for combined in ("allOf", "oneOf", "anyOf"):
        parts = schema.get(combined)
        if isinstance(parts, list) and parts:
            merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
            for part in parts if combined == "allOf" else parts[:1]:
                part = _resolve(part, document)
                if isinstance(part, dict):
                    merged["properties"].update(part.get("properties") or {})
                    merged["required"] += list(part.get("required") or [])
            schema = merged
    if schema.get("type") == "object" or "properties" in schema:
        return {
            str(key): _fill(value, document, values, str(key), depth + 1)
            for key, value in (schema.get("properties") or {}).items()
            if not (isinstance(value, dict) and value.get("readOnly"))
        }
    return values.of(name, schema)


def _request(path: str, body: Any, media_type: str) -> FuzzRequest:
    if media_type == "application/x-www-form-urlencoded" and isinstance(body, dict):
        return FuzzRequest.model_validate(
            {"method": "POST", "path": path, "form": {k: str(v) for k, v in body.items()}}
        )
    return FuzzRequest.model_validate({"method": "POST", "path": path, "json": body})


def _header_and_scheme(document: dict[str, Any]) -> tuple[str, str]:
    components = document.get("components") or {}
    schemes = components.get("securitySchemes") or document.get("securityDefinitions") or {}
    for scheme in (schemes or {}).values():
        scheme = _resolve(scheme, document)
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            return str(scheme.get("name") or "Authorization"), ""
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return "Authorization", "Bearer"
    return "Authorization", "Bearer"
