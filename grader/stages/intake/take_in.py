"""Intake: a folder, a zip/tar archive or a git URL becomes a clean source tree with a hash.

Everything is copied into a fresh folder the harness owns, checking as it goes: names that
escape the tree, links pointing out of it, special files, too many files or bytes (counted as
they stream, not taken from headers), folders nested too deep. A refused submission is a
`Refusal`, not an exception: damaged, encrypted or oddly compressed archive members too, each
named. A tar archive is read through a counted stream, so its headers spend the same byte budget
as its files and no header can make tarfile read more than the budget has left.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import os
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from grader.core.naming import safe_name
from grader.stages.intake.tree_hash import SKIPPED_DIRS, hash_tree

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")
GIT_PREFIXES = ("https://", "http://", "ssh://", "git://", "git@", "file://")
NOT_COPIED = SKIPPED_DIRS | {".venv", "venv", "node_modules", ".grader"}  # .grader: check results
CHUNK = 1 << 16
DEPTH_CEILING = 256  # os.walk and shutil.rmtree recurse once per level in Python 3.11
# What the archive modules raise for bytes they cannot decode: a damaged member or stream.
DAMAGED = (zipfile.BadZipFile, tarfile.TarError, zlib.error, lzma.LZMAError, EOFError, OSError)
ZIP_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
ZIP_METHOD_NAMES = {9: "Deflate64", 93: "Zstandard", 95: "xz", 98: "PPMd"}
ZIP_ENCRYPTED = 0x1 | 0x40  # flag bits: encrypted, strongly encrypted


@dataclass(frozen=True)
class IntakeLimits:
    max_bytes: int = 200 * 1024 * 1024
    max_files: int = 20_000
    max_depth: int = 64  # path parts of any entry: folders and the entry's own name
    git_timeout_s: float = 120.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= DEPTH_CEILING:
            raise ValueError(f"max_depth must be between 1 and {DEPTH_CEILING}")


@dataclass(frozen=True)
class SourceTree:
    path: Path
    sha256: str
    commit: str | None = None  # a git URL's resolved commit


@dataclass(frozen=True)
class Refusal:
    reason: str


class _Refused(Exception):
    """Internal: unwinds a copy that must stop; becomes a `Refusal` at the module's edge."""


def submission_name(source: str) -> str:
    """A readable id for a submission: its folder, archive or repository name, without dots.

    The id names the submission's folder in the run folder, whose own entries (run.json,
    index.html, summary.md, ...) all have a dot: `run.json.zip` becomes `run-json`.
    """
    text = source.split("#", 1)[0].rstrip("/")
    name = text.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    for suffix in (*ARCHIVE_SUFFIXES, ".git"):
        name = name.removesuffix(suffix)
    return safe_name(name.replace(".", "-"))


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
    commit = None
    try:
        if is_git_url(source):
            commit = _clone(source, destination, limits, keep_clone)
        else:
            path = Path(source)
            if path.is_dir():
                _copy_folder(path, destination, _Budget(limits))
            elif path.is_file() and path.name.endswith(".zip"):
                _unpack_zip(path, destination, _Budget(limits).check_archive(path))
            elif path.is_file() and path.name.endswith(ARCHIVE_SUFFIXES):
                _unpack_tar(path, destination, _Budget(limits).check_archive(path))
            elif path.exists():
                return Refusal(f"{source} is neither a folder nor a .zip/.tar.gz archive")
            else:
                return Refusal(f"{source} does not exist")
        _lift_single_folder(destination)
        if not any(destination.iterdir()):
            raise _Refused("the submission is empty")
        _refuse_links_out(destination)
        return SourceTree(path=destination, sha256=hash_tree(destination), commit=commit)
    except _Refused as refused:
        _remove_tree(destination)
        return Refusal(str(refused))
    except DAMAGED as error:
        _remove_tree(destination)
        return Refusal(f"{source} could not be read: {error}")


