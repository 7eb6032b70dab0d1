"""`build.dockerfile_policy`: what reaches around the sandbox is refused, the rest is not."""

from __future__ import annotations

import pytest

from grader.stages.build.dockerfile_policy import LONGEST, policy_problems
from grader.stages.build.dockerfile_reader import instructions

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
BASE = "FROM python:3.11-slim\n"


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
        (BASE + "ADD https://example.invalid/x /x\n", "fetches from the network"),
        (BASE + "ADD git@example.invalid:a/b.git /b\n", "fetches from the network"),
        (BASE + "ADD --checksum=sha256:00 x /x\n", "--checksum: fetches"),
        (BASE + "COPY --from=busybox /bin/sh /sh\n", "--from=busybox: copies out"),
        (BASE + "WORKDIR /proc/self\n", "WORKDIR /proc/self: a kernel filesystem"),
        (BASE + "RUN --network=host true\n", "--network and --security are refused"),
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
    assert policy_problems(BASE + 'ADD ["http://x.invalid/a", "/a"]\n', ALLOWED)


def refused(dockerfile: str, expected: str) -> None:
    problems = policy_problems(dockerfile, ALLOWED)
    assert any(expected in problem for problem in problems), problems


# A remote ADD behind a variable: whatever its value would be, it is refused.


@pytest.mark.parametrize(
    "dockerfile",
    [
        BASE + "ARG U=http://x.invalid/y\nADD $U /a\n",
        "ARG U=http://x.invalid/y\n" + BASE + "ARG U\nADD ${U} /a\n",
        BASE + "ADD ${U:-http://x.invalid/y} /a\n",
        BASE + "ADD ${U:+http://x.invalid/y} /a\n",
        BASE + "ARG U\nADD $U /a\n",
        BASE + "ENV U=http://x.invalid/y\nADD $U /a\n",
        BASE + "ENV U http://x.invalid/y\nADD $U/z /a\n",
        BASE + 'ADD ["$U", "/a"]\n',
        BASE + 'ADD "$U" /a\n',
        BASE + "ADD x $U /a\n",
    ],
)
def test_an_add_source_chosen_by_a_variable_is_refused(dockerfile: str) -> None:
    refused(dockerfile, "fetches from the network")


@pytest.mark.parametrize(
    "source",
    [
        "h\\ttp://x.invalid/a",  # the lexer drops the escape
        '"http://x.invalid/a"',
        "'http'://x.invalid/a",
        "\ufeffhttp://x.invalid/a",  # the lexer skips a leading byte-order mark
        "ftp://x.invalid/a",
        "HTTPS://x.invalid/a",
        "user@x.invalid:repo.git",
    ],
)
def test_a_remote_add_source_is_refused_however_it_is_spelled(source: str) -> None:
    refused(f"{BASE}ADD {source} /a\n", "fetches from the network")


@pytest.mark.parametrize("flag", ["--checksum=sha256:00", "--keep-git-dir=true"])
def test_add_flags_that_fetch_are_refused(flag: str) -> None:
    refused(f"{BASE}ADD {flag} x /x\n", "fetches from the network")


def test_an_escaped_dollar_is_a_plain_file_name() -> None:
    dockerfile = BASE + "ADD price\\$list.tar.gz /a/\nADD '$literal' /b/\nCOPY $HOME/x /c/\n"
    assert policy_problems(dockerfile, ALLOWED) == []


# ONBUILD: its trigger runs in a later build, out of sight.


def test_onbuild_is_refused() -> None:
    dockerfile = "FROM python:3.11-slim AS base\nONBUILD ADD http://x.invalid/p /p\nFROM base\n"
    refused(dockerfile, "ONBUILD: refused, its trigger runs in a later build")


def test_onbuild_of_a_harmless_instruction_is_refused_too() -> None:
    refused(BASE + "onbuild RUN true\n", "ONBUILD: refused")


# The escape directive changes where instructions end.


