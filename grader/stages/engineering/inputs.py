"""What the engineering analyzers read: a submission's files and its git history, as values.

Pure: `source` reads these from the disk; everything else takes them as they are. Paths are
posix and relative to the submission's root. Also the two path rules every measure shares:
which files are tests, and which are generated scaffolding (database migrations).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

TEST_DIRS = frozenset({"tests", "test"})
GENERATED_DIRS = frozenset({"migrations", "alembic"})


@dataclass(frozen=True)
class SourceFile:
    path: str
    text: str | None  # None when binary, too large or not UTF-8
    size: int


@dataclass(frozen=True)
class SourceTree:
    files: tuple[SourceFile, ...]
    limit_reached: str | None = None  # why reading stopped early, if it did

    def file(self, path: str) -> SourceFile | None:
        return next((f for f in self.files if f.path == path), None)

    def python_files(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.path.endswith(".py"))


@dataclass(frozen=True)
class GitCommit:
    sha: str
    subject: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class GitHistory:
    commits: tuple[GitCommit, ...]  # newest first, as git lists them


@dataclass(frozen=True)
class GitUnavailable:
    """No history to read: not a git repository, or git could not read it (and why)."""

    reason: str
    is_repository: bool = False


def is_test_path(path: str) -> bool:
    parts = PurePosixPath(path).parts
    name = parts[-1] if parts else ""
    return (
        any(part in TEST_DIRS for part in parts[:-1])
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def is_generated_path(path: str) -> bool:
    return any(part in GENERATED_DIRS for part in PurePosixPath(path).parts[:-1])


def is_own_code(path: str) -> bool:
    """Python the candidate wrote for the app: not a test, not a generated migration."""
    return path.endswith(".py") and not is_test_path(path) and not is_generated_path(path)
