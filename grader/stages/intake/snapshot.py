"""A snapshot of exactly what was graded: the intake tree as `<submission id>.tar.gz`.

Kept beside result.json, for audits and for `grader regrade`. Deterministic: the same tree
gives the same bytes (sorted entries, no times, no owners), so snapshots can be compared.
"""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from pathlib import Path


def write_snapshot(tree: Path, folder: Path, name: str) -> Path:
    """Archive `tree` under a top folder `name` into `folder/name.tar.gz`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.tar.gz"
    partial = path.with_name(path.name + ".partial")
    with (
        partial.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as bundle,
    ):
        for entry in sorted(_entries(tree)):
            _add(bundle, tree / entry, f"{name}/{entry}")
    os.replace(partial, path)
    return path


def _entries(tree: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(tree):
        for item in dirs + files:
            found.append((Path(folder) / item).relative_to(tree).as_posix())
    return found


def _add(bundle: tarfile.TarFile, path: Path, arcname: str) -> None:
    info = tarfile.TarInfo(arcname)
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if path.is_symlink():
        info.type = tarfile.SYMTYPE
        info.linkname = os.readlink(path)
        info.mode = 0o777
        bundle.addfile(info)
    elif path.is_dir():
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        bundle.addfile(info)
    else:
        data = path.read_bytes()
        info.size = len(data)
        info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
        bundle.addfile(info, io.BytesIO(data))
