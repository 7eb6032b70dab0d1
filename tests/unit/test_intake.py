"""`take_in`: folders, archives and git URLs become checked, hashed trees.

Everything here runs on real files under `tmp_path`; the git tests use a local repository.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from grader.stages.intake.take_in import IntakeLimits, Refusal, SourceTree, submission_name, take_in

MIB = 1024 * 1024
LIMITS = IntakeLimits()

# Helpers


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def tar_file(name: str, data: bytes) -> tuple[tarfile.TarInfo, io.BytesIO]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    return info, io.BytesIO(data)


def tar_link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, io.BytesIO | None]]) -> Path:
    mode = "w:gz" if path.name.endswith((".tar.gz", ".tgz")) else "w"
    with tarfile.open(path, mode) as bundle:
        for info, data in members:
            bundle.addfile(info, data)
    return path


def accepted(source: Path | str, destination: Path, limits: IntakeLimits = LIMITS) -> SourceTree:
    result = take_in(str(source), destination, limits)
    assert isinstance(result, SourceTree), result
    assert result.path == destination
    return result


def refused(source: Path | str, destination: Path, limits: IntakeLimits = LIMITS) -> str:
    result = take_in(str(source), destination, limits)
    assert isinstance(result, Refusal), result
    assert not destination.exists(), "a refused intake must leave no partial tree behind"
    return result.reason


def listing(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


PROJECT = {
    "app.py": "from flask import Flask\napp = Flask(__name__)\n",
    "requirements.txt": "flask\n",
    "notes/__init__.py": "",
    "notes/routes.py": "ROUTES = []\n",
}

# Folders


def test_folder_is_copied_and_hashed(tmp_path):
    source = write_files(tmp_path / "src", PROJECT)

    tree = accepted(source, tmp_path / "out")

    assert listing(tree.path) == {
        "app.py",
        "requirements.txt",
        "notes",
        "notes/__init__.py",
        "notes/routes.py",
    }
    assert (tree.path / "notes" / "routes.py").read_text() == "ROUTES = []\n"
    assert len(tree.sha256) == 64
    assert (source / "app.py").exists(), "the source must be left as it was"


def test_git_and_pycache_folders_are_not_copied(tmp_path):
    files = {
        **PROJECT,
        ".git/config": "[core]\n",
        ".git/objects/ab/cdef": b"\x00\x01",
        "__pycache__/app.cpython-311.pyc": b"\x00",
        "notes/__pycache__/routes.cpython-311.pyc": b"\x00",
    }
    source = write_files(tmp_path / "src", files)

    tree = accepted(source, tmp_path / "out")

    copied = listing(tree.path)
    assert "app.py" in copied
    assert not any(".git" in name.split("/") for name in copied)
    assert not any("__pycache__" in name.split("/") for name in copied)


def test_same_content_gives_the_same_hash(tmp_path):
    first = write_files(tmp_path / "one", PROJECT)
    second = write_files(tmp_path / "two", dict(reversed(PROJECT.items())))

    hash_one = accepted(first, tmp_path / "out1").sha256
    hash_two = accepted(second, tmp_path / "out2").sha256

    assert hash_one == hash_two


def test_ignored_folders_do_not_change_the_hash(tmp_path):
    plain = write_files(tmp_path / "plain", PROJECT)
    noisy = write_files(tmp_path / "noisy", {**PROJECT, ".git/HEAD": "ref: main\n"})

    assert accepted(plain, tmp_path / "o1").sha256 == accepted(noisy, tmp_path / "o2").sha256


def test_one_changed_byte_changes_the_hash(tmp_path):
    original = write_files(tmp_path / "one", PROJECT)
    changed = write_files(tmp_path / "two", {**PROJECT, "notes/routes.py": "ROUTES = []\r"})

    assert accepted(original, tmp_path / "o1").sha256 != accepted(changed, tmp_path / "o2").sha256


def test_a_renamed_file_changes_the_hash(tmp_path):
    original = write_files(tmp_path / "one", PROJECT)
    renamed = dict(PROJECT)
    renamed["notes/route.py"] = renamed.pop("notes/routes.py")
    moved = write_files(tmp_path / "two", renamed)

    assert accepted(original, tmp_path / "o1").sha256 != accepted(moved, tmp_path / "o2").sha256


def test_relative_symlink_inside_the_tree_is_kept(tmp_path):
    source = write_files(tmp_path / "src", PROJECT)
    (source / "main.py").symlink_to("app.py")
    (source / "notes" / "app_link.py").symlink_to("../app.py")
    (source / "pkg").symlink_to("notes")

    tree = accepted(source, tmp_path / "out")

    for name, target in [
        ("main.py", "app.py"),
        ("notes/app_link.py", "../app.py"),
        ("pkg", "notes"),
    ]:
        path = tree.path / name
        assert path.is_symlink(), name
        assert os.readlink(path) == target
    assert (tree.path / "main.py").read_text() == PROJECT["app.py"]


@pytest.mark.parametrize(
    "target", ["/etc/passwd", "../../outside.txt", "../notes/../../outside.txt"]
)
def test_folder_with_a_symlink_out_of_it_is_refused(tmp_path, target):
    (tmp_path / "outside.txt").write_text("secret")
    source = write_files(tmp_path / "src", PROJECT)
    (source / "notes" / "leak").symlink_to(target)  # from src/notes/, so ../.. leaves src/

    reason = refused(source, tmp_path / "out")

    assert "points outside the submission" in reason


def test_folder_with_a_symlinked_folder_out_of_it_is_refused(tmp_path):
    write_files(tmp_path / "elsewhere", {"secret.txt": "secret"})
    source = write_files(tmp_path / "src", PROJECT)
    (source / "data").symlink_to(tmp_path / "elsewhere")

    assert "points outside the submission" in refused(source, tmp_path / "out")


def test_folder_with_a_fifo_is_refused(tmp_path):
    source = write_files(tmp_path / "src", PROJECT)
    os.mkfifo(source / "pipe")

    assert "not a regular file" in refused(source, tmp_path / "out")


def test_executable_bit_is_kept(tmp_path):
    source = write_files(tmp_path / "src", {**PROJECT, "start.sh": "#!/bin/sh\n"})
    (source / "start.sh").chmod(0o755)

    tree = accepted(source, tmp_path / "out")

    assert (tree.path / "start.sh").stat().st_mode & stat.S_IXUSR
    assert not (tree.path / "app.py").stat().st_mode & stat.S_IXUSR


def test_more_files_than_allowed_is_refused(tmp_path):
    source = write_files(tmp_path / "src", {f"f{i}.py": "" for i in range(6)})

    assert accepted(source, tmp_path / "ok", IntakeLimits(max_files=6))
    reason = refused(source, tmp_path / "out", IntakeLimits(max_files=5))

    assert "too many files" in reason


def test_folder_larger_than_allowed_is_refused(tmp_path):
    source = write_files(tmp_path / "src", {"big.bin": b"\0" * (MIB + 1)})

    assert "too large" in refused(source, tmp_path / "out", IntakeLimits(max_bytes=MIB))


def test_an_existing_destination_is_left_alone(tmp_path):
    source = write_files(tmp_path / "src", PROJECT)
    destination = write_files(tmp_path / "out", {"keep.txt": "precious"})

    # the caller's mistake, not the submission's: an error (a harness_error upstream), no refusal
    with pytest.raises(FileExistsError):
        take_in(str(source), destination, LIMITS)

    assert (destination / "keep.txt").read_text() == "precious"


def test_missing_source_is_refused(tmp_path):
    reason = refused(tmp_path / "nope", tmp_path / "out")

    assert "does not exist" in reason


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("hello")

    assert "neither a folder nor" in refused(source, tmp_path / "out")


def test_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()

    result = take_in(str(tmp_path / "empty"), tmp_path / "out", LIMITS)

    assert result == Refusal("the submission is empty")
    assert not (tmp_path / "out").exists(), "a refusal leaves nothing behind"


def test_a_folder_of_ignored_folders_only_is_refused_as_empty(tmp_path):
    source = write_files(tmp_path / "src", {".git/HEAD": "x", "__pycache__/a.pyc": b"\0"})

    result = take_in(str(source), tmp_path / "out", LIMITS)

    assert result == Refusal("the submission is empty")


# Archives


def test_zip_is_unpacked(tmp_path):
    archive = make_zip(tmp_path / "sub.zip", {k: v.encode() for k, v in PROJECT.items()})

    tree = accepted(archive, tmp_path / "out")

    assert (tree.path / "notes" / "routes.py").read_text() == "ROUTES = []\n"
    assert (tree.path / "app.py").read_text() == PROJECT["app.py"]


def test_zip_and_folder_with_the_same_files_hash_the_same(tmp_path):
    archive = make_zip(tmp_path / "sub.zip", {k: v.encode() for k, v in PROJECT.items()})
    folder = write_files(tmp_path / "src", PROJECT)

    assert accepted(archive, tmp_path / "o1").sha256 == accepted(folder, tmp_path / "o2").sha256


@pytest.mark.parametrize("name", ["sub.tar.gz", "sub.tgz", "sub.tar"])
def test_tar_is_unpacked(tmp_path, name):
    members = [tar_file(k, v.encode()) for k, v in PROJECT.items()]
    archive = make_tar(tmp_path / name, members)

    tree = accepted(archive, tmp_path / "out")

    assert (tree.path / "notes" / "routes.py").read_text() == "ROUTES = []\n"
    assert (tree.path / "requirements.txt").read_text() == "flask\n"


def test_zip_with_one_top_folder_is_lifted(tmp_path):
    members = {f"notes-main/{k}": v.encode() for k, v in PROJECT.items()}
    archive = make_zip(tmp_path / "notes-main.zip", members)

    tree = accepted(archive, tmp_path / "out")

    assert (tree.path / "app.py").is_file()
    assert not (tree.path / "notes-main").exists()
    assert "notes" in listing(tree.path)


def test_tar_with_one_top_folder_is_lifted(tmp_path):
    members = [tar_file(f"project/{k}", v.encode()) for k, v in PROJECT.items()]
    archive = make_tar(tmp_path / "project.tar.gz", members)

    tree = accepted(archive, tmp_path / "out")

    assert (tree.path / "app.py").is_file()
    assert not (tree.path / "project").exists()


def test_archive_with_two_top_entries_is_not_lifted(tmp_path):
    archive = make_zip(tmp_path / "s.zip", {"pkg/__init__.py": b"", "README.md": b"hi"})

    tree = accepted(archive, tmp_path / "out")

    assert listing(tree.path) == {"pkg", "pkg/__init__.py", "README.md"}


def test_archive_with_one_top_file_is_not_lifted(tmp_path):
    archive = make_zip(tmp_path / "s.zip", {"app.py": b"app = 1\n"})

    assert listing(accepted(archive, tmp_path / "out").path) == {"app.py"}


def test_relative_symlink_in_a_tar_is_kept(tmp_path):
    members = [
        tar_file("app.py", b"app = 1\n"),
        tar_link("main.py", "app.py"),
        tar_file("sub/mod.py", b""),
        tar_link("sub/up.py", "../app.py"),
    ]
    archive = make_tar(tmp_path / "s.tar.gz", members)

    tree = accepted(archive, tmp_path / "out")

    assert os.readlink(tree.path / "main.py") == "app.py"
    assert os.readlink(tree.path / "sub" / "up.py") == "../app.py"
    assert (tree.path / "sub" / "up.py").read_text() == "app = 1\n"


@pytest.mark.parametrize("name", ["../evil.py", "sub/../../evil.py"])
def test_zip_member_climbing_out_is_refused(tmp_path, name):
    archive = make_zip(tmp_path / "s.zip", {"app.py": b"", name: b"evil"})

    reason = refused(archive, tmp_path / "work" / "out")

    assert "points outside the submission" in reason
    assert not (tmp_path / "work" / "evil.py").exists()
    assert not (tmp_path / "evil.py").exists()


def test_zip_member_with_an_absolute_path_is_refused(tmp_path):
    target = tmp_path / "abs" / "evil.py"
    archive = make_zip(tmp_path / "s.zip", {"app.py": b"", str(target): b"evil"})

    reason = refused(archive, tmp_path / "out")

    assert "points outside the submission" in reason
    assert not target.exists()


def test_zip_member_with_a_backslash_is_refused(tmp_path):
    archive = make_zip(tmp_path / "s.zip", {"app.py": b"", "..\\evil.py": b"evil"})

    assert "backslash" in refused(archive, tmp_path / "out")


def test_tar_member_climbing_out_is_refused(tmp_path):
    archive = make_tar(tmp_path / "s.tar", [tar_file("app.py", b""), tar_file("../x", b"evil")])

    reason = refused(archive, tmp_path / "work" / "out")

    assert "points outside the submission" in reason
    assert not (tmp_path / "work" / "x").exists()


def test_tar_member_with_an_absolute_path_is_refused(tmp_path):
    target = tmp_path / "abs.py"
    archive = make_tar(tmp_path / "s.tar", [tar_file(str(target), b"evil")])

    assert "points outside the submission" in refused(archive, tmp_path / "out")
    assert not target.exists()


def test_tar_symlink_to_an_absolute_path_is_refused(tmp_path):
    archive = make_tar(
        tmp_path / "s.tar.gz", [tar_file("app.py", b""), tar_link("pw", "/etc/passwd")]
    )

    reason = refused(archive, tmp_path / "out")

    assert "link pw points outside the submission" in reason


@pytest.mark.parametrize(
    ("name", "target"),
    [("a", "../../outside"), ("a", ".."), ("sub/b", "../../x"), ("sub/c", "./../d/../../x")],
)
def test_tar_symlink_climbing_out_is_refused(tmp_path, name, target):
    archive = make_tar(tmp_path / "s.tar.gz", [tar_file("app.py", b""), tar_link(name, target)])

    assert "points outside the submission" in refused(archive, tmp_path / "out")


def test_tar_member_written_through_a_symlink_is_refused(tmp_path):
    members = [
        tar_file("app.py", b""),
        tar_link("sub", "."),  # inside the tree, so the link itself is fine
        tar_file("sub/evil.py", b"evil"),
    ]
    archive = make_tar(tmp_path / "s.tar", members)

    assert "written through a link" in refused(archive, tmp_path / "out")


def test_tar_symlink_escaping_through_another_symlink_is_refused(tmp_path):
    directory = tarfile.TarInfo("a")
    directory.type = tarfile.DIRTYPE
    members = [
        tar_file("app.py", b""),
        (directory, None),
        tar_link("a/b", ".."),  # the tree's root: fine on its own
        tar_link("a/c", "b/../.."),  # lexically a/../.. = the root; really the root's parent
    ]
    destination = tmp_path / "work" / "out"
    result = take_in(str(make_tar(tmp_path / "s.tar", members)), destination, LIMITS)

    if isinstance(result, SourceTree):
        escaped = (destination / "a" / "c").resolve()
        assert escaped.is_relative_to(destination.resolve()), f"a/c resolves to {escaped}"
    assert isinstance(result, Refusal)


def test_tar_member_appearing_twice_is_refused(tmp_path):
    members = [tar_file("app.py", b"one"), tar_file("app.py", b"two")]

    assert "appears twice" in refused(make_tar(tmp_path / "s.tar", members), tmp_path / "out")


def test_tar_with_a_hard_link_is_refused(tmp_path):
    members = [tar_file("app.py", b"app = 1\n"), tar_link("copy.py", "app.py", tarfile.LNKTYPE)]
    archive = make_tar(tmp_path / "s.tar.gz", members)

    assert "hard link" in refused(archive, tmp_path / "out")


def test_tar_with_a_device_file_is_refused(tmp_path):
    device = tarfile.TarInfo("dev")
    device.type = tarfile.CHRTYPE
    archive = make_tar(tmp_path / "s.tar", [tar_file("app.py", b""), (device, None)])

    assert "special file" in refused(archive, tmp_path / "out")


def test_zip_larger_than_allowed_when_unpacked_is_refused(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"zeros.bin": b"\0" * (2 * MIB)})
    assert archive.stat().st_size < MIB // 10, "the archive itself is small"

    reason = refused(archive, tmp_path / "out", IntakeLimits(max_bytes=MIB))

    assert "too large" in reason


def test_zip_within_the_size_limit_is_accepted(tmp_path):
    archive = make_zip(tmp_path / "ok.zip", {"zeros.bin": b"\0" * (MIB - 1)})

    tree = accepted(archive, tmp_path / "out", IntakeLimits(max_bytes=MIB))

    assert (tree.path / "zeros.bin").stat().st_size == MIB - 1


def test_tar_with_more_files_than_allowed_is_refused(tmp_path):
    archive = make_tar(tmp_path / "s.tar.gz", [tar_file(f"f{i}.py", b"") for i in range(4)])

    reason = refused(archive, tmp_path / "out", IntakeLimits(max_files=3))

    assert "too many files: more than 3" in reason


def test_zip_with_more_files_than_allowed_is_refused(tmp_path):
    archive = make_zip(tmp_path / "s.zip", {f"f{i}.py": b"" for i in range(4)})

    assert "too many files" in refused(archive, tmp_path / "out", IntakeLimits(max_files=3))


def test_corrupt_archive_is_refused_not_raised(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")

    assert "could not be read" in refused(archive, tmp_path / "out")


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("/home/x/Alice Smith/", "alice-smith"),
        ("subs/bob.tar.gz", "bob"),
        ("carol.zip", "carol"),
        ("https://github.com/dave/Notes-API.git#v1", "notes-api"),
        ("git@github.com:erin/api.git", "api"),
        ("run.json.zip", "run-json"),
        ("subs/index.html/", "index-html"),
        ("Bob_Smith.v2.tar.gz", "bob_smith-v2"),
        ("...zip", "submission"),
    ],
)
def test_submission_name(source, name):
    assert submission_name(source) == name


# Git


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: v1 (tagged `v1`), then v3; branch `feature`: v1, then v2."""
    path = tmp_path / "repo"
    path.mkdir()
    git("init", "--quiet", "--initial-branch=main", cwd=path)
    write_files(path, {"app.py": "VERSION = 1\n"})
    git("add", "app.py", cwd=path)
    git("commit", "--quiet", "-m", "one", cwd=path)
    git("tag", "v1", cwd=path)
    git("checkout", "--quiet", "-b", "feature", cwd=path)
    write_files(path, {"app.py": "VERSION = 2\n"})
    git("commit", "--quiet", "-am", "two", cwd=path)
    git("checkout", "--quiet", "main", cwd=path)
    write_files(path, {"app.py": "VERSION = 3\n"})
    git("commit", "--quiet", "-am", "three", cwd=path)
    return path


