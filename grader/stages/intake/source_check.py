"""Is a source the operator named there at all? Asked of every source before a run starts.

A path that does not exist, a file that is no archive, a git ref that is not a plain name or
that the repository does not have: each is the operator's typo, said at once (exit 2), not
graded as a candidate with 0 %. A git URL is asked with `git ls-remote` (no clone, no
checkout, nothing of the repository runs), in the same clean environment the intake clones in;
a commit id is left to the clone, which alone can tell whether it exists.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from grader.stages.intake.take_in import (
    ARCHIVE_SUFFIXES,
    SAFE_REF,
    clean_git_environment,
    is_git_url,
)

LS_REMOTE_TIMEOUT_S = 30.0
COMMIT_ID = re.compile(r"^[0-9a-f]{7,40}$")


def source_problem(source: str, timeout_s: float = LS_REMOTE_TIMEOUT_S) -> str | None:
    """Why `source` cannot be a submission, or None when it may be one."""
    if is_git_url(source):
        return _remote_problem(source, timeout_s)
    path = Path(source)
    if not path.exists():
        hint = " (a #ref goes after a git URL, not a folder)" if "#" in source else ""
        return f"{source}: no such folder or archive{hint}"
    if path.is_file() and not path.name.endswith(ARCHIVE_SUFFIXES):
        return f"{source}: neither a folder nor a {'/'.join(ARCHIVE_SUFFIXES)} archive"
    return None


def _remote_problem(source: str, timeout_s: float) -> str | None:
    url, _, ref = source.partition("#")
    if ref and (not SAFE_REF.match(ref) or ".." in ref):
        return f"{source}: {ref!r} is not a plain branch, tag or commit name"
    if ref and COMMIT_ID.match(ref):
        return None
    name = ref.removeprefix("origin/") if ref else "HEAD"
    command = ["git", "-c", "protocol.ext.allow=never", "ls-remote", "--exit-code", "--", url]
    try:
        done = subprocess.run(
            [*command, name], capture_output=True, text=True, timeout=timeout_s,
            env=clean_git_environment(),
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"{source}: the repository did not answer in {timeout_s:g} s"
    except OSError as error:
        return f"{source}: git could not be run ({error.strerror})"
    if done.returncode == 2:  # --exit-code: the repository answered, without that ref
        what = f"no branch or tag {ref!r}" if ref else "no commit (an empty repository)"
        return f"{source}: the repository has {what}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"{source}: the repository cannot be read: {last}"
    return None
