"""Submission ids never collide with the entries a run folder keeps for itself.

A submission's folder is `<run>/<id>/`; the run's own files sit beside them. The rule that
keeps them apart: every entry the run writes at its top has a dot in its name, and no id has.
"""

from __future__ import annotations

from pathlib import Path

from grader.reports.views import Audience
from grader.reports.writer import write_run_reports
from grader.runs.batch import RUN_RECORD, name_submissions
from tests.unit.sample_results import graded_result, write_run

SCREENSHOTS = ("index.png", "index.candidate.png")  # `grader report --screenshot`


def run_entries(tmp_path: Path) -> set[str]:
    """The names a run folder holds besides its submissions' folders."""
    run_dir = write_run(tmp_path / "run", [graded_result("alice")])
    write_run_reports(run_dir, [Audience.GRADER, Audience.CANDIDATE])
    return {p.name for p in run_dir.iterdir()} - {"alice"} | {RUN_RECORD, *SCREENSHOTS}


def test_every_entry_the_run_keeps_for_itself_has_a_dot(tmp_path):
    entries = run_entries(tmp_path)

    assert {"run.json", "index.html", "summary.md", "junit.xml", "scores.csv"} <= entries
    assert all("." in name for name in entries), entries


def test_no_submission_id_is_a_name_the_run_folder_uses(tmp_path):
    entries = run_entries(tmp_path)
    sources = [
        source
        for name in sorted(entries)
        for source in (f"subs/{name}.zip", f"subs/{name}.tar.gz", f"subs/{name}/", name)
    ]

    ids = [submission.id for submission in name_submissions(sources)]

    assert not set(ids) & entries
    assert all("." not in submission_id for submission_id in ids)
    assert len(set(ids)) == len(sources)


def test_a_submission_named_after_the_run_record_keeps_a_folder_of_its_own():
    ids = [s.id for s in name_submissions(["subs/run.json.zip", "subs/run.json"])]

    assert ids == ["run-json", "run-json-2"]
