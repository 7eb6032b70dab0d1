"""Helpers shared by the notes-api reference tests (public: candidates see this file)."""

from collections.abc import Callable
from typing import Any

import httpx
import pytest


def describe(response: httpx.Response) -> str:
    """What came back, for failure messages: status, content type and the start of the body."""
    body = response.text[:300].replace("\n", " ")
    kind = response.headers.get("content-type", "(no content type)")
    return f"{response.status_code} {kind}: {body}"


def json_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        pytest.fail(f"expected a JSON body, got {describe(response)}", pytrace=False)


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, f"expected {status}, got {describe(response)}"
    data = json_of(response)
    error = data.get("error") if isinstance(data, dict) else None
    assert isinstance(error, dict), (
        f"expected an error envelope {{'error': {{...}}}}, got {describe(response)}"
    )
    assert error.get("code") == code, f"expected error code {code!r}, got {error.get('code')!r}"
    assert isinstance(error.get("message"), str), "expected a string error.message"
    return error


@pytest.fixture
def create_note(
    client: httpx.Client, unique: Callable[[str], str]
) -> Callable[..., dict[str, Any]]:
    """Create a note through the API and return it; fails the test if creation does not work."""

    def create(**fields: Any) -> dict[str, Any]:
        payload = {"title": unique("note"), "body": "some text", **fields}
        response = client.post("/notes", json=payload)
        assert response.status_code == 201, f"could not create a note: {describe(response)}"
        return json_of(response)

    return create
