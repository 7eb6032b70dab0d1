"""Run the candidate's own tests inside their image, under coverage.py, with no network.

The IO edge of the engineering stage's dynamic half. The image built for grading is started a
second time, as hardened as the app (`sandbox.container.hardened_settings`) and with no network
at all, with the submission mounted read-only, a kit of pytest and coverage.py (pure-Python
wheels, installed once into a cache folder of this host by pip, never executed here;
coverage.py's compiled tracer for CPython 3.11 on this machine is added when pip has it, and an
image with another Python falls back to the pure one) and a folder for the two reports. The
container is killed at the task's time limit and always removed. Inside, the tests run as one
user and the reports are written by the kit's wrapper as another, into a folder only that user
may write, from what the tests streamed over a pipe while they ran. They still come out of a
container the candidate's code ran in: they are opened without following links, only when they
are regular files, and read with a size cap."""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import docker.errors
import requests
from docker.types import Mount

from grader.core.task import RuntimeSpec
from grader.sandbox.container import app_user, data_volume, full_log, hardened_settings
from grader.sandbox.engine_host import remote_engine_host
from grader.stages.engineering.own_tests import (
    MAX_REPORT_BYTES,
    OwnTests,
    OwnTestsNotRun,
    parse_own_tests,
)
from grader.stages.engineering.own_tests_volume import (
    MOUNT,
    StagingFailed,
    read_report,
    remove_volume,
    staged_volume,
)

KIT_REQUIREMENTS = (
    "pytest==9.2.0",
    "pluggy==1.7.0",
    "iniconfig==2.3.1",
    "packaging==26.3",
    "pygments==2.21.0",
    "coverage==7.17.3",
)
KIT_FILES = ("grader_counts.py", "run_own_tests.py")
REPORT_USER = 10002  # as in own_tests_kit/run_own_tests.py
COVERAGE = next(r for r in KIT_REQUIREMENTS if r.startswith("coverage=="))
TRACER_PLATFORM = f"manylinux2014_{platform.machine()}"
PIP_TIMEOUT_S = 300.0
_kit_lock = threading.Lock()


@dataclass(frozen=True)
class OwnTestsRun:
    result: OwnTests | OwnTestsNotRun
    log: str
    duration_s: float


def kit_folder() -> Path:
    """Where the kit is kept: $GRADER_CACHE_DIR, else ~/.cache/grader; named by its content."""
    cache = os.environ.get("GRADER_CACHE_DIR") or str(Path.home() / ".cache" / "grader")
    digest = hashlib.sha256()
    for requirement in (*KIT_REQUIREMENTS, TRACER_PLATFORM):
        digest.update(requirement.encode() + b"\0")
    for name in KIT_FILES:
        digest.update(_kit_file(name).encode() + b"\0")
    return Path(cache) / f"own-tests-kit-{digest.hexdigest()[:16]}"


def ensure_kit(folder: Path | None = None) -> Path | str:
    """The kit's folder, installed if missing; or why it cannot be."""
    folder = folder or kit_folder()
    with _kit_lock:
        if (folder / ".complete").is_file():
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".kit-", dir=folder.parent))
        try:
            problem = _pip_install(
                scratch, ("--platform=any", "--implementation=py", "--abi=none"), KIT_REQUIREMENTS
            )
            if problem:
                return problem
            with tempfile.TemporaryDirectory(dir=folder.parent) as compiled:
                tracer = (f"--platform={TRACER_PLATFORM}", "--implementation=cp", "--abi=cp311")
                if not _pip_install(Path(compiled), tracer, (COVERAGE,)):  # else: pure Python
                    shutil.rmtree(scratch / "coverage")
                    shutil.copytree(Path(compiled) / "coverage", scratch / "coverage")
            for name in KIT_FILES:
                (scratch / name).write_text(_kit_file(name), encoding="utf-8")
            for path in (scratch, *scratch.rglob("*")):
                path.chmod(0o755 if path.is_dir() else 0o644)
            (scratch / ".complete").write_text("", encoding="utf-8")
            shutil.rmtree(folder, ignore_errors=True)  # an earlier, unfinished install
            scratch.rename(folder)
            return folder
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _pip_install(target: Path, wheels: tuple[str, ...], requirements: tuple[str, ...]) -> str:
    """Install wheels (never a source distribution: nothing of theirs runs) into `target`;
    "" when it worked, else why not."""
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-compile", "--no-deps", "--only-binary=:all:", *wheels, "--python-version=3.11",
        f"--target={target}", *requirements,
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"pip did not install pytest and coverage in {PIP_TIMEOUT_S:g} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"pip could not install pytest and coverage: {last[:200]}"
    return ""


