"""Read a submitted `.git` folder's log with dulwich, as a program of its own: no git runs.

Run by `source.read_git_history` as `python -I git_log_reader.py GIT_DIR MAX_COMMITS` in a
child process with a time limit, under a memory limit it sets on itself. Nothing in the folder
is executed or configures anything: the configuration file is never read (so no `uploadpack`,
`fsmonitor`, filter or hook setting can reach a process), alternates and `commondir` are not
followed, and a folder holding a link or a special file is not read at all, so nothing outside
it is opened. Blobs are never inflated: only commits and trees are read.

Prints one JSON object: {"commits": [{"sha", "subject", "files"}...]} newest first, or
{"error": reason}. Imports nothing of the grader, so it starts fast and alone.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import sys
from collections.abc import Iterator
from typing import Any

MEMORY_LIMIT = 1 << 30
MAX_ENTRIES = 200_000
MAX_FILES_PER_COMMIT = 1000


class Unreadable(Exception):
    """The folder cannot be read safely; the message says why."""


def check_folder(git_dir: str) -> None:
    """Refuse a folder with links, special files or too many entries, before opening any file."""
    pending = [git_dir]
    seen = 0
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                seen += 1
                if seen > MAX_ENTRIES:
                    raise Unreadable(f"the .git folder has more than {MAX_ENTRIES} entries")
                mode = entry.stat(follow_symlinks=False).st_mode
                relative = os.path.relpath(entry.path, git_dir)
                if stat.S_ISDIR(mode):
                    pending.append(entry.path)
                elif not stat.S_ISREG(mode):
                    raise Unreadable(f".git/{relative} is a link or a special file")


def read_log(git_dir: str, max_commits: int) -> list[dict[str, Any]]:
    from dulwich.diff_tree import tree_changes
    from dulwich.object_store import DiskObjectStore
    from dulwich.objects import Commit
    from dulwich.refs import DiskRefsContainer, Ref

    class OwnObjectsOnly(DiskObjectStore):
        def _read_alternate_paths(self) -> Iterator[str]:
            return iter(())

    store = OwnObjectsOnly(os.path.join(git_dir, "objects"))
    refs = DiskRefsContainer(git_dir)
    try:
        head = refs[Ref(b"HEAD")]
    except KeyError:
        return []  # a repository with no commit yet
    commits: list[dict[str, Any]] = []
    pending = [head]
    seen: set[bytes] = set()
    while pending and len(commits) < max_commits:
        # newest first by commit time, as `git log` lists a history
        pending.sort(key=lambda sha: _commit(store, sha, Commit).commit_time)
        sha = pending.pop()
        if sha in seen:
            continue
        seen.add(sha)
        commit = _commit(store, sha, Commit)
        parents = list(commit.parents)
        files: list[str] = []
        if len(parents) <= 1:  # `git log --name-only` lists no files for a merge
            before = _commit(store, parents[0], Commit).tree if parents else None
            for change in tree_changes(store, before, commit.tree):
                entry = change.new if change.new is not None and change.new.path else change.old
                if entry is not None and entry.path is not None:
                    files.append(entry.path.decode("utf-8", "replace"))
                if len(files) >= MAX_FILES_PER_COMMIT:
                    break
        subject = commit.message.decode("utf-8", "replace").strip().splitlines()
        commits.append(
            {"sha": sha.decode("ascii", "replace"), "subject": subject[0] if subject else "",
             "files": sorted(files)}
        )  # fmt: skip
        pending.extend(parent for parent in parents if parent not in seen)
    return commits


def _commit(store: Any, sha: bytes, kind: type) -> Any:
    found = store[sha]
    if not isinstance(found, kind):
        raise Unreadable(f"{sha.decode('ascii', 'replace')} is not a commit")
    return found


def main(arguments: list[str]) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    git_dir, max_commits = arguments[0], int(arguments[1])
    try:
        check_folder(git_dir)
        answer: dict[str, Any] = {"commits": read_log(git_dir, max_commits)}
    except Unreadable as reason:
        answer = {"error": str(reason)}
    except MemoryError:
        answer = {"error": f"reading the history needed more than {MEMORY_LIMIT >> 20} MiB"}
    except Exception as error:  # whatever a hostile folder provokes: unreadable, said so
        answer = {"error": f"the history could not be read ({type(error).__name__}: {error})"}
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
