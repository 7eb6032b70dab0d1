"""The shared store of a distributed run, addressed by URL through fsspec.

`file:///srv/grader-store` (a folder every machine mounts) works out of the box; `s3://bucket/`
(or MinIO through s3fs's options) with the `s3` extra. Everything lives at fixed keys:

    snapshots/<sha256>.tar.gz               a submission as graded, by content
    tasks/<sha256>.tar.gz                   a task and its reference tests, by the task's hash
    runs/<run>/jobs.json                    what the run sent (for `grader attach`)
    runs/<run>/results/<submission>/<job key>.tar.gz   a job's result folder

Writes are atomic: bytes go to a temporary key beside the final one and are then moved over it
(a rename on a folder, a single object on object storage), so a reader finds a whole file or
none, and a job graded twice writes the same key twice.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import fsspec

from grader.core.errors import GraderError, InfrastructureFault

READ_LIMIT = 512 << 20
SNAPSHOTS = "snapshots"
TASKS = "tasks"


class Store:
    """Bytes at keys under one URL. Every failure of the storage is an InfrastructureFault."""

    def __init__(self, url: str) -> None:
        try:
            self.fs, root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as error:
            raise GraderError(
                f"--store {url}: {error} (a shared folder is file:///path; s3:// needs "
                "`pip install 'grader[s3]'`)"
            ) from None
        self.url = url
        self.root = str(root).rstrip("/")
        try:
            self.fs.makedirs(self.root, exist_ok=True)
        except OSError as error:
            raise InfrastructureFault(f"the store {url} cannot be used: {error}") from None

    def _path(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"not a store key: {key!r}")
        return f"{self.root}/{key}"

    def exists(self, key: str) -> bool:
        try:
            return bool(self.fs.exists(self._path(key)))
        except OSError as error:
            raise InfrastructureFault(f"the store {self.url}: {key}: {error}") from None

    def put(self, key: str, data: bytes) -> None:
        """Write `data` at `key` atomically."""
        final = self._path(key)
        partial = f"{final}.partial-{secrets.token_hex(6)}"
        try:
            self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
            self.fs.pipe_file(partial, data)
            self.fs.mv(partial, final)
        except OSError as error:
            _forget(self.fs, partial)
            raise InfrastructureFault(f"the store {self.url}: writing {key}: {error}") from None

    def get(self, key: str, limit: int = READ_LIMIT) -> bytes:
        """The bytes at `key`; FileNotFoundError when there are none."""
        path = self._path(key)
        try:
            with self.fs.open(path, "rb") as handle:
                data: bytes = handle.read(limit + 1)
        except FileNotFoundError:
            raise
        except OSError as error:
            raise InfrastructureFault(f"the store {self.url}: reading {key}: {error}") from None
        if len(data) > limit:
            raise InfrastructureFault(f"the store {self.url}: {key} is larger than {limit} bytes")
        return data

    def put_by_hash(self, folder: str, data: bytes) -> str:
        """Write `data` as `<folder>/<sha256>.tar.gz` unless it is there; its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        key = f"{folder}/{digest}.tar.gz"
        if not self.exists(key):
            self.put(key, data)
        return digest

    def get_by_hash(self, folder: str, digest: str) -> bytes:
        """The bytes stored under their sha256, checked against it."""
        data = self.get(f"{folder}/{digest}.tar.gz")
        if hashlib.sha256(data).hexdigest() != digest:
            raise InfrastructureFault(f"the store {self.url}: {folder}/{digest} does not match")
        return data


def task_key(task_sha256: str) -> str:
    return f"{TASKS}/{task_sha256}.tar.gz"


def jobs_key(run_id: str) -> str:
    return f"runs/{run_id}/jobs.json"


def result_key(run_id: str, submission_id: str, key: str) -> str:
    return f"runs/{run_id}/results/{submission_id}/{key}.tar.gz"


def _forget(fs: Any, path: str) -> None:
    try:
        if fs.exists(path):
            fs.rm(path)
    except OSError:
        pass  # a partial file left behind is never read: no key ends in .partial-*
