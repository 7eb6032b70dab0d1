"""Build: a source tree becomes an image, within a time bound, with its log kept.

A submission with a Dockerfile is built as it is; one without gets a generated Dockerfile that
serves its Flask app with gunicorn (see `flask_dockerfile`). The build runs confined
(`sandbox.build_confinement`: its own network closed to this host, a pids bound, memory, a
file-size bound) and watched: past its time or once a step writes more than the task's
`build_disk_mb`, the step is stopped, and an image that adds more than that is refused. A failed
or timed-out build is a `BuildFailure` with the log tail, and the images it left are removed.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import docker.errors
import requests
import urllib3.exceptions

from grader.core.result import Status
from grader.core.task import RuntimeSpec
from grader.sandbox.build_confinement import BuildConfinement, confine_build
from grader.sandbox.engine import LABEL_RUN
from grader.stages.build.dockerfile_policy import policy_problems
from grader.stages.build.flask_dockerfile import (
    PIPFILE_REQUIREMENTS,
    candidate_paths,
    find_wsgi_target,
    includes_others,
    is_asgi,
    pipfile_lock_requirements,
    render_dockerfile,
    requirements_file,
)

GENERATED_DOCKERFILE = ".grader.Dockerfile"
LOG_LIMIT = 1 << 20
BUILD_MEMORY = 2 << 30
CONTEXT_MAKER = Path(__file__).with_name("context.py")
CONTEXT_TIMEOUT_S = 30.0
WATCH_INTERVAL_S = 1.0
ENTRY_SIZE_LIMIT = 512 * 1024
DOCKERFILE_LIMIT = 256 * 1024
PACKAGE_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


@dataclass(frozen=True)
class Built:
    image_id: str
    log: str
    dockerfile: str  # "Dockerfile", or the generated one's name
    duration_s: float
    note: str = ""  # how the Dockerfile was chosen, when that needs saying


@dataclass(frozen=True)
class BuildFailure:
    status: Status
    reason: str
    log: str
    duration_s: float


def choose_dockerfile(tree: Path, runtime: RuntimeSpec) -> str | BuildFailure:
    """The submission's own Dockerfile, or a generated one written into the tree; for any
    repository (`runtime.any_repository`), a `Dockerfile.*` when there is no `Dockerfile`."""
    if (tree / "Dockerfile").is_file():
        return "Dockerfile"
    if runtime.any_repository:
        variants = sorted(
            (p.name for p in tree.iterdir() if p.name.startswith("Dockerfile.") and p.is_file()),
            key=_variant_rank,
        )
        if variants:
            return variants[0]
    return generate_dockerfile(tree, runtime)


def _variant_rank(name: str) -> tuple[int, str]:
    """Dockerfile.prod, .production, .api, .backend, .app, .server first; .dev, .test last."""
    suffix = name.removeprefix("Dockerfile.").lower()
    preferred = ("prod", "production", "api", "backend", "app", "server", "web")
    if suffix in preferred:
        return (preferred.index(suffix), name)
    if any(word in suffix for word in ("dev", "test", "local", "ci", "front")):
        return (len(preferred) + 1, name)
    return (len(preferred), name)


def generate_dockerfile(tree: Path, runtime: RuntimeSpec) -> str | BuildFailure:
    """A Dockerfile that serves the tree's Flask app with gunicorn, written into the tree."""
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
    files = list(top_level)
    folder = tree / "requirements"
    if folder.is_dir() and not folder.is_symlink():
        files += sorted(f"requirements/{p.name}" for p in folder.glob("*.txt") if p.is_file())
    requirements = requirements_file(files)
    copy_first = False
    if requirements is not None:
        copy_first = includes_others(_small_text(tree / requirements))
    elif not any(name in top_level for name in PACKAGE_FILES) and "Pipfile.lock" in top_level:
        pinned = pipfile_lock_requirements(_small_text(tree / "Pipfile.lock"))
        if pinned is not None:
            (tree / PIPFILE_REQUIREMENTS).unlink(missing_ok=True)
            with (tree / PIPFILE_REQUIREMENTS).open("x", encoding="utf-8") as out:
                out.write(pinned)
            requirements = PIPFILE_REQUIREMENTS
    module_path = next(
        (path for path in sources if path.removesuffix(".py").replace("/", ".").removesuffix(
            ".__init__") == target.module),
        "",
    )  # fmt: skip
    asgi = is_asgi(sources.get(module_path, ""), _small_text(tree / requirements)
                   if requirements else "")  # fmt: skip
    text = render_dockerfile(
        target,
        base_image=runtime.base_images[0],
        port=runtime.port,
        has_requirements=requirements is not None,
        has_pyproject=any(name in top_level for name in PACKAGE_FILES),
        requirements=requirements or "requirements.txt",
        copy_first=copy_first,
        asgi=asgi,
        one_process=runtime.any_repository,
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
    note = ""
    # bytes as the engine reads them: read_text would turn a lone "\r" into a line break
    text = (tree / dockerfile).read_bytes()[:DOCKERFILE_LIMIT].decode("utf-8", "replace")
    problems = policy_problems(text, runtime.base_images)
    if problems and runtime.any_repository and dockerfile != GENERATED_DOCKERFILE:
        # any repository: its Dockerfile was written for its own world, not this sandbox
        note = f"{dockerfile} was refused ({'; '.join(problems)}): built with a generated one"
        dockerfile = generate_dockerfile(tree, runtime)
        if isinstance(dockerfile, BuildFailure):
            refused = note[: note.rindex(":")]
            return replace(dockerfile, reason=f"{refused}, and {dockerfile.reason}")
        text = (tree / dockerfile).read_bytes()[:DOCKERFILE_LIMIT].decode("utf-8", "replace")
        problems = policy_problems(text, runtime.base_images)
    if problems:
        reason = "the Dockerfile was refused: " + "; ".join(problems)
        return BuildFailure(Status.BUILD_REJECTED, reason, log="", duration_s=0.0)
    with tempfile.TemporaryDirectory(prefix="grader-context-") as scratch:
        context = make_context(tree, dockerfile, Path(scratch) / "context.tar")
        if isinstance(context, str):
            return BuildFailure(Status.BUILD_FAILED, context, log="", duration_s=0.0)
        with confine_build(client, runtime, tag, labels, labels[LABEL_RUN]) as confinement:
            built = _build(client, context, dockerfile, tag, labels, runtime, confinement,
                           started)  # fmt: skip
    return replace(built, note=note) if note and isinstance(built, Built) else built


def _small_text(path: Path) -> str:
    """A small file of the tree as text ('' for a link, a folder or a big one)."""
    if path.is_symlink() or not path.is_file() or path.stat().st_size > ENTRY_SIZE_LIMIT:
        return ""
    return path.read_text(encoding="utf-8", errors="replace")


def make_context(tree: Path, dockerfile: str, out: Path) -> Path | str:
    """The build context as a tarball, made by a child process that is killed at its time
    limit; or why it could not be made."""
    command = [sys.executable, "-I", str(CONTEXT_MAKER), str(tree), dockerfile, str(out)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=CONTEXT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return (
            f"the build context was not ready in {CONTEXT_TIMEOUT_S:g} s: "
            "a .dockerignore pattern that takes too long to match?"
        )
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        return f"the build context could not be made: {last[:300]}"
    return out


def _build(
    client: Any,
    context: Path,
    dockerfile: str,
    tag: str,
    labels: dict[str, str],
    runtime: RuntimeSpec,
    confinement: BuildConfinement,
    started: float,
) -> Built | BuildFailure:
    deadline = started + runtime.build_timeout_s
    log = _Log()
    for bound in confinement.unbounded:  # said where an operator reads about the build
        log.add(f"[grader] not bounded on this host: {bound}\n")
    image_id = None
    error = None
    watch = _Watch(client, confinement, runtime.build_disk_mb << 20, started, deadline)
    try:
        with context.open("rb") as body:
            stream = _start_build(client, body, dockerfile, tag, labels, runtime, confinement)
            watch.start()
            for chunk in stream:
                log.add(str(chunk.get("stream", "")))
                if "error" in chunk:
                    error = str(chunk["error"]).strip()
                    log.add(f"ERROR: {error}\n")
                if isinstance(chunk.get("aux"), dict) and "ID" in chunk["aux"]:
                    image_id = str(chunk["aux"]["ID"])
                if time.monotonic() > deadline:
                    stream.close()
                    return _failed(client, Status.BUILD_TIMEOUT, _timeout(runtime), log, watch)
    except (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError):
        return _failed(client, Status.BUILD_TIMEOUT, _timeout(runtime), log, watch)
    except (docker.errors.APIError, docker.errors.BuildError) as failure:
        error = str(getattr(failure, "explanation", None) or failure)
    except requests.exceptions.ConnectionError as failure:
        if time.monotonic() > deadline:
            return _failed(client, Status.BUILD_TIMEOUT, _timeout(runtime), log, watch)
        error = f"lost the connection to the engine: {failure}"
    finally:
        watch.stop()
    if watch.verdict:
        if image_id is not None:  # the stopped step had finished after all: not kept either
            _remove_own_image(client, image_id)
        status = Status.BUILD_TIMEOUT if watch.timed_out else Status.BUILD_FAILED
        return _failed(client, status, watch.verdict, log, watch)
    if error or image_id is None:
        reason = f"docker build failed: {error or 'no image was produced'}"
        return _failed(client, Status.BUILD_FAILED, reason, log, watch)
    added = added_bytes(client, image_id, runtime.base_images)
    if added > runtime.build_disk_mb << 20:
        _remove_own_image(client, image_id)
        reason = (
            f"the image adds {added / (1 << 20):.0f} MiB to its base, more than the "
            f"{runtime.build_disk_mb} MiB a build may add"
        )
        return _failed(client, Status.BUILD_FAILED, reason, log, watch)
    return Built(image_id, log.text(), dockerfile, time.monotonic() - started)


def _start_build(
    client: Any,
    body: IO[bytes],
    dockerfile: str,
    tag: str,
    labels: dict[str, str],
    runtime: RuntimeSpec,
    confinement: BuildConfinement,
) -> Any:
    """The engine's build stream. The SDK's `build` has no `cgroupparent` nor `ulimits`, which
    the engine's API takes, so the request is made here with the SDK's own transport."""
    api = client.api
    file_limit = runtime.build_disk_mb << 20
    params: dict[str, Any] = {
        "t": tag,
        "dockerfile": dockerfile,
        "labels": json.dumps(labels),
        "rm": True,
        "forcerm": False,  # a failed step's container is left, for its image to be found
        "pull": False,
        "networkmode": confinement.network_mode,
        "memory": BUILD_MEMORY,
        "memswap": BUILD_MEMORY,
        "ulimits": json.dumps(
            [
                {"Name": "fsize", "Soft": file_limit, "Hard": file_limit},
                {"Name": "core", "Soft": 0, "Hard": 0},
            ]
        ),
    }
    if confinement.cgroup_parent is not None:
        params["cgroupparent"] = confinement.cgroup_parent
    response = api._post(
        api._url("/build"),
        data=body,
        params=params,
        headers={"Content-Type": "application/tar"},
        stream=True,
        timeout=runtime.build_timeout_s,
    )
    api._raise_for_status(response)
    return api._stream_helper(response, decode=True)


class _Watch:
    """Watches a build from beside it: past the deadline, or once a step has written more than
    the build may add, the step's container is killed, which ends the build. Also keeps the
    images the build's steps started from, for a failed build's leftovers to be removed."""

    def __init__(
        self,
        client: Any,
        confinement: BuildConfinement,
        disk_limit: int,
        started: float,
        deadline: float,
    ) -> None:
        self.client = client
        self.confinement = confinement
        self.disk_limit = disk_limit
        self.started = started
        self.deadline = deadline
        self.images: list[str] = []
        self.verdict = ""
        self.timed_out = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        if self.confinement.cgroup_parent is not None:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=WATCH_INTERVAL_S * 4)

    def _run(self) -> None:
        while not self._stop.wait(WATCH_INTERVAL_S):
            try:
                self._look()
            except (docker.errors.APIError, requests.RequestException):
                continue  # the engine is busy or the step ended meanwhile: look again

    def _look(self) -> None:
        for record in self.confinement.containers(self.client):
            self.note_image(str(record.get("Image") or ""))
            if not (record.get("State") or {}).get("Running"):
                continue
            if time.monotonic() > self.deadline:
                self.timed_out = True
                self.verdict = "the build did not finish in time; its running step was stopped"
            else:
                api = self.client.api
                sized = api._result(
                    api._get(api._url("/containers/{0}/json", record["Id"]), params={"size": 1}),
                    True,
                )
                written = int(sized.get("SizeRw") or 0)
                if written <= self.disk_limit:
                    continue
                self.verdict = (
                    f"a build step wrote more than {self.disk_limit >> 20} MiB; it was stopped"
                )
            with contextlib.suppress(docker.errors.APIError):
                self.client.api.kill(record["Id"])

    def note_image(self, image: str) -> None:
        if image and image not in self.images:
            self.images.append(image)


def added_bytes(client: Any, image_id: str, base_images: tuple[str, ...]) -> int:
    """What the image adds to the largest allowed base image it is built on."""
    image = client.api.inspect_image(image_id)
    layers = (image.get("RootFS") or {}).get("Layers") or []
    base_size = 0
    for name in base_images:
        try:
            base = client.api.inspect_image(name)
        except docker.errors.ImageNotFound:
            continue
        base_layers = (base.get("RootFS") or {}).get("Layers") or []
        if layers[: len(base_layers)] == base_layers:
            base_size = max(base_size, int(base.get("Size") or 0))
    return int(image.get("Size") or 0) - base_size


def _timeout(runtime: RuntimeSpec) -> str:
    return f"the build did not finish within {runtime.build_timeout_s:g} s"


def _failed(client: Any, status: Status, reason: str, log: _Log, watch: _Watch) -> BuildFailure:
    """A failure, after removing what the build left: the container of the step that failed
    and the images its steps made. Both are found through the engine's records of the build's
    own containers (`sandbox.build_confinement`), never through the log, which the submission
    writes."""
    for record in watch.confinement.containers(client):
        watch.note_image(str(record.get("Image") or ""))
        with contextlib.suppress(docker.errors.APIError):
            client.api.remove_container(record["Id"], force=True, v=True)
    for image_id in reversed(watch.images):
        _remove_image(client, image_id)
    return BuildFailure(status, reason, log.text(), time.monotonic() - watch.started)


def _remove_own_image(client: Any, image_id: str) -> None:
    """Remove the image this build made and named, with the layers beneath it nothing else
    uses."""
    with contextlib.suppress(docker.errors.APIError):
        client.api.remove_image(image_id, force=True, noprune=False)


def _remove_image(client: Any, image_id: str) -> None:
    """Remove an image the build made, with the untagged layers beneath it that nothing else
    uses; never an image with a name (a base image, or anything else on the engine)."""
    try:
        if not client.api.inspect_image(image_id).get("RepoTags"):
            client.api.remove_image(image_id, noprune=False)
    except docker.errors.APIError:
        pass  # already gone, or the parent of a layer another build still uses


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
