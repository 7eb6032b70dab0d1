"""`grader.core.naming`: names from user input, safe for folders, tags and labels."""

from __future__ import annotations

import re

import pytest

from grader.core.naming import safe_name, unique_names

SAFE = re.compile(r"^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alice", "alice"),
        ("My Project!!", "my-project"),
        ("Bob_Smith.v2", "bob_smith.v2"),
        ("../../etc/passwd", "etc-passwd"),
        ("--._name._--", "name"),
        ("a   b///c", "a-b-c"),
        ("Ünïcode Näme", "n-code-n-me"),
    ],
)
def test_safe_name(text, expected):
    assert safe_name(text) == expected


@pytest.mark.parametrize("text", ["", "!!!", "...", "---", "///", "ÄÖÜ"])
def test_safe_name_is_never_empty(text):
    assert safe_name(text) == "submission"
    assert safe_name(text, fallback="anon") == "anon"


def test_safe_name_is_at_most_60_characters_and_does_not_end_in_punctuation():
    name = safe_name("x" * 59 + "-yyyy")

    assert name == "x" * 59
    assert len(safe_name("a" * 200)) == 60


@pytest.mark.parametrize("text", ["A B", "x" * 59 + "._-z", "../a\\b", "résumé (final).zip"])
def test_safe_name_only_uses_safe_characters(text):
    assert SAFE.match(safe_name(text))


def test_unique_names_keeps_distinct_names_as_they_are():
    assert unique_names(["a", "b", "c"]) == ["a", "b", "c"]


def test_unique_names_numbers_repeats_in_order():
    assert unique_names(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]


def test_unique_names_does_not_collide_with_a_name_that_looks_numbered():
    names = unique_names(["a", "a", "a-2"])

    assert len(set(names)) == 3
    assert names[:2] == ["a", "a-2"]


def test_unique_names_of_nothing():
    assert unique_names([]) == []
