"""The reviewed list of equivalent mutants: validated, matched by id or hash, stale entries said."""

from __future__ import annotations

import pytest

from grader.audit.equivalents import match_equivalents, parse_equivalents
from grader.audit.mutants import enumerate_mutants
from grader.core.errors import TaskError

MODULE = "def timeout():\n    return connect(timeout=10)\n"


def test_entries_match_by_id_or_by_hash_and_say_when_they_match_nothing() -> None:
    mutants = enumerate_mutants({"app/db.py": MODULE})
    by_id, by_hash = mutants[0], mutants[1]
    listed = parse_equivalents(
        f'''
[[mutant]]
id = "{by_id.id}"
reason = "the busy timeout is never reached"

[[mutant]]
sha256 = "{by_hash.sha256[:16]}"
reason = "same, the other way"

[[mutant]]
id = "app/gone.py:NumberReplacer:0"
reason = "a module that no longer exists"

[[mutant]]
id = "{by_id.id}"
sha256 = "{"0" * 16}"
reason = "an id whose code changed since it was reviewed"
''',
        "equivalent.toml",
    )
    matched = match_equivalents(listed, mutants)
    assert matched.reasons == {
        by_id.id: "the busy timeout is never reached",
        by_hash.id: "same, the other way",
    }
    assert matched.stale == ("app/gone.py:NumberReplacer:0", by_id.id)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[mutant]]\nreason = "no name"\n', "name the mutant by its id or its sha256"),
        ('[[mutant]]\nid = "a:b:0"\n', "reason: Field required"),
        ('[[mutant]]\nid = "a:b:0"\nreason = "x"\nwhy = "y"\n', "why: unknown key"),
        ('[[mutant]]\nsha256 = "XYZ"\nreason = "x"\n', "sha256"),
        ("[[mutant]\n", "not valid TOML"),
    ],
)
def test_a_bad_list_is_a_task_error_that_says_where(text: str, message: str) -> None:
    with pytest.raises(TaskError) as raised:
        parse_equivalents(text, "tasks/x/audit/equivalent.toml")
    assert "tasks/x/audit/equivalent.toml" in raised.value.message
    assert message in raised.value.message
