"""Build: a source tree becomes an image, within a time bound, with its log kept.

A submission with a Dockerfile is built as it is; one without gets a generated Dockerfile that
serves its Flask app with gunicorn (see `flask_dockerfile`). A failed or timed-out build is a
`BuildFailure` with the log tail, and the intermediate images it left are removed.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker.errors
import requests
import urllib3.exceptions

from grader.dockerfile_policy import policy_problems
from grader.flask_dockerfile import candidate_paths, find_wsgi_target, render_dockerfile
from grader.result import Status
from grader.task import RuntimeSpec

GENERATED_DOCKERFILE = ".grader.Dockerfile"
LOG_LIMIT = 1 << 20
BUILD_MEMORY = 2 << 30
LAYER_LINE = re.compile(r"^ ---> ([0-9a-f]{12,64})\s*$")
ENTRY_SIZE_LIMIT = 512 * 1024
DOCKERFILE_LIMIT = 256 * 1024


@dataclass(frozen=True)
class Built:
    image_id: str
    log: str
    dockerfile: str  # "Dockerfile", or the generated one's name
    duration_s: float


@dataclass(frozen=True)
class BuildFailure:
    status: Status
    reason: str
    log: str
    duration_s: float


def choose_dockerfile(tree: Path, runtime: RuntimeSpec) -> str | BuildFailure:
    """The submission's own Dockerfile, or a generated one written into the tree."""
    if (tree / "Dockerfile").is_file():
        return "Dockerfile"
    top_level = sorted(p.name for p in tree.iterdir() if p.is_file())
    packages = sorted(p.name for p in tree.iterdir() if (p / "__init__.py").is_file())
    sources = {}
    for relative in candidate_paths(top_level, packages):
        path = tree / relative
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= ENTRY_SIZE_LIMIT:
            sources[relative] = path.read_text(encoding="utf-8", errors="replace")
    target = find_wsgi_target(sources)
    if target is None:
        looked = ", ".join(sources) or "no Python entry module"
        return BuildFailure(
            Status.BUILD_FAILED,
            "no Dockerfile, and no Flask app found: expected a module-level `app` or a "
            f"`create_app()` factory (looked in: {looked})",
            log="",
            duration_s=0.0,
        )
    text = render_dockerfile(
        target,
        base_image=runtime.base_images[0],
        port=runtime.port,
        has_requirements=(tree / "requirements.txt").is_file(),
        has_pyproject=(tree / "pyproject.toml").is_file(),
    )
    generated = tree / GENERATED_DOCKERFILE
    generated.unlink(missing_ok=True)  # never write through whatever the submission put there
    with generated.open("x", encoding="utf-8") as out:
        out.write(text)
    return GENERATED_DOCKERFILE


def build_image(
    client: Any, tree: Path, runtime: RuntimeSpec, tag: str, labels: dict[str, str]
) -> Built | BuildFailure:
    started = time.monotonic()
    dockerfile = choose_dockerfile(tree, runtime)
    if isinstance(dockerfile, BuildFailure):
        return dockerfile
    text = (tree / dockerfile).read_text(encoding="utf-8", errors="replace")[:DOCKERFILE_LIMIT]
    problems = policy_problems(text, runtime.base_images)
    if problems:
        reason = "the Dockerfile was refused: " + "; ".join(problems)
        return BuildFailure(Status.BUILD_REJECTED, reason, log="", duration_s=0.0)
    deadline = started + runtime.build_timeout_s
    log = _Log()
    image_id = None
    error = None
    try:
        stream = client.api.build(
            path=str(tree),
            dockerfile=dockerfile,
            tag=tag,
            labels=labels,
            rm=True,
            forcerm=True,
            pull=False,
            decode=True,
            timeout=runtime.build_timeout_s,
            container_limits={"memory": BUILD_MEMORY, "memswap": BUILD_MEMORY},
        )
        for chunk in stream:
            log.add(str(chunk.get("stream", "")))
            if "error" in chunk:
                error = str(chunk["error"]).strip()
                log.add(f"ERROR: {error}\n")
            if isinstance(chunk.get("aux"), dict) and "ID" in chunk["aux"]:
                image_id = str(chunk["aux"]["ID"])
            if time.monotonic() > deadline:
                stream.close()
                return _failed(client, Status.BUILD_TIMEOUT, _timeout(runtime), log, started)
    except (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError):
        return _failed(client, Status.BUILD_TIMEOUT, _timeout(runtime), log, started)
    except (docker.errors.APIError, docker.errors.BuildError) as failure:
        error = str(getattr(failure, "explanation", None) or failure)
    except requests.exceptions.ConnectionError as failure:
        if time.monotonic() > deadline:
            return _failed(client, Status.BUILD_TIMEOUT, _timeout(runtime), log, started)
        error = f"lost the connection to the engine: {failure}"
    if error or image_id is None:
        reason = f"docker build failed: {error or 'no image was produced'}"
        return _failed(client, Status.BUILD_FAILED, reason, log, started)
    return Built(image_id, log.text(), dockerfile, time.monotonic() - started)


def _timeout(runtime: RuntimeSpec) -> str:
    return f"the build did not finish within {runtime.build_timeout_s:g} s"


def _failed(client: Any, status: Status, reason: str, log: _Log, started: float) -> BuildFailure:
    """A failure, after removing the intermediate images the build left (they carry no label)."""
    text = log.text()
    for image_id in reversed(created_layers(text)):
        try:
            if not client.images.get(image_id).tags:  # never a base image or a named image
                client.images.remove(image_id, noprune=False)
        except docker.errors.APIError:
            pass  # already gone, or the parent of a layer another build still uses
    return BuildFailure(status, reason, text, time.monotonic() - started)


def created_layers(log: str) -> list[str]:
    """Ids of the layers this build made: every ` ---> ID` line but the base image's (first)
    and those that came from the cache."""
    layers = []
    from_cache = False
    first = True
    for line in log.splitlines():
        if line.strip() == "---> Using cache":
            from_cache = True
            continue
        match = LAYER_LINE.match(line)
        if match:
            if not (first or from_cache):
                layers.append(match.group(1))
            first = from_cache = False
    return layers


class _Log:
    """The build output, keeping the head and the tail when it grows past `LOG_LIMIT`."""

    def __init__(self) -> None:
        self.head: list[str] = []
        self.head_size = 0
        self.tail: deque[str] = deque()
        self.tail_size = 0
        self.dropped = 0

    def add(self, text: str) -> None:
        if self.head_size < LOG_LIMIT // 2:
            self.head.append(text)
            self.head_size += len(text)
            return
        self.tail.append(text)
        self.tail_size += len(text)
        while self.tail_size > LOG_LIMIT // 2 and len(self.tail) > 1:
            dropped = self.tail.popleft()
            self.tail_size -= len(dropped)
            self.dropped += len(dropped)

    def text(self) -> str:
        gap = [f"\n[... {self.dropped} characters of build output left out ...]\n"]
        return "".join(self.head + (gap if self.dropped else []) + list(self.tail))
