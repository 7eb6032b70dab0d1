"""`results_store`: atomic writes with the file mode a person expects."""

from __future__ import annotations

from pathlib import Path

from grader.runs.results_store import FILE_MODE, UMASK, write_json_atomically


def test_results_get_the_usual_file_mode_and_no_temporary_file(tmp_path: Path) -> None:
    write_json_atomically(tmp_path / "result.json", {"a": 1})
    assert (tmp_path / "result.json").stat().st_mode & 0o777 == FILE_MODE & ~UMASK
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]