def test_a_backtick_escape_ends_lines_the_backslash_would_continue() -> None:
    dockerfile = "# escape=`\n" + BASE + "RUN echo \\\nADD http://x.invalid/p /p\n"
    refused(dockerfile, "line 4: ADD http://x.invalid/p: fetches from the network")


def test_a_backtick_escape_continues_lines() -> None:
    dockerfile = "# escape=`\n" + BASE + "RUN echo `\n    ADD http://x.invalid/p /p\n"
    assert [i.keyword for i in instructions(dockerfile)] == ["FROM", "RUN"]
    assert policy_problems(dockerfile, ALLOWED) == []  # the engine reads one RUN


@pytest.mark.parametrize(
    "header",
    [
        "\ufeff# escape=`\n",  # a byte-order mark does not hide the directive
        "# syntax=docker/dockerfile:1\n# escape=`\n",
        "  #  ESCAPE = `  \n",
        "# escape=`\r\n",
    ],
)
def test_the_escape_directive_is_honoured_where_the_engine_honours_it(header: str) -> None:
    refused(header + BASE + "RUN echo \\\nADD http://x.invalid/p /p\n", "fetches from the")


@pytest.mark.parametrize(
    "header",
    [
        "# a comment\n# escape=`\n",
        "# check=skip=all\n# escape=`\n",  # newer builders honour this one
        "#\u00a0escape=`\n",
    ],
)
def test_an_escape_directive_some_engine_may_not_honour_is_refused(header: str) -> None:
    refused(header + BASE, "# escape= here is not read the same by every Docker version")


def test_an_invalid_or_repeated_escape_directive_is_refused() -> None:
    refused("# escape=x\n" + BASE, "only ` or \\ may be used")
    refused("# escape=`\n# escape=\\\n" + BASE, "a second # escape= directive")


@pytest.mark.parametrize("before", [BASE, "\n"])
def test_an_escape_comment_after_an_instruction_or_a_blank_line_is_a_comment(before: str) -> None:
    dockerfile = before + "# escape=`\n" + BASE + "RUN echo \\\nADD http://x.invalid/p /p\n"
    assert [i.keyword for i in instructions(dockerfile)][-1] == "RUN"
    assert policy_problems(dockerfile, ALLOWED) == []  # the engine reads one RUN


def test_only_the_official_frontend_may_be_named_by_syntax() -> None:
    refused("# syntax=evil.invalid/frontend\n" + BASE, "only docker/dockerfile frontends")
    refused("#!/bin/sh\n# syntax=evil.invalid/frontend\n" + BASE, "only docker/dockerfile")
    assert policy_problems("# syntax = docker/dockerfile:1.4\n" + BASE, ALLOWED) == []


def test_an_escaped_escape_at_the_end_does_not_continue() -> None:
    refused(BASE + "RUN echo \\\\\nADD http://x.invalid/p /p\n", "fetches from the network")


# Lines end at "\n" only; other breaks stay inside the line.


@pytest.mark.parametrize("mark", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\r"])
def test_a_comment_hides_the_rest_of_its_line_whatever_breaks_it(mark: str) -> None:
    dockerfile = BASE + f"# x{mark}FROM python:3.11-slim AS evil\nFROM evil\n"
    refused(dockerfile, "line 3: FROM evil: only python:3.11-slim may be used")


@pytest.mark.parametrize("mark", ["\x0c", "\x0b", "\r"])
def test_a_word_break_inside_a_line_is_read_as_the_engine_reads_it(mark: str) -> None:
    refused(f"{BASE}ADD{mark}http://x.invalid/p /p\n", "fetches from the network")
    refused(f"{BASE}ADD x{mark}http://x.invalid/p /p\n", "fetches from the network")


def test_an_instruction_glued_by_an_unusual_space_is_not_an_instruction() -> None:
    refused(BASE + "ADD\u00a0http://x.invalid/p /p\n", "not an instruction")


# FROM: a stage name counts only after the FROM that defines it.


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM evil AS evil\n",
        "FROM evil AS EVIL\n",
        "FROM Evil AS evil\n",
        BASE + "FROM later\nFROM python:3.11-slim AS later\n",
    ],
)
def test_a_stage_name_does_not_vouch_for_its_own_image(dockerfile: str) -> None:
    refused(dockerfile, "may be used")


