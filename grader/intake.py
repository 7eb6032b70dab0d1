"""Intake: a folder, a zip/tar archive or a git URL becomes a clean source tree with a hash.

Everything is copied into a fresh folder the harness owns, checking as it goes: names that
escape the tree, links pointing out of it, special files, too many files or bytes (counted as
they stream, not taken from headers). A refused submission is a `Refusal`, not an exception.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from grader.naming import safe_name
from grader.tree_hash import SKIPPED_DIRS, hash_tree

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")
GIT_PREFIXES = ("https://", "http://", "ssh://", "git://", "git@", "file://")
NOT_COPIED = SKIPPED_DIRS | {".venv", "venv", "node_modules"}
CHUNK = 1 << 16


@dataclass(frozen=True)
class IntakeLimits:
    max_bytes: int = 200 * 1024 * 1024
    max_files: int = 20_000
    git_timeout_s: float = 120.0


@dataclass(frozen=True)
class SourceTree:
    path: Path
    sha256: str


@dataclass(frozen=True)
class Refusal:
    reason: str


class _Refused(Exception):
    """Internal: unwinds a copy that must stop; becomes a `Refusal` at the module's edge."""


def submission_name(source: str) -> str:
    """A readable id for a submission: its folder, archive or repository name."""
    text = source.split("#", 1)[0].rstrip("/")
    name = text.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    for suffix in (*ARCHIVE_SUFFIXES, ".git"):
        name = name.removesuffix(suffix)
    return safe_name(name)


def is_git_url(source: str) -> bool:
    return source.startswith(GIT_PREFIXES)


def take_in(
    source: str, destination: Path, limits: IntakeLimits, keep_clone: Path | None = None
) -> SourceTree | Refusal:
    """Copy `source` into `destination` (which must not exist yet), checked and hashed.

    The copy never has a `.git`; with `keep_clone`, a repository cloned from a git URL is
    kept there whole, for its history to be read.
    """
    if destination.exists() or destination.is_symlink():
        raise FileExistsError(f"intake destination {destination} already exists")
    try:
        if is_git_url(source):
            _clone(source, destination, limits, keep_clone)
        else:
            path = Path(source)
            if path.is_dir():
                _copy_folder(path, destination, _Budget(limits))
            elif path.is_file() and path.name.endswith(".zip"):
                _unpack_zip(path, destination, _Budget(limits))
            elif path.is_file() and path.name.endswith(ARCHIVE_SUFFIXES):
                _unpack_tar(path, destination, _Budget(limits))
            elif path.exists():
                return Refusal(f"{source} is neither a folder nor a .zip/.tar.gz archive")
            else:
                return Refusal(f"{source} does not exist")
        _lift_single_folder(destination)
        if not any(destination.iterdir()):
            raise _Refused("the submission is empty")
        _refuse_links_out(destination)
        return SourceTree(path=destination, sha256=hash_tree(destination))
    except _Refused as refused:
        shutil.rmtree(destination, ignore_errors=True)
        return Refusal(str(refused))
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as error:
        shutil.rmtree(destination, ignore_errors=True)
        return Refusal(f"{source} could not be read: {error}")


class _Budget:
    def __init__(self, limits: IntakeLimits) -> None:
        self.limits = limits
        self.files = 0
        self.bytes = 0

    def add_file(self) -> None:
        self.files += 1
        if self.files > self.limits.max_files:
            raise _Refused(f"too many files: more than {self.limits.max_files}")

    def add_bytes(self, count: int) -> None:
        self.bytes += count
        if self.bytes > self.limits.max_bytes:
            raise _Refused(f"too large: more than {self.limits.max_bytes // (1024 * 1024)} MiB")

    def copy_stream(self, source: IO[bytes], target: Path, mode: int) -> None:
        self.add_file()
        with target.open("xb") as out:
            while chunk := source.read(CHUNK):
                self.add_bytes(len(chunk))
                out.write(chunk)
        target.chmod(0o755 if mode & 0o111 else 0o644)


