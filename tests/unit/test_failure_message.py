"""Failure messages quote the submission's log: the error that matters, lines cut short."""

from __future__ import annotations

from grader.pipeline import _with_tail


def test_a_failure_message_keeps_the_last_error_even_behind_noise() -> None:
    log = "Traceback (most recent call last):\nRuntimeError: DATABASE_URL is not configured\n"
    log += "\n".join(f"[INFO] shutting down {i}" for i in range(40))
    lines = _with_tail("the app exited with code 3", log, "app output").splitlines()
    assert lines[:3] == [
        "the app exited with code 3",
        "last lines of the app output:",
        "RuntimeError: DATABASE_URL is not configured",
    ]
    assert lines[-1] == "[INFO] shutting down 39"


def test_a_reason_that_quotes_the_candidates_command_is_cut_too() -> None:
    reason = "docker build failed: The command '/bin/sh -c " + "x" * 500 + "' returned 7"

    first = _with_tail(reason, "step output\n", "build output").splitlines()[0]

    assert len(first) <= 320
    assert first.endswith(" [cut]")
