"""`grader.core.task.parse_task_spec` and loading the bundled task from disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.core.errors import TaskError
from grader.core.task import parse_task_spec
from grader.runs.task_files import TaskLocation, load_task

REPO = Path(__file__).resolve().parents[2]
SOURCE = "tasks/mini/task.toml"

HEAD = """
id = "mini"
version = "1.0.0"
title = "Mini task"
"""

SUITES = """
[[suites]]
id = "public"
path = "public"
visibility = "public"
"""

RUBRIC = """
[rubric]
total = 100

[[rubric.categories]]
id = "crud"
title = "CRUD"
weight = 60

[[rubric.categories.criteria]]
id = "crud.create"
title = "Create"

[[rubric.categories.criteria]]
id = "crud.read"
title = "Read"

[[rubric.categories]]
id = "errors"
title = "Errors"
weight = 40

[[rubric.categories.criteria]]
id = "errors.json"
title = "JSON errors"
"""


def minimal(head: str = HEAD, suites: str = SUITES, rubric: str = RUBRIC) -> str:
    return head + suites + rubric


def refusal(text: str) -> str:
    with pytest.raises(TaskError) as caught:
        parse_task_spec(text, SOURCE)
    return caught.value.message


def test_minimal_task_parses_with_defaults():
    spec = parse_task_spec(minimal(), SOURCE)

    assert spec.id == "mini"
    assert spec.version == "1.0.0"
    assert [suite.id for suite in spec.suites] == ["public"]
    assert spec.suites[0].visibility == "public"
    assert spec.criterion_ids() == {"crud.create", "crud.read", "errors.json"}
    assert [category.weight for category in spec.rubric.categories] == [60, 40]
    assert spec.runtime.port == 8000
    assert spec.runtime.health_path == "/health"


def test_runtime_values_are_read():
    runtime = '\n[runtime]\nport = 5000\nhealth_path = "/ready"\nenv = { A = "b" }\n'
    spec = parse_task_spec(minimal(head=HEAD + runtime), SOURCE)

    assert spec.runtime.port == 5000
    assert spec.runtime.health_path == "/ready"
    assert spec.runtime.env == {"A": "b"}


def test_unknown_runtime_key_names_file_and_key_path():
    message = refusal(minimal(head=HEAD + "\n[runtime]\nprot = 8000\n"))

    assert message.startswith(f"{SOURCE}:")
    assert "runtime.prot: unknown key" in message


def test_unknown_criterion_key_names_the_nested_key_path():
    rubric = RUBRIC.replace('title = "Create"', 'title = "Create"\nwieght = 2', 1)
    message = refusal(minimal(rubric=rubric))

    assert SOURCE in message
    assert "rubric.categories[0].criteria[0].wieght: unknown key" in message


def test_unknown_top_level_key_is_refused():
    message = refusal(minimal(head=HEAD + 'colour = "blue"\n'))

    assert SOURCE in message
    assert "colour: unknown key" in message


def test_category_weights_must_sum_to_total():
    message = refusal(minimal(rubric=RUBRIC.replace("weight = 40", "weight = 30")))

    assert SOURCE in message
    assert "category weights sum to 90, but total is 100" in message


def test_weights_may_sum_to_a_total_other_than_100():
    rubric = RUBRIC.replace("total = 100", "total = 10").replace("weight = 60", "weight = 6")
    rubric = rubric.replace("weight = 40", "weight = 4")

    spec = parse_task_spec(minimal(rubric=rubric), SOURCE)

    assert spec.rubric.total == 10


def test_duplicate_criterion_ids_are_refused():
    rubric = RUBRIC.replace('id = "errors.json"', 'id = "crud.read"')
    message = refusal(minimal(rubric=rubric))

    assert SOURCE in message
    assert "criterion id 'crud.read' appears more than once" in message


def test_duplicate_suite_ids_are_refused():
    message = refusal(minimal(suites=SUITES + SUITES.replace('path = "public"', 'path = "p2"')))

    assert "suite id 'public' appears more than once" in message


@pytest.mark.parametrize("path", ["../other_task", "public/../../escape", "/etc"])
def test_suite_path_must_stay_inside_the_tests_folder(path):
    message = refusal(minimal(suites=SUITES.replace('path = "public"', f'path = "{path}"')))

    assert SOURCE in message
    assert "suites[0].path" in message
    assert "must be a relative folder" in message


def test_bad_toml_is_reported_as_such():
    message = refusal(minimal() + "\nthis is = = not toml\n")

    assert message.startswith(f"{SOURCE}: not valid TOML")


def test_wrong_type_is_reported_with_its_key():
    message = refusal(minimal(head=HEAD + '\n[runtime]\nport = "eight thousand"\n'))

    assert "runtime.port:" in message


def test_bundled_task_loads_with_a_stable_hash():
    location = TaskLocation.find(REPO / "tasks")

    first = load_task("notes-api", location)
    second = load_task("notes-api", location)

    assert first.id == "notes-api"
    assert {suite.id for suite in first.spec.suites} == {"public", "hidden"}
    assert first.tests_root == (REPO / "reference_tests" / "notes-api").resolve()
    assert len(first.sha256) == 64
    assert first.sha256 == second.sha256


def test_task_hash_follows_reference_tests_but_not_solutions_corpus_or_audit(tmp_path):
    shutil.copytree(REPO / "tasks", tmp_path / "tasks")
    shutil.copytree(
        REPO / "reference_tests",
        tmp_path / "reference_tests",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    location = TaskLocation.find(tmp_path / "tasks")
    original = load_task("notes-api", location).sha256
    assert original == load_task("notes-api", TaskLocation.find(REPO / "tasks")).sha256

    (tmp_path / "tasks" / "notes-api" / "solutions" / "extra.py").write_text("x = 1\n")
    assert load_task("notes-api", location).sha256 == original
    for folder in ("corpus/one/flawed", "audit"):
        (tmp_path / "tasks" / "notes-api" / folder).mkdir(parents=True)
        (tmp_path / "tasks" / "notes-api" / folder / "extra.toml").write_text("x = 1\n")
    assert load_task("notes-api", location).sha256 == original

    hidden = tmp_path / "reference_tests" / "notes-api" / "hidden" / "test_notes_hidden.py"
    hidden.write_text(hidden.read_text() + "\n# changed\n")
    assert load_task("notes-api", location).sha256 != original


def test_unknown_task_id_is_a_task_error():
    with pytest.raises(TaskError, match="no task 'nope'"):
        load_task("nope", TaskLocation.find(REPO / "tasks"))


FUZZ = """
[fuzz]
bug_criterion = "crud.create"
deviation_criterion = "crud.read"
any_operation_statuses = [404]

