"""The candidate kit never carries a task's flaw corpus or its audit files."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO, copy_tasks

FIXTURE = REPO / "tests" / "fixtures" / "notes-corpus"
MARK = "ZQX-CORPUS-ONLY-6121"


def test_export_kit_leaves_the_corpus_and_the_audit_out(tmp_path: Path) -> None:
    location = copy_tasks(tmp_path / "copy")
    task = location.tasks_dir / "notes-api"
    shutil.copytree(FIXTURE, task / "corpus")
    (task / "corpus" / "two-flaws" / "flawed" / "notes" / "marked.py").write_text(f"# {MARK}\n")
    (task / "audit").mkdir()
    (task / "audit" / "equivalent.toml").write_text(
        f'[[mutant]]\nid = "notes/store.py:NumberReplacer:1"\nreason = "{MARK}"\n'
    )
    kit = tmp_path / "kit"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "tasks", "export-kit", "notes-api", str(kit),
         "--tasks-dir", str(location.tasks_dir)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = [path for path in kit.rglob("*") if path.is_file()]
    assert files
    for path in files:
        assert not {"corpus", "audit", "two-flaws"} & set(path.relative_to(kit).parts), path
        assert MARK not in path.read_text(errors="replace"), path
        assert "ground-truth" not in path.name
    with zipfile.ZipFile(kit.with_suffix(".zip")) as bundle:
        for name in bundle.namelist():
            assert not {"corpus", "audit"} & set(Path(name).parts), name
            assert MARK not in bundle.read(name).decode(errors="replace"), name
