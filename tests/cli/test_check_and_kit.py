"""`grader check --url` against a server on loopback, and the candidate kit (no Docker)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, SOLUTIONS, free_port

HIDDEN = REPO / "reference_tests" / "notes-api" / "hidden"
TASK = REPO / "tasks" / "notes-api"
PUBLIC_FILES = [TASK / "BRIEF.md", TASK / "openapi.yaml", TASK / "task.toml"] + [
    path for path in (REPO / "reference_tests" / "notes-api").rglob("*.py")
    if HIDDEN not in path.parents
]  # fmt: skip
PUBLIC_TEXT = "".join(path.read_text() for path in PUBLIC_FILES)


def serve(solution: str, tmp_path: Path) -> Iterator[str]:
    """Run a solution with Flask's server on 127.0.0.1; stop it by its own pid."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "notes:create_app", "run",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=SOLUTIONS / solution,
        env={"PATH": "/usr/bin:/bin", "DATABASE_PATH": str(tmp_path / f"{solution}.db")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def reference_url(tmp_path: Path) -> Iterator[str]:
    yield from serve("reference", tmp_path)


@pytest.fixture
def flawed_url(tmp_path: Path) -> Iterator[str]:
    yield from serve("no-validation", tmp_path)


def grader(*arguments: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *arguments],
        capture_output=True, text=True, timeout=300, cwd=cwd,
    )  # fmt: skip


def hidden_strings() -> set[str]:
    """Names and distinctive strings of the hidden tests: none may reach a candidate."""
    found: set[str] = set()
    for path in HIDDEN.rglob("*.py"):
        found.add(path.name)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.add(node.name)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if len(text) >= 12 and text not in PUBLIC_TEXT:
                    found.add(text)
    assert len(found) > 10, "the hidden suite should give plenty to look for"
    return found


def test_a_correct_server_passes_the_public_checks(reference_url: str) -> None:
    done = grader("check", "--url", reference_url, "--task", "notes-api")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "notes-api 1.0.0: 100.0 % of the public checks (60 of 60 points)" in done.stdout
    assert "  ✓ A note without a title is refused with 422" in done.stdout
    assert "11 more checks run when you submit." in done.stdout


def test_a_flawed_server_gets_what_failed_and_a_hint(flawed_url: str) -> None:
    done = grader("check", "--url", flawed_url, "--task", "notes-api")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    failed = lines.index("  ✗ A note without a title is refused with 422")
    assert lines[failed + 1].startswith(
        "      test_note_without_title_is_refused: failed: expected 422, got 201"
    )
    assert lines[failed + 2].startswith("      hint: Check required fields before storing")
    assert "Validation  0/10" in lines
    assert "CRUD  20/20" in lines
    for secret in hidden_strings():
        assert secret not in done.stdout


def test_fail_under_turns_a_low_score_into_exit_1(flawed_url: str) -> None:
    done = grader("check", "--url", flawed_url, "--task", "notes-api", "--fail-under", "90")
    assert done.returncode == 1, done.stdout
    assert "below --fail-under 90 %: local (" in done.stderr


def test_nothing_listening_is_not_checked(tmp_path: Path) -> None:
    done = grader("check", "--url", f"http://127.0.0.1:{free_port()}", "--task", "notes-api")
    assert done.returncode == 3, done.stdout
    assert "not checked: not_ready" in done.stdout
    assert "start your app first" in done.stdout


def test_without_a_task_or_kit_config_it_says_what_to_do(tmp_path: Path) -> None:
    done = grader("check", str(tmp_path), "--url", "http://127.0.0.1:9")
    assert done.returncode == 4
    assert "pass --task, or put a .grader.toml" in done.stderr


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Exported once for this module: the export builds the grader's wheel, which takes a while."""
    out = tmp_path_factory.mktemp("kit") / "kit"
    done = grader("tasks", "export-kit", "notes-api", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_the_kit_installs_the_grader_from_its_wheel_in_a_fresh_venv(
    kit: Path, tmp_path: Path
) -> None:
    readme = (kit / "README.md").read_text()
    (command,) = [line.strip() for line in readme.splitlines() if "-m pip install" in line]
    (wheel,) = (kit / "grader-kit" / "wheels").glob("takehome_api_grader-*-py3-none-any.whl")
    assert command == f'python -m pip install "grader-kit/wheels/{wheel.name}"'
    assert "not `pip install grader`" in readme
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)

    path = f"{venv / 'bin'}:{os.environ['PATH']}"  # as after `source venv/bin/activate`
    installed = subprocess.run(["bash", "-c", command], cwd=kit, capture_output=True, text=True,
                               timeout=900, env={**os.environ, "PATH": path})  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr

    helped = subprocess.run([str(venv / "bin" / "grader"), "check", "--help"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert helped.returncode == 0, helped.stderr
    assert "Check your submission against the public tests" in helped.stdout
    version = subprocess.run(
        [str(venv / "bin" / "python"), "-c",
         "from importlib.metadata import version; print(version('takehome-api-grader'))"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert version.stdout.strip() == "0.1.0", version.stderr


def test_the_kit_has_what_a_candidate_needs(kit: Path) -> None:
    for name in ("BRIEF.md", "openapi.yaml", ".grader.toml", "README.md",
                 "grader-kit/tasks/notes-api/task.toml",
                 "grader-kit/reference_tests/notes-api/conftest.py",
                 "grader-kit/reference_tests/notes-api/public/test_notes_public.py"):  # fmt: skip
        assert (kit / name).is_file(), name
    assert kit.with_suffix(".zip").is_file()
    assert "hidden_checks = 11" in (kit / ".grader.toml").read_text()


def test_no_hidden_test_or_solution_leaks_into_the_kit(kit: Path) -> None:
    secrets = hidden_strings()
    files = [path for path in kit.rglob("*") if path.is_file()]
    assert not [p for p in files if "hidden" in p.parts or "solutions" in p.parts]
    for path in files:
        text = path.read_text(errors="replace")
        leaked = [secret for secret in secrets if secret in text]
        assert not leaked, f"{path.relative_to(kit)} holds {leaked}"
    archives = [kit.with_suffix(".zip"), *(kit / "grader-kit" / "wheels").glob("*.whl")]
    for archive in archives:
        with zipfile.ZipFile(archive) as bundle:
            for name in bundle.namelist():
                text = bundle.read(name).decode(errors="replace")
                assert not [secret for secret in secrets if secret in text], (archive, name)
                assert "hidden" not in Path(name).parts


def test_the_kit_checks_a_server_from_the_candidates_repo(kit: Path, reference_url: str) -> None:
    done = grader("check", "--url", reference_url, cwd=kit)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "100.0 % of the public checks" in done.stdout
    assert "11 more checks run when you submit." in done.stdout


def test_the_kits_tests_run_with_plain_pytest(kit: Path, reference_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "grader-kit/reference_tests/notes-api",
         "--base-url", reference_url, "-q", "-p", "no:cacheprovider"],
        capture_output=True, text=True, cwd=kit, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    assert "5 passed" in done.stdout


def test_public_tests_run_with_plain_pytest_in_this_repo(reference_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "reference_tests/notes-api/public",
         "--base-url", reference_url, "-q", "-p", "no:cacheprovider"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    assert "5 passed" in done.stdout
