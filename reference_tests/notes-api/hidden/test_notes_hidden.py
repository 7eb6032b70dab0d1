"""Hidden checks for notes-api: run by graders only."""

import pytest
from conftest import assert_error, describe, json_of


@pytest.mark.criterion("crud.create")
def test_body_defaults_to_empty(client, unique):
    response = client.post("/notes", json={"title": unique("t")})
    assert response.status_code == 201, f"expected 201, got {describe(response)}"
    assert json_of(response).get("body") == "", f"expected body '' by default, got {response.text}"


@pytest.mark.criterion("crud.list")
def test_list_contains_created_notes(client, create_note):
    first, second = create_note(), create_note()
    response = client.get("/notes")
    assert response.status_code == 200, f"expected 200, got {describe(response)}"
    items = json_of(response).get("items")
    assert isinstance(items, list), f"expected {{'items': [...]}}, got {response.text[:200]}"
    assert first in items, "a note just created is not in the list"
    assert second in items, "a note just created is not in the list"


@pytest.mark.criterion("crud.delete")
def test_delete_removes_the_note(client, create_note):
    note = create_note()
    response = client.delete(f"/notes/{note['id']}")
    assert response.status_code == 204, f"expected 204, got {describe(response)}"
    assert client.get(f"/notes/{note['id']}").status_code == 404, "the note is still there"


@pytest.mark.criterion("crud.delete")
def test_delete_unknown_note_is_404(client):
    assert_error(client.delete("/notes/987654322"), 404, "not_found")


@pytest.mark.criterion("validation.types")
@pytest.mark.parametrize(
    "payload",
    [
        {"title": 42},
        {"title": ""},
        {"title": "x" * 201},
        {"title": "ok", "body": ["not", "a", "string"]},
    ],
)
def test_wrong_types_are_refused(client, payload):
    assert_error(client.post("/notes", json=payload), 422, "validation_error")


@pytest.mark.criterion("validation.malformed")
def test_body_that_is_not_json_is_a_400(client):
    response = client.post(
        "/notes", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "bad_request")


@pytest.mark.criterion("errors.json")
def test_unknown_path_is_a_json_404(client):
    assert_error(client.get("/no/such/path"), 404, "not_found")


@pytest.mark.criterion("security.headers")
def test_errors_carry_the_security_headers_too(client):
    response = client.get("/notes/987654323")
    assert response.headers.get("x-frame-options", "").upper() == "DENY", (
        f"expected X-Frame-Options: DENY, got {dict(response.headers)!r}"
    )
    assert response.headers.get("x-content-type-options", "").lower() == "nosniff"
