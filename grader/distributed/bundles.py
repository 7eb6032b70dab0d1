"""Folders as single files for the store: a task with its reference tests, a result folder.

Packed with the snapshot writer (deterministic bytes: the same folder gives the same file) and
unpacked with tarfile's `data` filter (no links out, no devices, no absolute paths), into a
fresh folder that is renamed into place only once it is complete.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
from pathlib import Path

from grader.core.task import Task
from grader.runs.task_files import NOT_PART_OF_TASK_HASH
from grader.stages.intake.snapshot import write_snapshot

TOP = "bundle"
UNPACKED_LIMIT = 2 << 30


def pack_folder(folder: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="grader-pack-") as scratch:
        return write_snapshot(folder, Path(scratch), TOP).read_bytes()


def pack_task(task: Task) -> bytes:
    """The task folder (less its solutions) and its reference tests, laid out as a checkout
    is: `tasks/<id>/` beside `reference_tests/<id>/`, which `load_task` reads the same way."""
    ignore = shutil.ignore_patterns(*NOT_PART_OF_TASK_HASH)
    with tempfile.TemporaryDirectory(prefix="grader-pack-") as scratch:
        layout = Path(scratch) / "layout"
        shutil.copytree(task.root, layout / "tasks" / task.id, ignore=ignore, symlinks=True)
        shutil.copytree(
            task.tests_root, layout / "reference_tests" / task.id, ignore=ignore, symlinks=True
        )
        return pack_folder(layout)


def unpack_folder(data: bytes, destination: Path) -> Path:
    """Unpack a packed folder as `destination` (replacing what was there); `destination`."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as bundle:
            members = bundle.getmembers()
            if sum(m.size for m in members) > UNPACKED_LIMIT:
                raise ValueError(f"unpacks to more than {UNPACKED_LIMIT} bytes")
            if any(m.name != TOP and not m.name.startswith(f"{TOP}/") for m in members):
                raise ValueError(f"a member outside {TOP}/")
            bundle.extractall(partial, filter="data")
        (partial / TOP).mkdir(exist_ok=True)  # an empty folder has no member
        shutil.rmtree(destination, ignore_errors=True)
        (partial / TOP).rename(destination)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return destination
