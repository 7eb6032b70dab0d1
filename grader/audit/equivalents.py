"""The reviewed list of a task's equivalent mutants: `tasks/<id>/audit/equivalent.toml`.

An equivalent mutant changes the code but cannot change what the app does (for example a
bound that no input can reach), so no suite can kill it; it is left out of the score and
listed as such, with the reason a reviewer gave. Pure: text in, a model out.

    [[mutant]]
    id = "notes/errors.py:NumberReplacer:3"   # the mutant's id, or its sha256 (or both)
    reason = "why no request can tell the difference"

An entry with a sha256 matches only that exact mutated text: when the code around it changes,
the entry stops matching and is reported as stale instead of hiding a new mutant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from grader.audit.mutants import Mutant
from grader.core.task import parse_toml_file

EQUIVALENT_FILE = "audit/equivalent.toml"


class EquivalentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(None, min_length=1)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{12,64}$")
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _names_a_mutant(self) -> EquivalentEntry:
        if self.id is None and self.sha256 is None:
            raise ValueError("name the mutant by its id or its sha256")
        return self

    def matches(self, mutant: Mutant) -> bool:
        if self.sha256 is not None and not mutant.sha256.startswith(self.sha256):
            return False
        return self.id is None or self.id == mutant.id


class EquivalentList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mutant: tuple[EquivalentEntry, ...] = ()


@dataclass(frozen=True)
class Equivalence:
    reasons: dict[str, str]  # mutant id -> the reviewer's reason
    stale: tuple[str, ...]  # entries that match no mutant of today's code


def parse_equivalents(text: str, source: str) -> EquivalentList:
    return parse_toml_file(EquivalentList, text, source)


def match_equivalents(listed: EquivalentList, mutants: Sequence[Mutant]) -> Equivalence:
    reasons: dict[str, str] = {}
    stale = []
    for entry in listed.mutant:
        matched = [mutant for mutant in mutants if entry.matches(mutant)]
        if not matched:
            stale.append(entry.id or entry.sha256 or "")
        for mutant in matched:
            reasons[mutant.id] = entry.reason
    return Equivalence(reasons, tuple(stale))
