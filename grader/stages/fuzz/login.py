"""A login found in the document itself, for `--spec` without an auth file.

Pure. When the document has an operation that registers a user (a POST whose path says
register, signup or users and whose body asks for a password) and one that issues a token (a
POST whose path says login, token, auth or session), the stage registers a new user with
values it makes up, logs in as it, and reads the token from the answer wherever a key that
names a token holds a string. The header and scheme come from the document's security scheme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grader.core.task import FuzzRequest
from grader.stages.fuzz.document import operations, request_body, resolve

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
    for path, method, operation in operations(document):
        if method != "post":
            continue
        body = request_body(operation, document)
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
    header, scheme = header_and_scheme(document)
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


def _asks_password(schema: dict[str, Any], document: dict[str, Any], depth: int = 0) -> bool:
    schema = resolve(schema, document)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return False
    for name, value in (schema.get("properties") or {}).items():
        if _PASSWORD.search(str(name)) or _asks_password(value, document, depth + 1):
            return True
    return False


def _fill(schema: Any, document: dict[str, Any], values: _Values, name: str, depth: int = 0) -> Any:
    schema = resolve(schema, document)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return values.of(name, {})
    for combined in ("allOf", "oneOf", "anyOf"):
        parts = schema.get(combined)
        if isinstance(parts, list) and parts:
            merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
            for part in parts if combined == "allOf" else parts[:1]:
                part = resolve(part, document)
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


def header_and_scheme(document: dict[str, Any]) -> tuple[str, str]:
    components = document.get("components") or {}
    schemes = components.get("securitySchemes") or document.get("securityDefinitions") or {}
    for scheme in (schemes or {}).values():
        scheme = resolve(scheme, document)
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            return str(scheme.get("name") or "Authorization"), ""
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            return "Authorization", "Bearer"
    return "Authorization", "Bearer"