def test_git_url_without_ref_takes_the_default_branch(tmp_path, repo):
    tree = accepted(f"file://{repo}", tmp_path / "out")

    assert (tree.path / "app.py").read_text() == "VERSION = 3\n"
    assert not (tree.path / ".git").exists()


def test_a_cloned_repository_can_be_kept_whole_for_its_history(tmp_path, repo):
    keep = tmp_path / "kept"

    tree = take_in(f"file://{repo}", tmp_path / "out", IntakeLimits(), keep_clone=keep)

    assert isinstance(tree, SourceTree)
    assert not (tree.path / ".git").exists()
    assert git("log", "--format=%s", cwd=keep).splitlines() == ["three", "one"]


def test_git_url_with_a_commit_checks_it_out(tmp_path, repo):
    commit = git("rev-parse", "v1", cwd=repo)

    tree = accepted(f"file://{repo}#{commit}", tmp_path / "out")

    assert (tree.path / "app.py").read_text() == "VERSION = 1\n"


def test_git_url_with_a_remote_branch_checks_it_out(tmp_path, repo):
    tree = accepted(f"file://{repo}#origin/feature", tmp_path / "out")

    assert (tree.path / "app.py").read_text() == "VERSION = 2\n"


def test_git_url_with_a_tag_checks_it_out(tmp_path, repo):
    tree = accepted(f"file://{repo}#v1", tmp_path / "out")

    assert (tree.path / "app.py").read_text() == "VERSION = 1\n"
    assert tree.commit == git("rev-parse", "v1^{commit}", cwd=repo), "the commit is recorded"