def _remove_tree(root: Path) -> None:
    """`shutil.rmtree(root, ignore_errors=True)` without recursion, which in Python 3.11
    takes a frame per folder level; never follows a link."""
    if root.is_symlink() or not root.is_dir():
        with contextlib.suppress(OSError):
            root.unlink()
        return
    folders, pending = [], [root]
    while pending:
        folder = pending.pop()
        folders.append(folder)
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
    for folder in reversed(folders):  # every folder comes after the one holding it
        with contextlib.suppress(OSError):
            folder.rmdir()


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
            raise self.too_large()

    def room(self) -> int:
        return self.limits.max_bytes - self.bytes

    def too_large(self) -> _Refused:
        return _Refused(f"too large: more than {self.limits.max_bytes // (1024 * 1024)} MiB")

    def check_archive(self, archive: Path) -> _Budget:
        """An archive file larger than the whole budget is refused before it is opened."""
        if archive.stat().st_size > self.limits.max_bytes:
            raise self.too_large()
        return self

    def check_depth(self, relative: PurePosixPath) -> None:
        """Refuse an entry nested deeper than the limit, before any folder of it is made."""
        parts = relative.parts
        if len(parts) > self.limits.max_depth:
            shown = "/".join([*parts[:3], "...", parts[-1]] if len(parts) > 5 else parts)
            raise _Refused(
                f"{shown} is nested {len(parts)} levels deep; "
                f"at most {self.limits.max_depth} are allowed"
            )

    def copy_stream(
        self, source: IO[bytes], target: Path, mode: int, name: str, counted: bool = True
    ) -> None:
        """Copy a file, refused once over the budget; `counted=False` when the stream itself
        counts what is read from it (a tar archive's)."""
        self.add_file()
        with target.open("xb") as out:
            while chunk := _read(source, CHUNK, name):
                if counted:
                    self.add_bytes(len(chunk))
                out.write(chunk)
        target.chmod(0o755 if mode & 0o111 else 0o644)


def _read(source: IO[bytes], size: int, name: str) -> bytes:
    """Read from an archive member, refusing it by name when its bytes cannot be decoded."""
    try:
        return source.read(size)
    except DAMAGED as error:
        raise _Refused(f"{name} could not be read: {error}") from None


class _CountedStream:
    """The decompressed bytes of a tar archive, read forward only and spent from the budget.

    tarfile reads a header (a pax or GNU long-name header) whole, at the size it declares:
    a read asking for more than the budget has left is refused before anything is read, and
    what is read is gathered a chunk at a time, so memory follows the bytes really there.
    """

    def __init__(self, raw: io.BufferedIOBase, budget: _Budget) -> None:
        self.raw = raw
        self.budget = budget
        self.position = 0

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            wanted = self.budget.room() + 1  # to the end, refused once past the budget
        elif size > self.budget.room():
            raise self.budget.too_large()
        else:
            wanted = size
        chunks = []
        while wanted > 0:
            chunk = self.raw.read(min(CHUNK, wanted))
            if not chunk:
                break
            self.budget.add_bytes(len(chunk))
            self.position += len(chunk)
            wanted -= len(chunk)
            chunks.append(chunk)
        return b"".join(chunks)

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        target = offset if whence == os.SEEK_SET else self.position + offset
        if whence not in (os.SEEK_SET, os.SEEK_CUR) or target < self.position:
            raise _Refused("the archive would have to be read out of order (a sparse file?)")
        while self.position < target:
            if not self.read(min(CHUNK, target - self.position)):
                break
        return self.position

    def write(self, data: bytes) -> int:
        raise io.UnsupportedOperation("an archive is only read")

    def close(self) -> None:
        """The stream below is closed by whoever opened it."""


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
        for name in [*files, *dirs]:  # before walking on: os.walk recurses once per level
            budget.check_depth(PurePosixPath(relative_folder.as_posix(), name))
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
            budget.copy_stream(handle, target, info.st_mode, relative.as_posix())
    else:
        raise _Refused(f"{relative} is not a regular file, folder or link")


