"""`grader.stages.engineering.source`: a submission's files and git log, read without running them.

These run on real files and a real local git repository under `tmp_path`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from grader.stages.engineering.inputs import GitHistory, GitUnavailable
from grader.stages.engineering.source import read_git_history, read_tree


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.com",
         "-c", "commit.gpgsign=false", *arguments],
        check=True, capture_output=True,
    )  # fmt: skip


# read_tree


def test_files_are_read_sorted_with_posix_paths_and_text(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/__init__.py": "x = 1\n", "README.md": "# Hi\n"})

    tree = read_tree(tmp_path)

    assert [(f.path, f.text, f.size) for f in tree.files] == [
        ("README.md", "# Hi\n", 5),
        ("app/__init__.py", "x = 1\n", 6),
    ]
    assert tree.limit_reached is None


def test_binary_large_and_undecodable_files_have_no_text_but_a_size(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "logo.png": b"\x89PNG\0\0",
            "big.txt": "a" * 101,
            "latin.txt": "caf\xe9".encode("latin-1"),
        },
    )

    tree = read_tree(tmp_path, max_file_bytes=100)

    assert {f.path: (f.text, f.size) for f in tree.files} == {
        "big.txt": (None, 101),
        "latin.txt": (None, 4),
        "logo.png": (None, 6),
    }


def test_git_caches_and_virtualenvs_are_skipped(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "app.py": "",
            ".git/config": "",
            "app/__pycache__/app.cpython-311.pyc": b"\0",
            ".venv/lib/x.py": "",
            "venv/lib/x.py": "",
            "env/pyvenv.cfg": "home = /usr",
            "env/lib/x.py": "",
            "myenv/pyvenv.cfg": "",
            "lib/site-packages/x.py": "",
            "web/node_modules/x.js": "",
        },
    )

    assert [f.path for f in read_tree(tmp_path).files] == ["app.py"]


def test_a_folder_named_env_without_pyvenv_cfg_is_read(tmp_path: Path) -> None:
    write_files(tmp_path, {"env/settings.py": "A = 1\n"})

    assert [f.path for f in read_tree(tmp_path).files] == ["env/settings.py"]


def test_links_are_never_followed(tmp_path: Path) -> None:
    outside = write_files(tmp_path / "outside", {"secret.txt": "host secret", "d/x.py": "y"})
    root = write_files(tmp_path / "sub", {"app.py": "ok\n"})
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "linked_dir").symlink_to(outside / "d", target_is_directory=True)

    tree = read_tree(root)

    assert [f.path for f in tree.files] == ["app.py"]
    assert all("host secret" not in (f.text or "") for f in tree.files)


def test_reading_stops_at_the_file_limit_and_says_so(tmp_path: Path) -> None:
    write_files(tmp_path, {f"f{i}.txt": "x" for i in range(5)})

    tree = read_tree(tmp_path, max_files=3)

    assert [f.path for f in tree.files] == ["f0.txt", "f1.txt", "f2.txt"]
    assert tree.limit_reached == "stopped at 3 files; the rest was not read"


def test_text_stops_being_kept_past_the_total_byte_budget(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": "a" * 60, "b.txt": "b" * 60})

    tree = read_tree(tmp_path, max_total_bytes=100)

    assert [(f.path, f.text is not None) for f in tree.files] == [("a.txt", True), ("b.txt", False)]


# read_git_history


def test_a_folder_without_git_is_not_a_repository(tmp_path: Path) -> None:
    assert read_git_history(tmp_path) == GitUnavailable("the submission is not a git repository")


def test_a_git_file_pointing_elsewhere_is_not_followed(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    root = write_files(tmp_path / "sub", {".git": f"gitdir: {other / '.git'}\n"})

    history = read_git_history(root)

    assert history == GitUnavailable("a .git entry that is not a folder was ignored")


def test_commits_are_read_newest_first_with_the_files_they_touched(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.py": "x = 1\n", "README.md": "# App\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "Start the app")
    write_files(tmp_path, {"app.py": "x = 2\n", "tests/test_app.py": "def test(): pass\n"})
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "Test the app")

    history = read_git_history(tmp_path)

    assert isinstance(history, GitHistory)
    assert [(c.subject, c.files) for c in history.commits] == [
        ("Test the app", ("app.py", "tests/test_app.py")),
        ("Start the app", ("README.md", "app.py")),
    ]
    assert all(len(c.sha) == 40 for c in history.commits)


def test_hooks_of_the_repository_are_not_run(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    write_files(tmp_path, {"a.py": ""})
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    marker = tmp_path.parent / f"{tmp_path.name}-hook-ran"
    hooks = tmp_path / ".git" / "hooks"
    for hook in ("post-checkout", "pre-commit", "reference-transaction", "post-index-change"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}\n")
        os.chmod(hooks / hook, 0o755)
    with (tmp_path / ".git" / "config").open("a") as config:
        config.write(f"[core]\n\tfsmonitor = touch {marker}\n\tpager = touch {marker}\n")

    history = read_git_history(tmp_path)

    assert isinstance(history, GitHistory)
    assert len(history.commits) == 1
    assert not marker.exists()


def test_a_repository_without_commits_has_an_empty_history(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")

    assert read_git_history(tmp_path) == GitHistory(commits=())


def test_a_broken_repository_gives_the_reason_not_a_traceback(tmp_path: Path) -> None:
    write_files(tmp_path, {".git/HEAD": "garbage\n"})

    history = read_git_history(tmp_path)

    assert isinstance(history, GitUnavailable)
    assert history.is_repository
    assert history.reason.startswith("the history could not be read")


def test_a_git_log_that_outlives_its_time_limit_is_a_reason(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")

    history = read_git_history(tmp_path, timeout_s=0.000001)

    assert history == GitUnavailable("the git history was not read in 1e-06 s", is_repository=True)


def test_a_partial_clone_configuration_runs_nothing(tmp_path: Path) -> None:
    """The attack that ran a command as root: git fetches a missing object of a partial clone
    with `remote.origin.uploadpack`; the reader never runs git, so a missing object is only a
    reason."""
    marker = tmp_path.parent / f"{tmp_path.name}-upload-pack-ran"
    git(tmp_path, "init", "-q")
    write_files(tmp_path, {"a.py": "x = 1\n"})
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    for blob in (tmp_path / ".git" / "objects").glob("??/*"):
        blob.unlink()  # every object is now "promised" by the remote
    with (tmp_path / ".git" / "config").open("a") as config:
        config.write(
            "[core]\n\trepositoryformatversion = 1\n[extensions]\n\tpartialclone = origin\n"
            f'[remote "origin"]\n\turl = file://{tmp_path}\n\tpromisor = true\n'
            f"\tuploadpack = touch {marker}; git-upload-pack\n"
        )

    history = read_git_history(tmp_path)

    assert isinstance(history, GitUnavailable)
    assert not marker.exists()


def test_links_and_alternates_inside_git_are_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    git(elsewhere, "init", "-q")
    write_files(elsewhere, {"secret.py": "x = 1\n"})
    git(elsewhere, "add", ".")
    git(elsewhere, "commit", "-q", "-m", "Somebody else's secret subject")
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q")
    alternates = sub / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(f"{elsewhere / '.git' / 'objects'}\n")
    head = (elsewhere / ".git" / "refs" / "heads").iterdir().__next__()
    (sub / ".git" / "refs" / "heads" / head.name).write_text(head.read_text())

    borrowed = read_git_history(sub)

    assert isinstance(borrowed, GitUnavailable)
    assert "Somebody else" not in borrowed.reason
    alternates.unlink()
    (sub / ".git" / "description").unlink()
    (sub / ".git" / "description").symlink_to("/etc/passwd")

    linked = read_git_history(sub)

    assert linked == GitUnavailable(".git/description is a link or a special file", True)