def test_a_folder_has_no_commit(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "app.py").write_text("x = 1\n")

    tree = accepted(str(tmp_path / "sub"), tmp_path / "out")

    assert tree.commit is None


def test_git_url_with_a_branch_name_checks_it_out(tmp_path, repo):
    tree = accepted(f"file://{repo}#feature", tmp_path / "out")

    assert (tree.path / "app.py").read_text() == "VERSION = 2\n"


def test_git_url_with_a_bad_ref_is_refused(tmp_path, repo):
    reason = refused(f"file://{repo}#no-such-ref", tmp_path / "out")

    assert "checkout" in reason


def test_git_url_that_cannot_be_cloned_is_refused(tmp_path):
    reason = refused(f"file://{tmp_path / 'missing'}", tmp_path / "out")

    assert "git clone" in reason


def test_git_repository_is_limited_like_a_folder(tmp_path, repo):
    reason = refused(f"file://{repo}", tmp_path / "out", IntakeLimits(max_bytes=5))

    assert "too large" in reason


def test_a_git_checkout_bomb_is_refused_before_any_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small repository whose checkout is large: git's own records give the sizes, so the
    commit is refused without `git checkout` ever running."""
    path = tmp_path / "bomb"
    path.mkdir()
    git("init", "--quiet", "--initial-branch=main", cwd=path)
    (path / "zeros").write_bytes(b"\0" * (8 << 20))  # 8 MiB that pack into a few KiB
    write_files(path, {"app.py": "app = None\n"})
    git("add", ".", cwd=path)
    git("commit", "--quiet", "-m", "bomb", cwd=path)
    commands: list[list[str]] = []
    real_run = subprocess.run

    def recording_run(command: list[str], **options: object) -> object:
        commands.append(list(command))
        return real_run(command, **options)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", recording_run)

    reason = refused(f"file://{path}", tmp_path / "out", IntakeLimits(max_bytes=1 << 20))

    assert "too large" in reason
    clones = [c for c in commands if "clone" in c[3:]]
    assert clones, "the repository was cloned"
    assert all("--no-checkout" in c for c in clones), "and not checked out by the clone"
    assert not [c for c in commands if "checkout" in c[3:]], "nor afterwards"


def test_a_git_commit_with_too_many_files_is_refused(tmp_path: Path, repo: Path) -> None:
    write_files(repo, {"a.py": "", "b.py": "", "c.py": ""})
    git("add", ".", cwd=repo)
    git("commit", "--quiet", "-m", "more", cwd=repo)

    reason = refused(f"file://{repo}", tmp_path / "out", IntakeLimits(max_files=3))

    assert "too many files" in reason
