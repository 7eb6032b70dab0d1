"""Accounts and sessions: register, login, refresh, logout and /me."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Blueprint, g, jsonify

from .. import ratelimit
from ..auth import (
    access_token_answer,
    end_session,
    login_required,
    start_session,
    user_for_token,
)
from ..db import get_db, iso, transaction, utc_now
from ..errors import ApiError, conflict, unauthorized
from ..passwords import hash_password, verify_password
from ..validation import Validator, json_body

bp = Blueprint("accounts", __name__)

NO_STORE = {"Cache-Control": "no-store"}


def serialize_user(row: sqlite3.Row | dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in ("id", "email", "name", "role", "created_at")}


@bp.post("/auth/register")
def register():
    rules = Validator(json_body())
    rules.email()
    rules.text("password", 128, low=8, blank_ok=True)
    rules.text("name", 100)
    data = rules.check()
    try:
        with transaction() as db:
            cursor = db.execute(
                "INSERT INTO users (email, name, role, password_hash, created_at) "
                "VALUES (?, ?, 'member', ?, ?)",
                (data["email"], data["name"], hash_password(data["password"]), iso(utc_now())),
            )
    except sqlite3.IntegrityError:
        raise conflict("an account with this email already exists") from None
    row = (
        get_db()
        .execute(
            "SELECT id, email, name, role, created_at FROM users WHERE id = ?", (cursor.lastrowid,)
        )
        .fetchone()
    )
    return jsonify(serialize_user(row)), 201


@bp.post("/auth/login")
def login():
    rules = Validator(json_body())
    rules.email()
    rules.text("password", 128)
    data = rules.check()
    email = data["email"]
    wait = ratelimit.retry_after(email)
    if wait is not None:
        raise ApiError(
            429,
            "too many failed logins for this email: try again later",
            headers={"Retry-After": str(wait)},
        )
    row = (
        get_db().execute("SELECT id, password_hash FROM users WHERE email = ?", (email,)).fetchone()
    )
    if not verify_password(row["password_hash"] if row else None, data["password"]):
        ratelimit.record_failure(email)
        raise unauthorized("wrong email or password")
    return jsonify(start_session(row["id"])), 200, NO_STORE


@bp.post("/auth/refresh")
def refresh():
    rules = Validator(json_body())
    rules.text("refresh_token", 1024 * 1024, low=0, blank_ok=True)
    data = rules.check()
    user = user_for_token(data["refresh_token"], "refresh")
    return jsonify(access_token_answer(user["id"], user["session_id"])), 200, NO_STORE


@bp.post("/auth/logout")
@login_required
def logout():
    end_session(g.user["session_id"])
    return "", 204


@bp.get("/me")
@login_required
def get_me():
    return serialize_user(g.user)


@bp.patch("/me")
@login_required
def update_me():
    rules = Validator(json_body(), partial=True)
    rules.text("name", 100)
    data = rules.check()
    if "name" in data:
        with transaction() as db:
            db.execute("UPDATE users SET name = ? WHERE id = ?", (data["name"], g.user["id"]))
    row = (
        get_db()
        .execute(
            "SELECT id, email, name, role, created_at FROM users WHERE id = ?", (g.user["id"],)
        )
        .fetchone()
    )
    return serialize_user(row)
