"""`grader.reports.views`: what each audience's view holds, computed from plain values."""

from __future__ import annotations

from dataclasses import replace

import pytest

from grader.core.result import Outcome, StageRecord, StageStatus, result_from_dict
from grader.reports.views import Audience, candidate_view, grader_view, view_for
from tests.unit.sample_results import (
    HIDDEN_FAILED,
    LOGS,
    build_failed_result,
    graded_result,
    harness_error_result,
)


def test_each_test_is_worth_its_share_of_its_criterion() -> None:
    result = graded_result()
    view = grader_view(result)

    assert result.score is not None
    assert sum(t.max_points for t in view.tests) == pytest.approx(result.score.max_points)
    assert sum(t.points for t in view.tests) == pytest.approx(result.score.points)
    by_id = {t.id: t for t in view.tests}
    # api.create is worth 35: its public tests weigh 1 + 1 and its hidden one 2, of 4
    assert by_id["public/test_pub.py::test_create"].max_points == pytest.approx(8.75)
    assert by_id["public/test_pub.py::test_create"].points == pytest.approx(8.75)
    assert by_id["public/test_pub.py::test_create_rejects"].points == 0.0
    assert by_id["public/test_pub.py::test_create"].category_title == "API"


def test_the_grader_view_keeps_every_test_and_reason() -> None:
    result = graded_result()
    view = grader_view(result)

    assert [t.id for t in view.tests] == [t.id for t in result.tests]
    reasons = [r for c in view.categories for criterion in c.criteria for r in criterion.lost]
    assert any(HIDDEN_FAILED in reason for reason in reasons)
    assert view.audience is Audience.GRADER
    assert view.total is not None
    assert view.total.points == result.score.points


def test_the_candidate_view_keeps_category_totals_and_public_parts() -> None:
    result = graded_result()
    grader, candidate = grader_view(result), candidate_view(result)

    assert candidate.total == grader.total
    assert [(c.id, c.points, c.max_points) for c in candidate.categories] == [
        (c.id, c.points, c.max_points) for c in grader.categories
    ]
    assert {t.visibility for t in candidate.tests} == {"public"}
    assert candidate.hidden_tests_left_out == 3
    api = candidate.category("api")
    assert api is not None
    # api.read has only a hidden test: it is not listed; api.create shows its public half
    assert [c.id for c in api.criteria] == ["api.create"]
    create = api.criteria[0]
    assert (create.tests_passed, create.tests_total) == (1, 2)
    assert create.max_points == pytest.approx(17.5)
    assert len(create.lost) == 1
    assert create.lost[0].startswith("-8.75: public/")
    assert api.hidden is not None
    assert (api.hidden.tests_passed, api.hidden.tests_total) == (0, 2)
    assert api.hidden.points + create.points == pytest.approx(api.points)
    assert api.hidden.max_points + create.max_points == pytest.approx(api.max_points)


def test_a_result_of_schema_1_is_read_with_its_losses_and_points() -> None:
    """1.0 results kept their losses as lines of text and no per-test points."""
    data = graded_result().to_dict()
    data["schema_version"] = "1.0"
    del data["score"]["tests"]
    for category in data["categories"]:
        for criterion in category["criteria"]:
            criterion["lost"] = [
                f"-{loss['points']:.2f}: {loss['test_id']} {loss['outcome']}: {loss['message']}"
                for loss in criterion["lost"]
            ] + ["-1.00: a line that names no test"]

    old = result_from_dict(data)

    new = graded_result().score
    assert old.score is not None
    assert new is not None
    assert old.score.test_points() == new.test_points()
    view = candidate_view(old)
    create = view.categories[0].criteria[0]
    assert create.lost == (
        "-8.75: public/test_pub.py::test_create_rejects failed: "
        "AssertionError: expected 201, got 500 <b>bold</b> | pipe",
    ), "hidden losses and the unknown line stay out of the candidate's view"


def test_free_text_naming_a_hidden_test_is_redacted_for_candidates() -> None:
    view = candidate_view(graded_result(), LOGS)

    hidden_stage = next(s for s in view.stages if s.name == "hidden tests")
    assert HIDDEN_FAILED not in hidden_stage.detail
    assert "[hidden test]" in hidden_stage.detail
    rejects = next(t for t in view.tests if t.name == "test_create_rejects")
    assert "test_qx_secret_probe_7731" not in rejects.message


def test_a_harness_error_has_no_total_in_either_view() -> None:
    for audience in Audience:
        view = view_for(harness_error_result(), audience)
        assert view.total is None
        assert view.categories == ()


def test_a_failed_build_scores_zero_and_keeps_its_message() -> None:
    view = candidate_view(build_failed_result())

    assert view.total is not None
    assert view.total.points == 0
    assert view.message.startswith("docker build failed")
    assert all(t.outcome is Outcome.NOT_RUN for t in view.tests)


def test_logs_keep_their_tail_cleaned() -> None:
    long_log = "\n".join(f"line {n}" for n in range(1000)) + "\n\x1b[31mred\x1b[0m\r\n"

    view = grader_view(graded_result(), {**LOGS, "build": long_log})

    build = next(log for log in view.logs if log.name == "build")
    assert build.text.endswith("line 999\nred")
    assert build.lines_left_out == 1001 - build.line_count
    assert "\x1b" not in build.text


def test_credentials_in_a_git_url_are_not_shown() -> None:
    result = graded_result()
    source = "https://alice:ghp_SECRET123@github.com/alice/notes.git#v1"
    with_token = replace(result, submission=replace(result.submission, source=source))

    for audience in Audience:
        assert view_for(with_token, audience).source == "https://github.com/alice/notes.git#v1"


def test_a_candidates_stages_speak_without_engine_jargon() -> None:
    result = graded_result()
    stages = (
        StageRecord("build", StageStatus.OK, 3.0, ".grader.Dockerfile -> sha256:24538dced10e"),
        StageRecord("run", StageStatus.OK, 1.0, "http://192.168.224.2:8000"),
        StageRecord("probe", StageStatus.OK, 1.0, "ready after 7.16 s"),
    )
    view = candidate_view(replace(result, stages=stages))

    names = [s.name for s in view.stages]
    assert names == ["building your app", "starting your app", "waiting for your app to answer"]
    details = " ".join(s.detail for s in view.stages)
    assert "sha256" not in details
    assert "Dockerfile" not in details
    assert "192.168" not in details
    assert [s.name for s in grader_view(replace(result, stages=stages)).stages][-1] == "probe"
