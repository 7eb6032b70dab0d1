"""Public checks for notes-api: run them against your dev server with --base-url."""

import pytest
from conftest import assert_error, describe, json_of


@pytest.mark.criterion("crud.create")
def test_create_note_answers_201_with_the_note(client, unique):
    title = unique("groceries")
    response = client.post("/notes", json={"title": title, "body": "milk"})
    assert response.status_code == 201, f"expected 201, got {describe(response)}"
    note = json_of(response)
    assert isinstance(note.get("id"), int), f"expected an integer id, got {note!r}"
    assert note.get("title") == title, f"expected the title sent back, got {note!r}"
    assert note.get("body") == "milk", f"expected the body sent back, got {note!r}"


@pytest.mark.criterion("crud.read")
def test_read_returns_the_created_note(client, create_note):
    note = create_note()
    response = client.get(f"/notes/{note['id']}")
    assert response.status_code == 200, f"expected 200, got {describe(response)}"
    assert json_of(response) == note


@pytest.mark.criterion("validation.required")
def test_note_without_title_is_refused(client):
    response = client.post("/notes", json={"body": "no title"})
    error = assert_error(response, 422, "validation_error")
    assert "title" in (error.get("fields") or {}), f"expected error.fields.title, got {error!r}"


@pytest.mark.criterion("errors.json")
def test_unknown_note_is_a_json_404(client):
    assert_error(client.get("/notes/987654321"), 404, "not_found")


@pytest.mark.criterion("security.headers")
def test_responses_carry_nosniff(client):
    response = client.get("/health")
    assert response.headers.get("x-content-type-options", "").lower() == "nosniff", (
        f"expected X-Content-Type-Options: nosniff, got {dict(response.headers)!r}"
    )
