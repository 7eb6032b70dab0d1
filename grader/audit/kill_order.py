"""Which tests to run first against a mutant: those most likely to kill it.

Pure. A mutant is most often killed by a test that killed another mutant of the same
function, then of the same module, then by a test that has killed many; the rest follow,
quickest first (by their time on the reference). With fail-fast, a killed mutant then costs
one or a few tests instead of the whole suite.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence

from grader.audit.mutants import Mutant


class KillHistory:
    """The tests that killed earlier mutants; shared by the workers (it takes a lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_function: dict[tuple[str, str], list[str]] = {}
        self._by_module: dict[str, list[str]] = {}
        self._counts: Counter[str] = Counter()

    def record(self, mutant: Mutant, test_id: str) -> None:
        if not test_id:
            return
        with self._lock:
            _to_front(self._by_function.setdefault((mutant.module, mutant.function), []), test_id)
            _to_front(self._by_module.setdefault(mutant.module, []), test_id)
            self._counts[test_id] += 1

    def order(
        self, mutant: Mutant, tests: Sequence[str], durations: Mapping[str, float]
    ) -> list[str]:
        """`tests` (each once), the likeliest killers of `mutant` first."""
        with self._lock:
            first = [
                *self._by_function.get((mutant.module, mutant.function), []),
                *self._by_module.get(mutant.module, []),
                *(test for test, _ in self._counts.most_common()),
            ]
        known = set(tests)
        ordered = list(dict.fromkeys(test for test in first if test in known))
        placed = set(ordered)
        rest = sorted((t for t in tests if t not in placed), key=lambda t: durations.get(t, 0.0))
        return ordered + rest


def _to_front(tests: list[str], test_id: str) -> None:
    if test_id in tests:
        tests.remove(test_id)
    tests.insert(0, test_id)