def test_copy_from_its_own_stage_or_a_later_one_is_refused() -> None:
    refused("FROM python:3.11-slim AS app\nCOPY --from=app /a /b\n", "--from=app: copies out")
    refused(BASE + "COPY --from=0 /a /b\n", "--from=0: copies out")
    refused(BASE + "FROM python:3.11-slim\nCOPY --from=1 /a /b\n", "--from=1: copies out")
    refused(BASE + "COPY --from=$IMAGE /a /b\n", "copies out")


def test_stage_names_are_case_insensitive() -> None:
    dockerfile = "FROM python:3.11-slim AS Build\nFROM BUILD\nCOPY --from=bUiLd /a /b\n"
    assert policy_problems(dockerfile, ALLOWED) == []


def test_scratch_is_refused_unless_allowed() -> None:
    refused("FROM scratch\n", "only python:3.11-slim may be used")
    assert policy_problems("FROM scratch\n", ("scratch",)) == []


@pytest.mark.parametrize(
    "dockerfile",
    [
        "ARG PYTHON=3.12\nFROM python:${PYTHON}-slim\n",
        "ARG PYTHON\nFROM python:${PYTHON:-3.11}-slim\n",
        "FROM python:3.11-slim$SUFFIX\n",  # not declared: a build arg could set it
        "ARG HTTP_PROXY=\nFROM ${HTTP_PROXY:+evil/}python:3.11-slim\n",
        "ARG TARGETARCH=amd64\nFROM python:3.11-slim${TARGETARCH:+x}\n",
        "ARG A=3.11\nARG A\nFROM python:${A}-slim\n",
    ],
)
def test_an_image_whose_name_is_not_known_for_certain_is_refused(dockerfile: str) -> None:
    assert policy_problems(dockerfile, ALLOWED)


def test_an_image_with_an_odd_form_is_refused() -> None:
    refused("FROM python:3.11-slim AS\n", "an image and at most `AS name` are expected")
    refused("FROM python:3.11-slim AS 1st\n", "not a stage name")
    refused("FROM --pull=always python:3.11-slim\n", "a flag not understood here is refused")
    refused("FROM\n", "names no image")


# Heredocs: the classic builder reads their lines as instructions, newer builders do not.


@pytest.mark.parametrize(
    "dockerfile",
    [
        BASE + "RUN <<EOF\necho hi\nEOF\n",
        BASE + 'COPY <<-"EOF" /x\nhello\nEOF\n',
        BASE + "RUN cat 3<<EOF\nEOF\n",
    ],
)
def test_heredocs_are_refused(dockerfile: str) -> None:
    refused(dockerfile, "heredocs (<<) are refused")


def test_a_shift_in_a_shell_command_is_not_a_heredoc() -> None:
    assert policy_problems(BASE + 'RUN python -c "print(1<<2)"\n', ALLOWED) == []


# WORKDIR is resolved as the engine resolves it.


@pytest.mark.parametrize(
    "lines",
    [
        "WORKDIR /app/../proc\n",
        "WORKDIR //sys/kernel\n",
        "WORKDIR /./dev\n",
        "WORKDIR /\nWORKDIR proc\n",
        "WORKDIR proc\n",
        "WORKDIR /app\nWORKDIR ../../dev/shm\n",
        "ENV D=/proc\nWORKDIR $D\n",
        "FROM python:3.11-slim AS x\nENV D=/proc\nFROM x\nWORKDIR ${D}/self\n",
    ],
)
def test_a_workdir_that_resolves_into_a_kernel_filesystem_is_refused(lines: str) -> None:
    refused(BASE + lines, "a kernel filesystem")


