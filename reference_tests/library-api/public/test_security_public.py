"""Public security checks for library-api."""

import pytest
from conftest import MEMBER_PASSWORD, describe, expect

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}


@pytest.mark.criterion("security.headers")
def test_responses_carry_the_security_headers(client):
    response = client.get("/health")
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (
            f"expected {name}: {value}, got {response.headers.get(name)!r}"
        )


@pytest.mark.criterion("security.no_secrets")
def test_register_and_login_never_send_the_password_back(client, new_email):
    email = new_email()
    body = {"email": email, "password": MEMBER_PASSWORD, "name": "Careful Reader"}
    responses = [
        client.post("/auth/register", json=body),
        client.post("/auth/login", json={"email": email, "password": MEMBER_PASSWORD}),
    ]
    for response in responses:
        assert response.is_success, f"expected success, got {describe(response)}"
        assert MEMBER_PASSWORD not in response.text, f"the password came back: {describe(response)}"
        assert "password" not in response.text.lower(), (
            f"expected no password field of any kind, got {describe(response)}"
        )


@pytest.mark.criterion("security.headers")
@pytest.mark.parametrize("case", ["404", "401", "201", "422"])
def test_every_kind_of_response_carries_the_headers(client, admin, unique, case):
    response = {
        "404": lambda: client.get("/no/such/path"),
        "401": lambda: client.get("/me"),
        "201": lambda: client.post(
            "/authors", json={"name": unique("Author")}, headers=admin.headers
        ),
        "422": lambda: client.post("/authors", json={}, headers=admin.headers),
    }[case]()
    # The exact status is not the point here: only that this kind of answer came back.
    assert response.status_code // 100 == int(case) // 100, (
        f"setup: expected a {case[0]}xx, got {describe(response)}"
    )
    wrong = {
        name: response.headers.get(name)
        for name, value in SECURITY_HEADERS.items()
        if response.headers.get(name) != value
    }
    assert not wrong, f"a {case} answer: expected {SECURITY_HEADERS}, but got {wrong}"


@pytest.mark.criterion("security.token_caching")
def test_login_answers_are_not_cacheable(client, member):
    response = client.post("/auth/login", json={"email": member.email, "password": MEMBER_PASSWORD})
    expect(response, 200)
    assert "no-store" in response.headers.get("cache-control", ""), (
        f"expected Cache-Control: no-store on a login answer, "
        f"got {response.headers.get('cache-control')!r}"
    )
