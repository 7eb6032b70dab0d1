"""The own-tests container's files on an engine of another host, which cannot mount this
host's folders: one volume of the engine's holds `src/` and `kit/` (root's, read-only to the
tests' user) and an empty `out/` that only the kit's reporting user may write, the layout the
local run mounts at /grader. The reports come back through the engine's archive API, with the
same care as a local read: regular files only, and a size cap."""

from __future__ import annotations

import contextlib
import io
import tarfile
from pathlib import Path
from typing import Any

import docker.errors

from grader.core.errors import GraderError
from grader.sandbox.container import owner_setter

MOUNT = "/grader"


class StagingFailed(GraderError):
    """The engine could not be given the tests' files: a set-up fault, not the candidate's."""


def staged_volume(
    client: Any,
    image: str,
    name: str,
    labels: dict[str, str],
    source: Path,
    kit: Path,
    report_user: int,
) -> Any:
    """A volume with src/, kit/ and out/ for the own-tests container; the caller removes it."""
    volume = client.volumes.create(f"{name}-own-tests", labels=labels)
    helper = None
    try:
        helper = client.containers.create(
            image,
            ["sh", "-c", f"chmod 700 /v/out && chown {report_user}:{report_user} /v/out"],
            **owner_setter(volume, "/v", labels),
        )
        if not helper.put_archive("/v", _layout(source, kit)):
            raise StagingFailed("the engine refused the tests' files")
        helper.start()
        code = int(helper.wait(timeout=120).get("StatusCode", 1))
        if code != 0:
            raise StagingFailed(f"the reports folder could not be prepared (exit code {code})")
    except BaseException:
        remove_volume(volume)
        raise
    finally:
        if helper is not None:
            with contextlib.suppress(docker.errors.APIError):
                helper.remove(force=True)
    return volume


def _layout(source: Path, kit: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(source, arcname="src", filter=_readable)
        archive.add(kit, arcname="kit", filter=_readable)
        out = tarfile.TarInfo("out")
        out.type, out.mode = tarfile.DIRTYPE, 0o700
        archive.addfile(out)
    return buffer.getvalue()


def _readable(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """Root's, readable by all, writable by none but root (the engine extracts as root)."""
    member.uid = member.gid = 0
    member.uname = member.gname = "root"
    member.mode = 0o755 if member.isdir() or member.mode & 0o111 else 0o644
    return member


def read_report(container: Any, path: str, max_bytes: int) -> str | None:
    """A report from the stopped container: a regular file under the cap, or None."""
    data = b""
    try:
        stream, _ = container.get_archive(path)
        for chunk in stream:
            data += chunk
            if len(data) > max_bytes + 65536:  # a tar header and padding at most
                return None
    except (docker.errors.NotFound, docker.errors.APIError):
        return None
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        member = next(iter(archive.getmembers()), None)
        if member is None or not member.isreg() or member.size > max_bytes:
            return None
        handle = archive.extractfile(member)
        return None if handle is None else handle.read(max_bytes + 1).decode("utf-8", "replace")


def remove_volume(volume: Any) -> None:
    with contextlib.suppress(docker.errors.NotFound, docker.errors.APIError):
        volume.remove(force=True)
