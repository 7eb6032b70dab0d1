"""A content hash of a folder: same files, names, links and exec bits give the same hash."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

SKIPPED_DIRS = frozenset({".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})


def hash_tree(root: Path, skip_dirs: Iterable[str] = SKIPPED_DIRS) -> str:
    skip = frozenset(skip_dirs)
    digest = hashlib.sha256()
    entries: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in skip or Path(folder, d).is_symlink())
        for name in files + [d for d in dirs if Path(folder, d).is_symlink()]:
            path = Path(folder, name)
            entries.append((path.relative_to(root).as_posix(), path))
    for relative, path in sorted(entries):
        if path.is_symlink():
            digest.update(b"L\0" + relative.encode() + b"\0" + os.readlink(path).encode() + b"\0")
            continue
        executable = b"x" if os.access(path, os.X_OK) else b"-"
        digest.update(b"F\0" + relative.encode() + b"\0" + executable + b"\0")
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()