def _kit_file(name: str) -> str:
    return (
        resources.files("grader.stages.engineering.own_tests_kit")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


def run_own_tests(
    client: Any,
    image_id: str,
    runtime: RuntimeSpec,
    source: Path,
    workdir: Path,
    name: str,
    labels: dict[str, str],
    timeout_s: float,
) -> OwnTestsRun:
    started = time.monotonic()
    kit = ensure_kit()
    if isinstance(kit, str):
        return OwnTestsRun(OwnTestsNotRun(kit, harness=True), "", time.monotonic() - started)
    image_config = client.images.get(image_id).attrs.get("Config") or {}
    remote = remote_engine_host() is not None  # this host's folders cannot be mounted there
    volumes: list[Any] = []
    try:
        if remote:
            settings = _settings_on_remote_engine(
                client, runtime, image_config, source, kit, name, labels, volumes
            )
        else:
            settings = _settings_on_this_host(runtime, image_config, source, kit, workdir)
        return _run(client, image_id, settings, name, labels, timeout_s, workdir, remote, started)
    except StagingFailed as failure:
        return OwnTestsRun(
            OwnTestsNotRun(failure.message, harness=True), "", time.monotonic() - started
        )
    finally:
        for volume in volumes:
            remove_volume(volume)


def _settings_on_this_host(
    runtime: RuntimeSpec, image_config: dict[str, Any], source: Path, kit: Path, workdir: Path
) -> dict[str, Any]:
    out = workdir / "own-tests-out"
    out.mkdir(mode=0o700)
    os.chown(out, REPORT_USER, REPORT_USER)  # the kit's reporting user alone writes here
    data = None
    if runtime.data_dir:
        data = workdir / "own-tests-data"
        data.mkdir()
        data.chmod(0o777)
    settings = hardened_settings(runtime, image_config, data)
    settings["mounts"] = [
        *settings["mounts"],
        Mount(target="/grader/src", source=str(source), type="bind", read_only=True),
        Mount(target="/grader/kit", source=str(kit), type="bind", read_only=True),
        Mount(target="/grader/out", source=str(out), type="bind"),
    ]
    return settings


def _settings_on_remote_engine(
    client: Any,
    runtime: RuntimeSpec,
    image_config: dict[str, Any],
    source: Path,
    kit: Path,
    name: str,
    labels: dict[str, str],
    volumes: list[Any],
) -> dict[str, Any]:
    base = runtime.base_images[0]
    staged = staged_volume(client, base, name, labels, source, kit, REPORT_USER)
    volumes.append(staged)
    data = None
    if runtime.data_dir:
        user = app_user(image_config)
        data = data_volume(client, runtime, f"{name}-own-tests-data", labels, user)
        volumes.append(data)
    settings = hardened_settings(runtime, image_config, data_volume=data.name if data else None)
    settings["mounts"] = [
        *settings["mounts"],
        Mount(target=MOUNT, source=staged.name, type="volume"),
    ]
    return settings


def _run(
    client: Any,
    image_id: str,
    settings: dict[str, Any],
    name: str,
    labels: dict[str, str],
    timeout_s: float,
    workdir: Path,
    remote: bool,
    started: float,
) -> OwnTestsRun:
    # the kit's wrapper starts as root with only the power to change user: the tests run as
    # one user, the reports are written as another (see own_tests_kit/run_own_tests.py)
    settings["user"] = "0:0"
    settings["cap_add"] = ["SETUID", "SETGID"]
    settings["environment"] = {
        **settings["environment"],
        "PYTHONPATH": "/grader/kit",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    container = None
    timed_out = False
    reports: dict[str, str | None] = {}
    try:
        container = client.containers.create(
            image_id,
            name=f"{name}-own-tests",
            labels=labels,
            network_mode="none",
            entrypoint=["python3"],
            command=["-E", "-S", "-B", "/grader/kit/run_own_tests.py"],  # no site of the image's
            **settings,
        )
        container.start()
        try:
            container.wait(timeout=timeout_s)
        except requests.exceptions.RequestException:  # the client gave up waiting
            container.reload()
            timed_out = container.status == "running"  # else it ended as the wait gave up
            if timed_out:
                with contextlib.suppress(docker.errors.APIError):
                    container.kill()
        log = full_log(container)
        for report in ("counts.json", "coverage.json"):
            reports[report] = (
                read_report(container, f"{MOUNT}/out/{report}", MAX_REPORT_BYTES)
                if remote
                else _read_report(workdir / "own-tests-out" / report)
            )
    except docker.errors.APIError as error:  # the engine's doing: an image without python3
        # still starts (its init process reports the failed exec, and no report is written)
        reason = f"the test container could not start: {error.explanation or error}"
        return OwnTestsRun(OwnTestsNotRun(reason, harness=True), "", time.monotonic() - started)
    finally:
        if container is not None:
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True, v=True)
    duration = time.monotonic() - started
    if timed_out:
        reason = f"the tests did not finish in {timeout_s:g} s and were stopped"
        return OwnTestsRun(OwnTestsNotRun(reason), log, duration)
    parsed = parse_own_tests(reports["counts.json"], reports["coverage.json"])
    if isinstance(parsed, str):
        tail = [line for line in log.strip().splitlines() if line.strip()][-3:]
        reason = parsed + (f"; last lines of its output: {' | '.join(tail)}" if tail else "")
        return OwnTestsRun(OwnTestsNotRun(reason[:600]), log, duration)
    return OwnTestsRun(parsed, log, duration)


def _read_report(path: Path) -> str | None:
    """A report the container wrote: a regular file, not a link or a pipe, and not too big."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as report:
        info = os.fstat(report.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_REPORT_BYTES:
            return None
        return report.read(MAX_REPORT_BYTES + 1).decode("utf-8", errors="replace")
