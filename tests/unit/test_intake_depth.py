"""`grader.stages.intake.take_in.take_in` refuses trees nested deeper than `IntakeLimits.max_depth`.

Python 3.11's os.walk and shutil.rmtree recurse once per folder level, so a tree 1,100
folders deep would end every later step in a RecursionError. The depth is checked before a
folder is made, and a refusal leaves nothing behind. Deep trees made here are removed with
`rm -rf`, which does not recurse the way shutil.rmtree does.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.stages.intake.take_in import IntakeLimits, Refusal, SourceTree, take_in
from tests.unit.test_intake import git

DEEP = 1100
LIMITS = IntakeLimits()


@pytest.fixture
def deep_tmp(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    subprocess.run(["rm", "-rf", str(tmp_path)], check=True)


def refused(source: Path | str, destination: Path, limits: IntakeLimits = LIMITS) -> str:
    result = take_in(str(source), destination, limits)
    assert isinstance(result, Refusal), result
    assert not destination.exists(), "a refused intake must leave no partial tree behind"
    return result.reason


def accepted(source: Path | str, destination: Path, limits: IntakeLimits = LIMITS) -> SourceTree:
    result = take_in(str(source), destination, limits)
    assert isinstance(result, SourceTree), result
    return result


def nested_name(levels: int, leaf: str = "deep.py") -> str:
    """A path of `levels` parts: `levels - 1` folders, then the file."""
    return "d/" * (levels - 1) + leaf


def make_deep_folder(root: Path, levels: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    folder = root
    for _ in range(levels - 1):  # not os.makedirs: it recurses once per missing level
        folder = folder / "d"
        folder.mkdir()
    (folder / "deep.py").write_text("x = 1\n")
    (root / "app.py").write_text("print('hi')\n")
    return root


def make_zip(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name in names:
            bundle.writestr(name, b"x = 1\n")
    return path


def make_tar(path: Path, names: list[str]) -> Path:
    with tarfile.open(path, "w:gz") as bundle:
        for name in names:
            info = tarfile.TarInfo(name)
            info.size = 6
            bundle.addfile(info, io.BytesIO(b"x = 1\n"))
    return path


def test_a_folder_nested_1100_deep_is_refused(deep_tmp):
    source = make_deep_folder(deep_tmp / "src", DEEP)

    reason = refused(source, deep_tmp / "out")

    assert reason == "d/d/d/.../d is nested 65 levels deep; at most 64 are allowed"


@pytest.mark.parametrize(("make", "suffix"), [(make_zip, ".zip"), (make_tar, ".tar.gz")])
def test_an_archive_nested_1100_deep_is_refused_before_unpacking_it(tmp_path, make, suffix):
    archive = make(tmp_path / f"s{suffix}", ["app.py", "other.py", nested_name(DEEP)])

    reason = refused(archive, tmp_path / "out")

    assert reason == f"d/d/d/.../deep.py is nested {DEEP} levels deep; at most 64 are allowed"


@pytest.mark.parametrize(("make", "suffix"), [(make_zip, ".zip"), (make_tar, ".tar.gz")])
def test_an_archive_at_the_depth_limit_is_accepted_and_one_level_more_refused(
    tmp_path, make, suffix
):
    at_limit = make(tmp_path / f"a{suffix}", ["app.py", nested_name(64)])
    too_deep = make(tmp_path / f"b{suffix}", ["app.py", nested_name(65)])

    tree = accepted(at_limit, tmp_path / "a")

    assert (tree.path / nested_name(64)).is_file()
    assert "is nested 65 levels deep" in refused(too_deep, tmp_path / "b")


def test_a_folder_at_the_depth_limit_is_accepted(tmp_path):
    source = make_deep_folder(tmp_path / "src", 4)

    assert (accepted(source, tmp_path / "a", IntakeLimits(max_depth=4)).path / "d/d/d").is_dir()
    assert "at most 3 are allowed" in refused(source, tmp_path / "b", IntakeLimits(max_depth=3))


def test_the_depth_limit_must_stay_well_inside_the_recursion_limit():
    with pytest.raises(ValueError, match="max_depth"):
        IntakeLimits(max_depth=1000)


def deep_repository(root: Path, levels: int, deep_under: str = "") -> Path:
    make_deep_folder(root / deep_under, levels)
    (root / "app.py").write_text("print('hi')\n")
    git("init", "--quiet", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "deep", cwd=root)
    return root


@pytest.fixture
def own_tempdir(deep_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where intake's scratch clones go, to see that none is left behind."""
    scratch = deep_tmp / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def test_a_repository_nested_1100_deep_is_refused_and_its_clone_removed(deep_tmp, own_tempdir):
    repo = deep_repository(deep_tmp / "repo", DEEP)

    reason = refused(f"file://{repo}", deep_tmp / "out")

    # measured from git's own listing, before the checkout writes a folder of it
    assert "is nested 1100 levels deep; at most 64 are allowed" in reason
    assert list(own_tempdir.iterdir()) == []


def test_a_clone_is_checked_in_the_folders_the_copy_leaves_out(deep_tmp, own_tempdir):
    """git's listing of the commit is measured before the checkout writes any of it, skipped
    folders (node_modules) included, with a clone kept for its history or not."""
    repo = deep_repository(deep_tmp / "repo", 70, deep_under="node_modules/pkg")
    keep = deep_tmp / "clone"

    plain = refused(f"file://{repo}", deep_tmp / "plain")
    result = take_in(f"file://{repo}", deep_tmp / "out", LIMITS, keep_clone=keep)

    assert plain.startswith("node_modules/pkg/d/.../deep.py is nested 72 levels deep")
    assert isinstance(result, Refusal), result
    assert result.reason == plain
    assert not keep.exists()
    assert not (deep_tmp / "out").exists()
    assert list(own_tempdir.iterdir()) == []
