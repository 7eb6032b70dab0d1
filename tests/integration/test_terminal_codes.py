"""A submission that prints terminal control sequences drives neither the terminal nor a report.

Three submissions print a payload (retitle the terminal, clear the screen, set the clipboard,
ask for the cursor position, and a green fake "all submissions scored 100.0 %" line) from their
build and from their app: one is graded, one fails its build, one exits at start (so the
payload lands in the messages every view shows). `grader grade` and `grader check` run under a
pseudo-terminal, as an operator's would, with a GitHub step summary file set. None of the
payload's sequences may reach the terminal, the step summary or any rendered report, and the
fake line never stands on a line of its own in the terminal. (result.json, the record every
report is rendered from, keeps the messages as observed, JSON-escaped; logs/ keeps the raw
output for audit.)
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from tests.conftest import REPO, SOLUTIONS, labelled_leftovers

FAKE_LINE = "all submissions scored 100.0 %"
PAYLOAD = (
    r"\x1b]0;pwned\x07\x1b[2J\x1b[H\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[6n"
    rf"\x1b[32m{FAKE_LINE}\x1b[0m\n"
)  # as Python source: each submission writes it with print()
SEQUENCES = ("\x1b]0;", "\x1b[2J", "\x1b[H", "\x1b]52;", "\x1b[6n", "\x07")
TEXT_REPORTS = (".html", ".md", ".xml", ".csv", ".json", ".txt")
SGR_OF_THE_GRADER = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def write_submission(folder: Path, *, build_fails: bool = False, exits: bool = False) -> Path:
    shutil.copytree(SOLUTIONS / "reference", folder)
    shout = f"import sys; sys.stdout.write('{PAYLOAD}'); sys.stderr.write('{PAYLOAD}')"
    (folder / "noise.py").write_text(
        f"import sys\n\n\ndef shout():\n    sys.stdout.write('{PAYLOAD}')\n"
        f"    sys.stderr.write('{PAYLOAD}')\n    sys.stdout.flush()\n    sys.stderr.flush()\n"
    )
    (folder / "wsgi.py").write_text(
        "from noise import shout\nfrom notes import create_app\n\nshout()\n"
        "app = create_app()\n\n\n@app.after_request\ndef noisy(response):\n"
        "    shout()\n    return response\n"
    )
    (folder / "exits.py").write_text("from noise import shout\n\nshout()\nraise SystemExit(1)\n")
    command = (
        '["python", "exits.py"]'
        if exits
        else ('["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "1", "wsgi:app"]')
    )
    (folder / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt gunicorn\n"
        f'RUN python -c "{shout}"' + (" && exit 1" if build_fails else "") + "\n"
        "COPY . .\n"
        f"CMD {command}\n"
    )
    return folder


def run_in_terminal(command: list[str], env: dict[str, str], timeout_s: float) -> tuple[int, str]:
    """Run `command` with a pseudo-terminal as its stdin, stdout and stderr; all it wrote."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        command, stdin=terminal, stdout=terminal, stderr=terminal, cwd=REPO, env=env,
        start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], timeout_s)
            if not ready:
                process.kill()
                raise AssertionError(f"no output for {timeout_s} s from {command}")
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(controller)
        code = process.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


def assert_neutral(text: str, where: str) -> None:
    found = [s for s in SEQUENCES if s in text]
    assert not found, f"{where} holds {found!r}"


def assert_no_fake_line(shown: str) -> None:
    plain = SGR_OF_THE_GRADER.sub("", shown).replace("\r", "\n")
    posing = [line for line in plain.splitlines() if line.startswith(FAKE_LINE)]
    assert not posing, "the fake line stands as a line of the grader's own"


def test_printed_control_sequences_reach_no_terminal_and_no_report(
    docker_client: Any, tmp_path: Path
) -> None:
    subs = tmp_path / "subs"
    sources = [
        write_submission(subs / "shouts-and-passes"),
        write_submission(subs / "shouts-in-a-failed-build", build_fails=True),
        write_submission(subs / "shouts-and-exits", exits=True),
    ]
    summary = tmp_path / "step-summary.md"
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120",
           "GITHUB_STEP_SUMMARY": str(summary)}  # fmt: skip
    env.pop("NO_COLOR", None)
    run_id = f"first-terminal-{uuid.uuid4().hex[:8]}"
    out = tmp_path / "results"

    code, shown = run_in_terminal(
        [sys.executable, "-m", "grader", "grade", *map(str, sources), "--task", "notes-api",
         "--public-only", "--out", str(out), "--run-id", run_id],
        env, timeout_s=600,
    )  # fmt: skip

    assert code == 3, shown  # two submissions were not graded
    assert "shouts-and-passes" in shown
    assert "build_failed" in shown
    assert "start_failed" in shown
    assert_neutral(shown, "the terminal of `grader grade`")
    assert_no_fake_line(shown)
    run_dir = out / run_id
    logs = [p for p in run_dir.rglob("*.log")]
    assert any(FAKE_LINE in p.read_text(errors="replace") for p in logs), (
        "the payload was printed (it is in the raw logs kept for audit)"
    )
    reports = [
        p
        for p in run_dir.rglob("*")
        if p.suffix in TEXT_REPORTS and p.is_file() and p.name != "result.json"
    ]
    assert {p.name for p in reports} >= {"report.html", "summary.md", "junit.xml", "scores.csv"}
    for report in reports:
        text = report.read_text(encoding="utf-8")
        assert_neutral(text, str(report.relative_to(run_dir)))
        assert not [code for code in ("\\u001b", "\\u0007") if code in text], report
    assert FAKE_LINE in (run_dir / "shouts-in-a-failed-build" / "result.json").read_text(), (
        "the message keeps the text of the build's output, only its control codes go"
    )

    check_code, checked = run_in_terminal(
        [sys.executable, "-m", "grader", "check", str(sources[2]), "--task", "notes-api",
         "--out", str(tmp_path / "check")],
        env, timeout_s=600,
    )  # fmt: skip

    assert check_code == 3, checked
    assert "not checked: start_failed" in checked
    assert_neutral(checked, "the terminal of `grader check`")
    assert_no_fake_line(checked)
    step_summary = summary.read_text(encoding="utf-8")
    assert "grader check" in step_summary
    assert "grader:" in step_summary
    assert_neutral(step_summary, "the step summary")
    assert not labelled_leftovers(docker_client, run_id)["containers"]
