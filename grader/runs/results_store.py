"""Writing results: `results/<run>/<submission>/result.json` (atomically) and `logs/`."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from grader.core.result import Result

LOG_LIMIT = 2 << 20
FILE_MODE = 0o666


def _read_umask() -> int:
    current = os.umask(0o022)  # read once, at import, before any worker thread writes files
    os.umask(current)
    return current


UMASK = _read_umask()


def write_json_atomically(path: Path, data: Any) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    write_text_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_text_atomically(path: Path, text: str) -> None:
    """`text` as UTF-8, written beside `path` first and then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, FILE_MODE & ~UMASK)  # mkstemp's 0600 is too tight for reports
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_result(folder: Path, result: Result) -> Path:
    path = folder / "result.json"
    write_json_atomically(path, result.to_dict())
    return path


def write_log(folder: Path, name: str, text: str) -> str:
    """Write a log under `folder/logs/` (keeping the tail past LOG_LIMIT); its relative path."""
    relative = Path("logs") / f"{name}.log"
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(text) > LOG_LIMIT:
        text = f"[... {len(text) - LOG_LIMIT} characters left out ...]\n" + text[-LOG_LIMIT:]
    path.write_text(text, encoding="utf-8", errors="replace")
    return relative.as_posix()