def test_a_workdir_that_cannot_be_resolved_is_refused() -> None:
    refused(BASE + "WORKDIR $LANG\n", "a directory chosen by a variable is refused")
    refused(BASE + "ARG D=/app\nWORKDIR $D\n", "a directory chosen by a variable")
    refused(BASE + "WORKDIR ../x\n", "climbs out of a directory this check cannot see")


# Everything else unusual is refused rather than guessed at.


def test_unknown_flags_and_instructions_are_refused() -> None:
    refused(BASE + "RUN --mount=type=cache,target=/root/.cache pip install flask\n", "--mount")
    refused(BASE + "RUN --foo true\n", "a flag not understood here is refused")
    refused(BASE + "COPY --parents a /b\n", "a flag not understood here is refused")
    refused(BASE + "COPY --from=b\u00e0se /a /b\n", "characters other than ASCII")
    refused(BASE + "FETCH http://x.invalid/a\n", "FETCH: not an instruction")
    refused("RUN true\n" + BASE, "comes before the first FROM")


def test_a_json_form_with_other_things_than_strings_is_refused() -> None:
    refused(BASE + 'ADD [NaN, "http://x.invalid/a", "/a"]\n', "JSON form")


def test_a_dockerfile_too_long_to_judge_whole_is_refused() -> None:
    text = BASE + ("# padding\n" * (LONGEST // 10)) + "FROM evil\n"
    assert policy_problems(text, ALLOWED) == [f"the Dockerfile is longer than {LONGEST} characters"]


# Ordinary Dockerfiles stay allowed.

MULTI_STAGE = """\
ARG PYTHON=3.11
FROM python:${PYTHON}-slim AS builder
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:${PYTHON}-slim
ENV APP_HOME=/srv/app \\
    PYTHONUNBUFFERED=1
WORKDIR $APP_HOME
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/* \\
    # comments inside a continuation are skipped
    && rm -rf /wheels
WORKDIR src
COPY --chown=1000:1000 ["app.py", "wsgi.py", "./"]
ADD ["vendor/lib.tar.gz", "/opt/"]
USER 1000
EXPOSE 8000
HEALTHCHECK --interval=30s CMD ["python", "-c", "print('ok')"]
ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000", "wsgi:app"]
"""


@pytest.mark.parametrize(
    "dockerfile",
    [
        ORDINARY,
        MULTI_STAGE,
        MULTI_STAGE.replace("\n", "\r\n"),
        "\ufeff" + ORDINARY,
        ORDINARY.replace("\n", "\n\n"),
        "FROM python:3.11-slim\nRUN apt-get update \\\n\n    && true\n",  # empty continuation
        "FROM python:3.11-slim\nRUN echo hi \\  \n  there\n",  # spaces after the escape
        'FROM python:3.11-slim\nCOPY "my file.txt" /app/\nCMD ["python", "app.py"]\n',
        "FROM python:3.11-slim AS base\nFROM base AS test\nCOPY --from=base /a /b\n",
        "FROM --platform=$BUILDPLATFORM python:3.11-slim\n",
        "# escape=\\\n" + ORDINARY.split("\n", 1)[1],
        "# escape=`\nFROM python:3.11-slim\nCOPY app.py C:\\app\\\nRUN echo `\n  done\n",
    ],
)
def test_ordinary_dockerfiles_stay_allowed(dockerfile: str) -> None:
    assert policy_problems(dockerfile, ALLOWED) == []


def test_crlf_and_comments_in_continuations_are_joined_as_the_engine_does() -> None:
    found = instructions(MULTI_STAGE.replace("\n", "\r\n"))
    run = [i for i in found if i.keyword == "RUN"][1]
    assert run.arguments == "pip install --no-cache-dir /wheels/*     && rm -rf /wheels"
    env = next(i for i in found if i.keyword == "ENV")
    assert env.line == 8
    assert "PYTHONUNBUFFERED=1" in env.arguments