[fuzz.auth]
steps = [{ path = "/login", json = { user = "a", password = "b" } }]
keep_out = ["POST /logout"]
"""


def test_a_fuzz_section_is_read_with_its_login() -> None:
    spec = parse_task_spec(HEAD + SUITES + RUBRIC + FUZZ, SOURCE)
    assert spec.fuzz is not None
    assert spec.fuzz.auth is not None
    assert spec.fuzz.auth.steps[0].json_body == {"user": "a", "password": "b"}
    assert spec.fuzz.auth.steps[0].method == "POST"
    assert (spec.fuzz.spec, spec.fuzz.cases, spec.fuzz.visibility) == (
        "openapi.yaml",
        "fuzz-cases.json",
        "hidden",
    )


def test_fuzz_criteria_must_be_in_the_rubric() -> None:
    text = HEAD + SUITES + RUBRIC + FUZZ.replace('"crud.read"', '"crud.nope"')
    with pytest.raises(TaskError) as raised:
        parse_task_spec(text, SOURCE)
    assert "fuzz.deviation_criterion 'crud.nope' is not in the rubric" in raised.value.message


def test_the_fuzz_suite_id_is_reserved() -> None:
    with pytest.raises(TaskError) as raised:
        parse_task_spec(HEAD + SUITES.replace('id = "public"', 'id = "fuzz"') + RUBRIC, SOURCE)
    assert "suite id 'fuzz' is taken by the fuzz stage" in raised.value.message


def test_fuzz_files_stay_in_the_task_folder() -> None:
    text = HEAD + SUITES + RUBRIC + FUZZ.replace("[fuzz]\n", '[fuzz]\ncases = "../x.json"\n')
    with pytest.raises(TaskError) as raised:
        parse_task_spec(text, SOURCE)
    assert "fuzz.cases" in raised.value.message
