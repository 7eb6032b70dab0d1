"""The recorded fuzz cases: a canonical file that reads back to the same cases."""

from __future__ import annotations

import json

import pytest

from grader.core.errors import TaskError
from grader.stages.fuzz.cases import (
    Body,
    CaseFile,
    FuzzCase,
    Link,
    dump_cases,
    load_cases,
    requires_credentials,
)


def sample() -> CaseFile:
    create = FuzzCase(
        id="c0001",
        operation="POST /authors",
        mode="positive",
        negative_in=(),
        path_parameters={},
        query={},
        headers={"X-Request-ID": "0"},
        body=Body("application/json", value={"name": "\ud9b7 odd", "birth_year": None}),
    )
    raw = FuzzCase(
        id="c0002",
        operation="POST /authors",
        mode="negative",
        negative_in=("body",),
        path_parameters={},
        query={},
        headers={},
        body=Body("application/json", raw=b"\x00\xff"),
    )
    read = FuzzCase(
        id="c0003",
        operation="GET /authors/{id}",
        mode="positive",
        negative_in=(),
        path_parameters={"id": 1},
        query={"page": [1, 2]},
        headers={},
        link=Link("c0001", "getAuthor", 201, (("path.id", "$response.body#/id"),)),
    )
    return CaseFile("ab" * 32, "schemathesis 4", (create, raw, read))


def test_a_dump_reads_back_to_the_same_cases() -> None:
    cases = sample()
    text = dump_cases(cases)
    assert load_cases(text, "cases.json") == cases
    assert dump_cases(load_cases(text, "cases.json")) == text
    assert text.isascii()  # lone surrogates and raw bytes survive as escapes


def test_the_operations_keep_their_first_order() -> None:
    assert sample().operations() == ("POST /authors", "GET /authors/{id}")


def test_json_bodies_are_sent_as_ascii_json_and_raw_ones_as_they_are() -> None:
    create, raw, _ = sample().cases
    assert create.body is not None
    assert raw.body is not None
    assert json.loads(create.body.encoded()) == {"name": "\ud9b7 odd", "birth_year": None}
    assert raw.body.encoded() == b"\x00\xff"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(format="other/1"), "format is 'other/1'"),
        (lambda d: d["cases"][1].update(id="c0001"), "case ids repeat"),
        (lambda d: d["cases"][2]["link"].update(source="c0009"), "follows c0009, not before it"),
        (lambda d: d["cases"][0].update(mode="sideways"), "mode 'sideways'"),
        (lambda d: d["cases"][0].update(operation="authors"), "is not 'METHOD /path'"),
        (lambda d: d["cases"][0].pop("headers"), "headers"),
    ],
)
def test_a_broken_case_file_is_refused_with_its_name(change, problem) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(dump_cases(sample()))
    change(data)
    with pytest.raises(TaskError) as raised:
        load_cases(json.dumps(data), "tasks/t/fuzz-cases.json")
    assert raised.value.message.startswith("tasks/t/fuzz-cases.json: ")
    assert problem in raised.value.message


@pytest.mark.parametrize(
    ("operation", "document", "secured"),
    [
        ({}, {}, False),
        ({"security": [{"bearer": []}]}, {}, True),
        ({}, {"security": [{"bearer": []}]}, True),
        ({"security": []}, {"security": [{"bearer": []}]}, False),  # the operation opts out
        ({"security": [{"bearer": []}, {}]}, {}, False),  # anonymous is one alternative
    ],
)
def test_which_operations_need_credentials(operation, document, secured) -> None:  # type: ignore[no-untyped-def]
    assert requires_credentials(operation, document) is secured
