"""Serving a solution (or a mutant of it) on loopback, as its container would serve it.

IO. A virtual environment holding the solution's requirements and gunicorn is made once per
requirements file and kept in the cache folder (`venv_for`). Each mutant is then served by
gunicorn from that environment on 127.0.0.1 and a free port, with the task's [runtime].env,
a fresh SQLite database in its own temporary folder (`DATABASE_URL`, and `DATABASE_PATH` for
apps that take a file path), and any env value that pointed into the task's data folder
moved into that temporary folder. The server is one process group, stopped by its own pid.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from grader.core.errors import GraderError
from grader.core.task import RuntimeSpec
from grader.stages.build.flask_dockerfile import WsgiTarget, candidate_paths, find_wsgi_target

VENV_TIMEOUT_S = 600
STOP_GRACE_S = 3.0
POLL_S = 0.1
LOG_TAIL = 4000


class LiveProcesses:
    """The process groups an audit has running, so an interrupt can end them all at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: set[subprocess.Popen[bytes]] = set()
        self.stopping = threading.Event()

    def add(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._processes.add(process)
        if self.stopping.is_set():
            _kill_group(process)

    def discard(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._processes.discard(process)

    def stop(self) -> None:
        self.stopping.set()
        with self._lock:
            running = list(self._processes)
        for process in running:
            _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Served:
    base_url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def running(self) -> bool:
        return self.process.poll() is None

    def log_tail(self) -> str:
        try:
            data = self.log.read_bytes()
        except OSError:
            return ""
        return data[-LOG_TAIL:].decode("utf-8", errors="replace")


def wsgi_target(source: Path) -> WsgiTarget:
    """The app gunicorn serves, found as the grader's generated Dockerfile finds it."""
    top_level = sorted(p.name for p in source.iterdir() if p.is_file())
    packages = sorted(
        p.name for p in source.iterdir() if p.is_dir() and (p / "__init__.py").is_file()
    )
    texts = {}
    for path in candidate_paths(top_level, packages):
        try:
            texts[path] = (source / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    target = find_wsgi_target(texts)
    if target is None:
        raise GraderError(f"{source}: no Flask app or create_app() factory to serve")
    return target


def venv_for(source: Path, cache: Path) -> Path:
    """A virtual environment with the solution's requirements and gunicorn, made once."""
    requirements = source / "requirements.txt"
    wanted = requirements.read_bytes() if requirements.is_file() else b"flask\n"
    key = hashlib.sha256(wanted + sys.version.encode()).hexdigest()[:16]
    venv = cache / "venvs" / key
    python = venv / "bin" / "python"
    if (venv / ".complete").is_file():
        return python
    venv.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=venv.parent))
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(scratch)], check=True, capture_output=True
        )
        (scratch / "requirements.txt").write_bytes(wanted)
        done = subprocess.run(
            [
                str(scratch / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-r",
                str(scratch / "requirements.txt"),
                "gunicorn",
            ],
            capture_output=True,
            text=True,
            timeout=VENV_TIMEOUT_S,
        )
        if done.returncode != 0:
            raise GraderError(
                f"could not install {requirements} for the audit: {done.stderr[-1500:]}"
            )
        (scratch / ".complete").write_text("", encoding="utf-8")
        if venv.exists() and not (venv / ".complete").is_file():
            _remove(venv)  # left half-made by an audit that was stopped
        try:
            scratch.rename(venv)  # run through `python -m`: a moved venv's python still works
        except OSError:
            if not (venv / ".complete").is_file():
                raise
    except (OSError, subprocess.SubprocessError) as error:
        raise GraderError(f"could not make the audit's environment: {error}") from None
    finally:
        if scratch.exists():
            _remove(scratch)
    return python


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_environment(runtime: RuntimeSpec, data: Path) -> dict[str, str]:
    """The task's env for one served copy: its database and data files under `data`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "HOME")
    }
    for key, value in runtime.env.items():
        if runtime.data_dir and runtime.data_dir in value:
            value = value.replace(runtime.data_dir.rstrip("/"), str(data))
        env[key] = value
    env.update(
        DATABASE_URL=f"sqlite:///{data / 'app.db'}",
        DATABASE_PATH=str(data / "app.db"),
        TMPDIR=str(data),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def serve(
    python: Path,
    source: Path,
    target: WsgiTarget,
    runtime: RuntimeSpec,
    extra_env: Mapping[str, str] | None = None,
    live: LiveProcesses | None = None,
) -> Iterator[Served]:
    """gunicorn serving `source` on loopback until the block ends; not yet known to be ready."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="grader-audit-app-") as data_dir:
        data = Path(data_dir)
        log = data / "server.log"
        env = {**app_environment(runtime, data), **(extra_env or {})}
        command = [
            str(python),
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--graceful-timeout",
            "1",
            str(target),
        ]
        try:
            with log.open("wb") as sink:
                process = subprocess.Popen(
                    command,
                    cwd=source,
                    env=env,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
        except OSError as error:
            raise GraderError(f"could not start gunicorn for the audit: {error}") from None
        served = Served(f"http://127.0.0.1:{port}", port, process, log)
        if live is not None:
            live.add(process)
        try:
            yield served
        finally:
            _stop(process)
            if live is not None:
                live.discard(process)


def wait_ready(served: Served, health_path: str, timeout_s: float) -> str:
    """'' once the health path answers 2xx; otherwise why not."""
    deadline = time.monotonic() + timeout_s
    url = served.base_url + health_path
    with httpx.Client(timeout=2.0, follow_redirects=False) as client:
        while time.monotonic() < deadline:
            if not served.running():
                return f"the app exited with code {served.process.returncode} before it was ready"
            try:
                if client.get(url).is_success:
                    return ""
            except httpx.HTTPError:
                pass
            time.sleep(POLL_S)
    return f"{health_path} did not answer 2xx within {timeout_s:g} s"


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=STOP_GRACE_S)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
