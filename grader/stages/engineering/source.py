"""Read a submission's files and git history from the disk, without running anything of it.

The IO edge of the engineering measures (with `lint`). Files are read as bytes and decoded;
nothing is imported or executed. Links are never followed, special files are skipped, and
reading stops at a number of files and of bytes. The git history is read without git, by
`git_log_reader` in a child process bounded in time and memory; whatever goes wrong becomes a
`GitUnavailable` with the reason.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from grader.stages.engineering.inputs import (
    GitCommit,
    GitHistory,
    GitUnavailable,
    SourceFile,
    SourceTree,
)

SKIPPED_DIRS = frozenset(
    {
        ".git",
        "__pycache__",
        ".venv",
        "venv",
        "site-packages",
        "node_modules",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
GIT_TIMEOUT_S = 30.0
MAX_COMMITS = 500
READER = Path(__file__).with_name("git_log_reader.py")
OUTPUT_LIMIT = 16 << 20


def read_tree(
    root: Path,
    *,
    max_files: int = 2000,
    max_file_bytes: int = 512_000,
    max_total_bytes: int = 64_000_000,
) -> SourceTree:
    """Every regular file under `root` (sorted), its text when it is small, UTF-8 and not binary."""
    files: list[SourceFile] = []
    total = 0
    limit_reached = None
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not _skipped_dir(here / d))
        for name in sorted(names):
            path = here / name
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue  # links, sockets, fifos, devices: never read
            if len(files) >= max_files:
                limit_reached = f"stopped at {max_files} files; the rest was not read"
                break
            relative = path.relative_to(root).as_posix()
            room = min(max_file_bytes, max_total_bytes - total)
            text = _read_text(path, info.st_size, room) if info.st_size <= room else None
            total += info.st_size if text is not None else 0
            files.append(SourceFile(path=relative, text=text, size=info.st_size))
        if limit_reached:
            break
    return SourceTree(files=tuple(files), limit_reached=limit_reached)


def _skipped_dir(path: Path) -> bool:
    if path.name in SKIPPED_DIRS or path.is_symlink():
        return True
    return (path / "pyvenv.cfg").is_file()  # a virtualenv, whatever its name


def _read_text(path: Path, size: int, limit: int) -> str | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit or b"\0" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_git_history(
    root: Path, *, timeout_s: float = GIT_TIMEOUT_S, max_commits: int = MAX_COMMITS
) -> GitHistory | GitUnavailable:
    """The last `max_commits` commits of `root/.git`: sha, subject and the files each touched.

    Only a real `.git` folder is read, by `git_log_reader` in a child process with a time and
    a memory limit: no git program ever sees a submitted repository, so nothing in it (its
    configuration, hooks, attributes, alternates) can run or open anything on this host.
    """
    git_dir = root / ".git"
    if git_dir.is_symlink() or not git_dir.is_dir():
        reason = "a .git entry that is not a folder was ignored" if _exists(git_dir) else ""
        return GitUnavailable(reason=reason or "the submission is not a git repository")
    command = [sys.executable, "-I", str(READER), str(git_dir), str(max_commits)]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=timeout_s, env={"LC_ALL": "C.UTF-8"}
        )
    except subprocess.TimeoutExpired:
        return GitUnavailable(
            f"the git history was not read in {timeout_s:g} s", is_repository=True
        )
    try:
        answer = json.loads(done.stdout[:OUTPUT_LIMIT].decode("utf-8"))
    except ValueError:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"])[-1]
        return GitUnavailable(
            f"the git history could not be read: {last[:200]}", is_repository=True
        )
    if "error" in answer:
        return GitUnavailable(str(answer["error"])[:300], is_repository=True)
    return GitHistory(
        commits=tuple(
            GitCommit(sha=str(c["sha"]), subject=str(c["subject"]), files=tuple(c["files"]))
            for c in answer["commits"]
        )
    )


def _exists(path: Path) -> bool:
    try:
        os.lstat(path)
    except OSError:
        return False
    return True
