"""How much of an API the fuzz stage reached, and whether that is enough to trust a score.

Pure. An operation is *reached* when one of its cases got a 2xx, *refused* when it got answers
and every one was 401, 403 or 404 (an operation that got no answer at all, a crash or a stage
that ended first, is neither: the stage reports those), and *locked* when it was refused, the
document secures it, the stage had no token, and a 401 or 403 was among its answers: correct
behaviour (a 404 for a path the router rejects before the login can come first), but nothing
was explored.

A score from too little is worse than none: a `--spec` grading is `inconclusive` when at least
half of the operations were refused, or when fewer than half were reached and no bug was found
on the rest (a clean sheet drawn from answers that never got past the door).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grader.stages.fuzz.cases import CaseRun

REFUSED_STATUSES = frozenset({401, 403, 404})
LOCKED_STATUSES = frozenset({401, 403})
REFUSED_AT_MOST = 0.5  # this share of operations refused, or more: inconclusive
REACHED_AT_LEAST = 0.5  # fewer reached, and no bug found: inconclusive
PROBE_SUFFIX = "-without-token"  # the id of a case re-sent with no token, by `replay`


@dataclass(frozen=True)
class Coverage:
    operations: tuple[str, ...]
    reached: frozenset[str]
    refused: frozenset[str]
    locked: frozenset[str]

    def share(self, part: Iterable[str]) -> float:
        return len(set(part)) / len(self.operations) if self.operations else 0.0

    def describe(self) -> str:
        def part(names: frozenset[str]) -> str:
            return f"{len(names)} of {len(self.operations)} ({self.share(names):.0%})"

        line = (
            f"operations reached with a 2xx: {part(self.reached)}; "
            f"only ever answered 401/403/404: {part(self.refused)}"
        )
        if self.locked:
            line += f"; not explored without a login: {len(self.locked)}"
        return line


def measure_coverage(
    operations: Sequence[str],
    runs: Sequence[CaseRun],
    secured: frozenset[str] = frozenset(),
    has_token: bool = False,
) -> Coverage:
    """What each operation's answers were; the grader's own no-token probes and the
    battery's false tokens do not count."""
    statuses: dict[str, set[int]] = {operation: set() for operation in operations}
    for run in runs:
        if run.skipped or run.case_id.endswith(PROBE_SUFFIX) or run.operation not in statuses:
            continue
        if run.battery == "invalid-token":
            continue  # a request that should be turned away explores nothing
        statuses[run.operation].add(run.status)
    reached = {op for op, seen in statuses.items() if any(200 <= s < 300 for s in seen)}
    refused = {op for op, seen in statuses.items() if seen - {0} and seen - {0} <= REFUSED_STATUSES}
    locked = {
        op for op in refused if op in secured and not has_token and statuses[op] & LOCKED_STATUSES
    }
    return Coverage(tuple(operations), frozenset(reached), frozenset(refused), frozenset(locked))


def inconclusive_reason(
    coverage: Coverage, *, bugs_found: bool, base_path: str, has_token: bool, statuses: set[int]
) -> str:
    """Why the result cannot be trusted, with what to pass; '' when it can.

    `statuses` are every status the refused operations got, to tell a wrong base path (404s)
    from a missing login (401/403)."""
    refused_share = coverage.share(coverage.refused)
    reached_share = coverage.share(coverage.reached)
    if (
        coverage.operations
        and refused_share < REFUSED_AT_MOST
        and (reached_share >= REACHED_AT_LEAST or bugs_found)
    ):
        return ""
    hints = []
    if 404 in statuses or 0 in statuses or not statuses:
        where = f"'{base_path}'" if base_path else "the root"
        hints.append(
            f"--base-path PREFIX if the API is not served under {where} "
            "(the document's servers url or basePath)"
        )
    if statuses & LOCKED_STATUSES and not has_token:
        hints.append("--auth FILE with the login steps (TOML: steps, token_pointer, header)")
    elif statuses & LOCKED_STATUSES:
        hints.append("an --auth FILE whose login gives a token the app accepts")
    hints.append("--health-path PATH if the app was not ready at its health path")
    return (
        f"too little of the API was reached to give a score ({coverage.describe()}); "
        f"pass {'; '.join(hints)}"
    )