def _safe_relative(name: str) -> PurePosixPath:
    """The archive member name as a path inside the tree, or a refusal."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise _Refused(f"file name {name!r} is not valid UTF-8") from None
    if "\0" in name or "\\" in name:
        raise _Refused(f"file name {name!r} has a NUL or backslash")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise _Refused(f"{name!r} points outside the submission")
    parts = [part for part in path.parts if part not in ("", ".")]
    return PurePosixPath(*parts) if parts else PurePosixPath(".")


def _check_link(link: PurePosixPath, target: str) -> None:
    """Refuse a link whose target, resolved lexically from where it stands, leaves the tree."""
    if target.startswith("/"):
        raise _Refused(f"link {link} points outside the submission (to {target})")
    depth = len(link.parts) - 1
    for part in PurePosixPath(target).parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            raise _Refused(f"link {link} points outside the submission (to {target})")


def _refuse_links_out(root: Path) -> None:
    """Every link, followed through the links already in the tree, must stay inside it.

    The per-link check above is lexical; a link such as `a/c -> b/../..` with `a/b -> ..`
    escapes only once `a/b` is followed, so the finished tree is checked as the OS resolves it.
    """
    real_root = root.resolve()
    for folder, dirs, files in os.walk(root):
        for name in files + dirs:
            path = Path(folder, name)
            if path.is_symlink():
                target = Path(os.path.realpath(path))
                if target != real_root and real_root not in target.parents:
                    relative = path.relative_to(root).as_posix()
                    raise _Refused(f"link {relative} points outside the submission")


def _copy_folder(source: Path, destination: Path, budget: _Budget) -> None:
    destination.mkdir(parents=True)
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        relative_folder = here.relative_to(source)
        dirs[:] = sorted(d for d in dirs if d not in NOT_COPIED)
        for name in sorted(files) + [d for d in dirs if (here / d).is_symlink()]:
            _copy_entry(here / name, destination / relative_folder / name, budget, source)
        for name in dirs:
            if not (here / name).is_symlink():
                (destination / relative_folder / name).mkdir()
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]


def _copy_entry(path: Path, target: Path, budget: _Budget, root: Path) -> None:
    relative = PurePosixPath(path.relative_to(root).as_posix())
    _safe_relative(relative.as_posix())
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        link_target = os.readlink(path)
        _check_link(relative, link_target)
        budget.add_file()
        target.symlink_to(link_target)
    elif stat.S_ISREG(info.st_mode):
        with path.open("rb") as handle:
            budget.copy_stream(handle, target, info.st_mode)
    else:
        raise _Refused(f"{relative} is not a regular file, folder or link")


def _unpack_zip(archive: Path, destination: Path, budget: _Budget) -> None:
    destination.mkdir(parents=True)
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            relative = _safe_relative(info.filename)
            target = _prepare_place(destination, relative)
            mode = info.external_attr >> 16
            if info.is_dir():
                target.mkdir(exist_ok=True)
            elif stat.S_ISLNK(mode):
                with bundle.open(info) as handle:
                    link_target = handle.read(4096).decode("utf-8", "replace")
                _check_link(relative, link_target)
                budget.add_file()
                target.symlink_to(link_target)
            else:
                with bundle.open(info) as handle:
                    budget.copy_stream(handle, target, mode)


def _unpack_tar(archive: Path, destination: Path, budget: _Budget) -> None:
    destination.mkdir(parents=True)
    with tarfile.open(archive, mode="r:*") as bundle:
        for member in _members(bundle):
            relative = _safe_relative(member.name)
            target = _prepare_place(destination, relative)
            if member.isdir():
                target.mkdir(exist_ok=True)
            elif member.issym():
                _check_link(relative, member.linkname)
                budget.add_file()
                target.symlink_to(member.linkname)
            elif member.isfile():
                handle = bundle.extractfile(member)
                assert handle is not None  # a regular member always has a stream
                with handle:
                    budget.copy_stream(handle, target, member.mode)
            elif member.islnk():
                raise _Refused(f"{relative} is a hard link; archives with hard links are refused")
            else:
                raise _Refused(f"{relative} is a device, fifo or other special file")


def _members(bundle: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    member = bundle.next()
    while member is not None:
        yield member
        member = bundle.next()


def _prepare_place(destination: Path, relative: PurePosixPath) -> Path:
    """Make the folders above `relative`, refusing to write through a link or over an entry."""
    place = destination
    for part in relative.parts[:-1]:
        place = place / part
        if place.is_symlink() or (place.exists() and not place.is_dir()):
            raise _Refused(f"{relative} is written through a link or over a file")
        place.mkdir(exist_ok=True)
    target = destination / relative
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise _Refused(f"{relative} appears twice in the archive")
    return target


def _lift_single_folder(destination: Path) -> None:
    """An archive holding one top folder (as GitHub's zips do): use that folder as the tree."""
    entries = list(destination.iterdir())
    if len(entries) != 1 or not entries[0].is_dir() or entries[0].is_symlink():
        return
    inner = entries[0]
    holding = destination.with_name(destination.name + ".lift")
    inner.rename(holding)
    destination.rmdir()
    holding.rename(destination)


SAFE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")


def _clone(source: str, destination: Path, limits: IntakeLimits, keep: Path | None) -> None:
    url, _, ref = source.partition("#")
    if ref and (not SAFE_REF.match(ref) or ".." in ref):
        raise _Refused(f"git ref {ref!r} is not a plain branch, tag or commit name")
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    with tempfile.TemporaryDirectory(prefix="grader-clone-") as scratch:
        checkout = Path(scratch) / "repo"

        def git(step: str, *arguments: str) -> subprocess.CompletedProcess[str]:
            try:
                return subprocess.run(
                    ["git", *arguments], capture_output=True, text=True,
                    timeout=limits.git_timeout_s, env=env,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise _Refused(f"git {step} did not finish in {limits.git_timeout_s:g} s") from None

        cloned = git("clone", "-c", "protocol.ext.allow=never", "clone", "--quiet", "--", url,
                     str(checkout))  # fmt: skip
        if cloned.returncode != 0:
            raise _Refused(f"git clone of {url} failed: {_last_line(cloned.stderr)}")
        if ref:
            commit = ""
            for candidate in (ref, f"origin/{ref}"):
                found = git("checkout", "-C", str(checkout), "rev-parse", "--verify", "--quiet",
                            f"{candidate}^{{commit}}")  # fmt: skip
                if found.returncode == 0:
                    commit = found.stdout.strip()
                    break
            if not commit:
                raise _Refused(f"git checkout of {ref!r} failed: no such branch, tag or commit")
            switched = git("checkout", "-C", str(checkout), "checkout", "--quiet", "--detach",
                           commit)  # fmt: skip
            if switched.returncode != 0:
                raise _Refused(f"git checkout of {ref!r} failed: {_last_line(switched.stderr)}")
        _copy_folder(checkout, destination, _Budget(limits))
        if keep is not None:
            shutil.move(checkout, keep)


def _last_line(text: str) -> str:
    return (text.strip().splitlines() or ["no message"])[-1]