def _unpack_zip(archive: Path, destination: Path, budget: _Budget) -> None:
    destination.mkdir(parents=True)
    with _open_zip(archive) as bundle:
        for info in bundle.infolist():
            relative = _safe_relative(info.filename)
            budget.check_depth(relative)
            target = _prepare_place(destination, relative)
            mode = info.external_attr >> 16
            if info.is_dir():
                target.mkdir(exist_ok=True)
            elif stat.S_ISLNK(mode):
                with _open_member(bundle, info) as handle:
                    link_target = _read(handle, 4096, info.filename).decode("utf-8", "replace")
                _check_link(relative, link_target)
                budget.add_file()
                target.symlink_to(link_target)
            else:
                with _open_member(bundle, info) as handle:
                    budget.copy_stream(handle, target, mode, info.filename)


def _open_zip(archive: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except UnicodeDecodeError as error:  # a name flagged UTF-8 (bit 11) that is not
        name = error.object if isinstance(error.object, bytes) else b"?"
        raise _Refused(f"file name {name!r} is marked as UTF-8 but is not valid UTF-8") from None


def _open_member(bundle: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """A member's stream, or a refusal naming it: encrypted, compressed in a way zipfile
    cannot undo, or with a local header that contradicts the archive's directory."""
    name = info.filename
    if info.flag_bits & ZIP_ENCRYPTED:
        raise _Refused(f"{name} is encrypted (password-protected); zip it without a password")
    if info.compress_type not in ZIP_METHODS:
        method = ZIP_METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise _Refused(
            f"{name} is compressed with {method}, which cannot be unpacked; "
            "zip it again with the usual Deflate compression"
        )
    try:
        return bundle.open(info)
    except (*DAMAGED, NotImplementedError, UnicodeDecodeError) as error:
        raise _Refused(f"{name} could not be read: {error}") from None


def _unpack_tar(archive: Path, destination: Path, budget: _Budget) -> None:
    destination.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        raw = stack.enter_context(archive.open("rb"))
        stream = _CountedStream(stack.enter_context(_decompressed(raw)), budget)
        try:
            bundle = stack.enter_context(tarfile.TarFile(fileobj=stream, mode="r"))
        except DAMAGED as error:
            raise _Refused(f"{archive.name} is not a readable tar archive: {error}") from None
        for member in _members(bundle):
            relative = _safe_relative(member.name)
            budget.check_depth(relative)
            target = _prepare_place(destination, relative)
            if member.isdir():
                target.mkdir(exist_ok=True)
            elif member.issym():
                _check_link(relative, member.linkname)
                budget.add_file()
                target.symlink_to(member.linkname)
            elif member.issparse():
                # its holes are not in the stream the budget counts, yet would be written out
                raise _Refused(f"{relative} is a sparse file; archives with them are refused")
            elif member.isfile():
                handle = bundle.extractfile(member)
                assert handle is not None  # a regular member always has a stream
                with handle:
                    budget.copy_stream(handle, target, member.mode, member.name, counted=False)
            elif member.islnk():
                raise _Refused(f"{relative} is a hard link; archives with hard links are refused")
            else:
                raise _Refused(f"{relative} is a device, fifo or other special file")


def _decompressed(raw: io.BufferedReader) -> io.BufferedIOBase:
    """The archive's bytes, decompressed by what its first bytes say (as tarfile's "r:*")."""
    start = raw.read(6)
    raw.seek(0)
    if start.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if start.startswith(b"BZh"):
        return bz2.BZ2File(raw)
    if start.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMAFile(raw)
    return raw


def _members(bundle: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    after = "its start"
    while True:
        try:
            member = bundle.next()
        except DAMAGED as error:
            raise _Refused(f"the archive is damaged after {after}: {error}") from None
        if member is None:
            return
        after = repr(member.name)
        yield member


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


def clean_git_environment() -> dict[str, str]:
    """No prompt, no askpass, no system or global configuration, no LFS download."""
    return {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_LFS_SKIP_SMUDGE": "1",
    }


def _clone(source: str, destination: Path, limits: IntakeLimits, keep: Path | None) -> str:
    """Clone without a checkout, measure the commit's tree from git's own records (sizes, file
    count, depth), and check it out only when it fits: nothing is written that the limits
    would refuse. Git runs with no system or global configuration, so no filter, hook or
    credential helper of this host's applies to the submission."""
    url, _, ref = source.partition("#")
    if ref and (not SAFE_REF.match(ref) or ".." in ref):
        raise _Refused(f"git ref {ref!r} is not a plain branch, tag or commit name")
    env = clean_git_environment()
    scratch = Path(tempfile.mkdtemp(prefix="grader-clone-"))
    try:
        checkout = scratch / "repo"

        def git(step: str, *arguments: str) -> subprocess.CompletedProcess[str]:
            try:
                return subprocess.run(
                    ["git", *arguments], capture_output=True, text=True,
                    timeout=limits.git_timeout_s, env=env,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise _Refused(f"git {step} did not finish in {limits.git_timeout_s:g} s") from None

        cloned = git("clone", "-c", "protocol.ext.allow=never", "clone", "--quiet",
                     "--no-checkout", "--", url, str(checkout))  # fmt: skip
        if cloned.returncode != 0:
            raise _Refused(f"git clone of {url} failed: {_last_line(cloned.stderr)}")
        commit = ""
        for candidate in (ref, f"origin/{ref}") if ref else ("HEAD",):
            found = git("checkout", "-C", str(checkout), "rev-parse", "--verify", "--quiet",
                        f"{candidate}^{{commit}}")  # fmt: skip
            if found.returncode == 0:
                commit = found.stdout.strip()
                break
        if not commit:
            if ref:
                raise _Refused(f"git checkout of {ref!r} failed: no such branch, tag or commit")
            raise _Refused(f"the repository at {url} has no commit to grade")
        _measure_commit(checkout, commit, env, limits)
        switched = git("checkout", "-C", str(checkout), "checkout", "--quiet", "--detach",
                       commit)  # fmt: skip
        if switched.returncode != 0:
            raise _Refused(
                f"git checkout of {ref or commit!r} failed: {_last_line(switched.stderr)}"
            )
        _copy_folder(checkout, destination, _Budget(limits))
        if keep is not None:
            _check_depth_everywhere(checkout, _Budget(limits))  # .git and skipped folders too
            shutil.move(checkout, keep)
    finally:
        _remove_tree(scratch)  # not TemporaryDirectory: its rmtree recurses per folder level
    return commit


def _measure_commit(checkout: Path, commit: str, env: dict[str, str], limits: IntakeLimits) -> None:
    """Refuse a commit whose files would break the limits, before any is written: the sizes
    come from the objects' headers (`git ls-tree -l`), read as a stream and counted."""
    budget = _Budget(limits)
    listing = subprocess.Popen(
        ["git", "-C", str(checkout), "ls-tree", "-r", "-l", "-z", "--full-tree", commit],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    assert listing.stdout is not None  # a pipe was asked for
    timer = threading.Timer(limits.git_timeout_s, listing.kill)
    timer.start()
    try:
        pending = b""
        while chunk := listing.stdout.read(CHUNK):
            *entries, pending = (pending + chunk).split(b"\0")
            for entry in entries:
                _count_entry(entry, budget)
        listing.wait()
    finally:
        timer.cancel()
        if listing.poll() is None:
            listing.kill()
            listing.wait()
        listing.stdout.close()
    if listing.returncode != 0:
        raise _Refused(f"git could not list the files of {commit[:12]}")


def _count_entry(entry: bytes, budget: _Budget) -> None:
    """One `<mode> <type> <object> <size>\\t<path>` record of `git ls-tree -l`."""
    head, _, name = entry.partition(b"\t")
    fields = head.split()
    if len(fields) != 4:
        return
    relative = _safe_relative(name.decode("utf-8", "surrogateescape"))
    budget.check_depth(relative)
    if fields[1] == b"blob":
        budget.add_file()
        budget.add_bytes(int(fields[3]) if fields[3].isdigit() else 0)


def _check_depth_everywhere(root: Path, budget: _Budget) -> None:
    pending = [(root, PurePosixPath())]
    while pending:
        folder, relative = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                budget.check_depth(relative / entry.name)
                if entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), relative / entry.name))


def _last_line(text: str) -> str:
    return (text.strip().splitlines() or ["no message"])[-1]
