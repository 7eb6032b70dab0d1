"""`grader.dockerfile_policy`: what reaches around the sandbox is refused, the rest is not."""

from __future__ import annotations

import pytest

from grader.dockerfile_policy import instructions, policy_problems

ALLOWED = ("python:3.11-slim",)
ORDINARY = """\
# syntax=docker/dockerfile:1
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir \\
    -r requirements.txt \\
    gunicorn
COPY . .
ADD vendor/lib.tar.gz /opt/
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
"""


def test_an_ordinary_dockerfile_passes() -> None:
    assert policy_problems(ORDINARY, ALLOWED) == []


def test_continuation_lines_are_one_instruction() -> None:
    run = [i for i in instructions(ORDINARY) if i.keyword == "RUN"]
    assert len(run) == 1
    assert run[0].line == 5
    assert "gunicorn" in run[0].arguments


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        ("FROM alpine:3\n", "line 1: FROM alpine:3: only python:3.11-slim may be used"),
        ("FROM --platform=linux/amd64 evil/image\n", "FROM evil/image: only"),
        ("ARG BASE\nFROM ${BASE}\n", "an image chosen by a variable is refused"),
        ("FROM python:3.11-slim\nADD https://example.invalid/x /x\n", "fetches from the network"),
        ("FROM python:3.11-slim\nADD git@example.invalid:a/b.git /b\n", "fetches from the network"),
        ("FROM python:3.11-slim\nADD --checksum=sha256:00 x /x\n", "--checksum: fetches"),
        ("FROM python:3.11-slim\nCOPY --from=busybox /bin/sh /sh\n", "--from=busybox: copies out"),
        ("FROM python:3.11-slim\nWORKDIR /proc/self\n", "WORKDIR /proc/self: a kernel filesystem"),
        (
            "FROM python:3.11-slim\nRUN --network=host true\n",
            "--network and --security are refused",
        ),
    ],
)
def test_reaching_around_the_sandbox_is_refused(dockerfile: str, expected: str) -> None:
    problems = policy_problems(dockerfile, ALLOWED)
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_stages_and_arg_defaults_are_understood() -> None:
    dockerfile = (
        "ARG PY=python:3.11-slim\n"
        "FROM ${PY} AS build\n"
        "RUN pip wheel -w /w flask\n"
        "FROM build\n"
        "COPY --from=build /w /w\n"
        "COPY --from=0 /w /w2\n"
    )
    assert policy_problems(dockerfile, ALLOWED) == []


def test_json_form_arguments_are_read() -> None:
    assert policy_problems('FROM python:3.11-slim\nADD ["http://x.invalid/a", "/a"]\n', ALLOWED)
