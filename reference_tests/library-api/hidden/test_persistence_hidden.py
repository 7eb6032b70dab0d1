"""Hidden persistence checks for library-api: run under the grader only (they restart the app)."""

import pytest
from conftest import MEMBER_PASSWORD, assert_fields, describe, expect


@pytest.mark.criterion("persistence.accounts")
def test_accounts_tokens_and_loans_survive_a_restart(
    client, member, create_book, borrow, restart_app
):
    book = create_book()
    loan = borrow(member, book["id"])
    restart_app()
    me = expect(client.get("/me", headers=member.headers), 200)
    assert me.get("id") == member.id, f"the access token now names someone else: {me!r}"
    assert_fields(expect(client.get(f"/loans/{loan['id']}", headers=member.headers), 200), loan)
    assert expect(client.get(f"/books/{book['id']}"), 200).get("available") is False, (
        "the loan was forgotten"
    )
    expect(
        client.post("/auth/login", json={"email": member.email, "password": MEMBER_PASSWORD}), 200
    )


@pytest.mark.criterion("persistence.accounts")
def test_a_logout_is_remembered_across_a_restart(client, member, restart_app):
    """A restart undoes no logout: what was refused before it is refused after it. (Whether
    logout revokes at all is graded under auth.logout, not counted twice here.)"""
    expect(client.post("/auth/logout", headers=member.headers), 204)
    refresh = {"refresh_token": member.refresh_token}
    revoked = {
        "GET /me": client.get("/me", headers=member.headers).status_code == 401,
        "POST /auth/refresh": client.post("/auth/refresh", json=refresh).status_code == 401,
    }
    restart_app()
    after = {
        "GET /me": client.get("/me", headers=member.headers),
        "POST /auth/refresh": client.post("/auth/refresh", json=refresh),
    }
    undone = [
        f"{name} -> {describe(after[name])}"
        for name, was in revoked.items()
        if was and after[name].status_code != 401
    ]
    assert not undone, f"a restart undid the logout: refused before it, accepted after: {undone}"


@pytest.mark.criterion("persistence.catalogue")
def test_updates_and_deletes_survive_a_restart(client, admin, create_book, unique, restart_app):
    kept, deleted = create_book(), create_book()
    title = unique("Revised")
    expect(client.patch(f"/books/{kept['id']}", json={"title": title}, headers=admin.headers), 200)
    expect(client.delete(f"/books/{deleted['id']}", headers=admin.headers), 204)
    restart_app()
    shown = expect(client.get(f"/books/{kept['id']}"), 200)
    assert shown.get("title") == title, f"the update was lost: {shown!r}"
    expect(client.get(f"/books/{deleted['id']}"), 404)
