"""From the fuzz stage's replies to test outcomes: each distinct failure once, with a curl line.

Pure. The rules:

- Every operation of the recorded cases is two tests: `fuzz::bugs::<op>` (no 5xx, no missing
  answer, no ignored auth, no created resource gone) under the task's bug criterion, and
  `fuzz::contract::<op>` (status codes, content types and bodies as the spec says, invalid
  bodies refused) under its deviation criterion. A test passes when none of its operation's
  cases found a failure of its kind.
- An operation none of whose cases was sent (the stage ran out of time, the app died, or the
  grader could not log in to reach a secured one) is `not_run`, and so is its contract test
  when none of its cases got an answer: unverified points are lost, never given.
- Failures are grouped by operation, kind, check and status: each group is reported once, with
  the first case that showed it and how many did.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from grader.core.result import Outcome, TestOutcome
from grader.core.task import FuzzSpec
from grader.stages.fuzz.cases import CaseFile, CaseRun, Finding

KINDS = (("bug", "bugs"), ("deviation", "contract"))  # a third kind, 'note', fails no test
NOT_EXPLORED = (
    "not explored: the document secures it and it answered only 401/403/404 without a token "
    "(correct); pass --auth FILE to explore it"
)
BODY_SHOWN = 300
BODY_ON_LINE = 4096  # a longer body is kept in a file for its curl line
BODIES_FOLDER = "fuzz-bodies"


@dataclass(frozen=True)
class DistinctFailure:
    operation: str
    kind: str  # 'bug', 'deviation' or 'note'
    check: str
    title: str
    detail: str
    case_id: str
    cases: int  # how many cases showed it
    sent: str
    status: int
    answer: str
    curl: str
    battery: str = ""  # the bad-input class that showed it, for a battery case
    body_file: str = ""  # the body's bytes are kept in this file (curl reads it with @)


def test_id(kind: str, operation: str) -> str:
    return f"fuzz::{dict(KINDS)[kind]}::{operation}"


def plan_fuzz(cases: CaseFile, fuzz: FuzzSpec) -> tuple[TestOutcome, ...]:
    """The stage's tests before it runs: every one not run."""
    return tuple(
        TestOutcome(
            id=test_id(kind, operation),
            suite="fuzz",
            criterion=fuzz.bug_criterion if kind == "bug" else fuzz.deviation_criterion,
            outcome=Outcome.NOT_RUN,
            visibility=fuzz.visibility,
            operation=operation,
        )
        for operation in cases.operations()
        for kind, _ in KINDS
    )


def distinct_failures(runs: Sequence[CaseRun], port: int) -> tuple[DistinctFailure, ...]:
    """Each failure once per operation, kind, check, status and battery class."""
    groups: dict[tuple[str, str, str, int, str], tuple[CaseRun, Finding, int]] = {}
    for run in runs:
        for finding in run.findings:
            key = (run.operation, finding.kind, finding.check, run.status, run.battery)
            first = groups.get(key)
            groups[key] = (first[0], first[1], first[2] + 1) if first else (run, finding, 1)
    return tuple(
        DistinctFailure(
            operation=run.operation,
            kind=finding.kind,
            check=finding.check,
            title=finding.title,
            detail=finding.detail,
            case_id=run.case_id,
            cases=count,
            sent=f"{run.method} {run.url}" + (f" {_shown(run.body)}" if run.body else ""),
            status=run.status,
            answer=run.answer[:BODY_SHOWN],
            curl=curl_line(run, port),
            battery=run.battery,
            body_file=body_file(run) if needs_body_file(run) else "",
        )
        for run, finding, count in groups.values()
    )


def fuzz_outcomes(
    planned: Sequence[TestOutcome],
    runs: Sequence[CaseRun],
    failures: Sequence[DistinctFailure],
    unreachable: str = "",
    secured: frozenset[str] = frozenset(),
    locked: frozenset[str] = frozenset(),
) -> tuple[TestOutcome, ...]:
    """The planned tests with their outcomes; `unreachable` says why secured ones never ran,
    and `locked` are the secured operations that only refused the stage, which had no token."""
    sent = {run.operation for run in runs if not run.skipped}
    answered = {run.operation for run in runs if run.status}
    outcomes = []
    for test in planned:
        kind = "bug" if test.id == test_id("bug", test.operation or "") else "deviation"
        operation = test.operation or ""
        found = [f for f in failures if f.operation == operation and f.kind == kind]
        if found:
            outcome, message = Outcome.FAILED, "\n\n".join(_explain(f) for f in found)
        elif unreachable and operation in secured:
            outcome, message = Outcome.NOT_RUN, f"not exercised: {unreachable}"
        elif operation in locked:
            outcome, message = Outcome.NOT_RUN, NOT_EXPLORED
        elif operation not in sent:
            outcome, message = Outcome.NOT_RUN, "not reached: the stage ended before its cases"
        elif kind == "deviation" and operation not in answered:
            outcome, message = Outcome.NOT_RUN, "no answer to any of its cases to check"
        else:
            notes = [f for f in failures if f.operation == operation and f.kind == "note"]
            shown = notes if kind == "deviation" else []
            outcome, message = Outcome.PASSED, "\n\n".join(_explain(f) for f in shown)
        outcomes.append(
            TestOutcome(
                id=test.id,
                suite=test.suite,
                criterion=test.criterion,
                outcome=outcome,
                visibility=test.visibility,
                message=message,
                operation=operation,
            )
        )
    return tuple(outcomes)


SENT_TWICE = ("same-value-twice", "documented-field")  # battery classes sent twice in a row


def curl_line(run: CaseRun, port: int) -> str:
    """A command that sends the case again; BASE_URL and TOKEN may be set first. A battery
    case the stage sends twice (the second answer is the one judged) is sent twice. A case
    sent to what an earlier case created makes it first, and reads its id from the answer
    (with python3), so the line works on a fresh app too."""
    linked = _linked_url(run, port)
    line = _one_request(run, port, linked[1] if linked else None)
    line = f"for _ in 1 2; do {line}; done" if run.battery in SENT_TWICE else line
    if linked is None or run.made_by is None:
        return line
    create = _one_request(run.made_by, port, flag="-s")
    return f'made=$({create}) && {LINKED}=$(printf %s "$made" | {linked[0]}) && {line}'


LINKED = "LINKED_ID"


def _linked_url(run: CaseRun, port: int) -> tuple[str, str] | None:
    """For a linked case whose path holds one value read from its creator's answer: the
    command that reads it, and the URL with that value in its place; else None."""
    if run.made_by is None or len(run.linked_values) != 1 or needs_body_file(run.made_by):
        return None  # the creator's body would need a file of its own, which is not kept
    [(text, pointer)] = run.linked_values
    path, mark, query = run.url.partition("?")
    head, found, tail = path.rpartition(f"/{text}")
    if not found or (tail and not tail.startswith("/")):
        return None
    keys = pointer.removeprefix("$response.body#").strip("/").split("/")
    index = "".join(f"[{int(k)}]" if k.isdigit() else f"[{json.dumps(k)}]" for k in keys)
    read = "python3 -c " + shlex.quote(f"import json,sys; print(json.load(sys.stdin){index})")
    base = f'"${{BASE_URL:-http://localhost:{port}}}"'
    rest = tail + mark + query
    url = f'{base}{_shell_url(head + "/") if head else "/"}"${LINKED}"' + (
        _shell_url(rest) if rest else ""
    )
    return read, url


def _one_request(run: CaseRun, port: int, url: str | None = None, flag: str = "-i") -> str:
    parts = ["curl", flag, "-X", run.method]
    for name, value in run.headers:
        if name.lower() in ("accept-encoding", "accept"):
            continue
        quoted = shlex.quote(f"{name}: {value}")
        parts += ["-H", quoted.replace("'", '"') if "$TOKEN" in value else quoted]
    if run.body is not None and needs_body_file(run):
        parts += ["--data-binary", f"@{body_file(run)}"]
    elif run.body is not None:
        parts += ["--data-binary", _shell_bytes(run.body)]
    parts.append(url or f'"${{BASE_URL:-http://localhost:{port}}}"{_shell_url(run.url)}')
    return " ".join(parts)


def needs_body_file(run: CaseRun) -> bool:
    """A body a command line cannot carry: a NUL byte (bash ends a word there), or one too
    long to paste."""
    return run.body is not None and (b"\x00" in run.body or len(run.body) > BODY_ON_LINE)


def body_file(run: CaseRun) -> str:
    """Where the body of a reported case is kept, relative to the submission's result folder
    (curl is run from there)."""
    return f"{BODIES_FOLDER}/{run.case_id}.body"


def summary(failures: Sequence[DistinctFailure], runs: Sequence[CaseRun]) -> str:
    bugs = sum(1 for f in failures if f.kind == "bug")
    deviations = sum(1 for f in failures if f.kind == "deviation")
    notes = len(failures) - bugs - deviations
    sent = sum(1 for run in runs if not run.skipped)
    line = f"{sent} requests sent: {bugs} distinct bug(s), {deviations} distinct deviation(s)"
    return line + (f", {notes} note(s)" if notes else "")


def _explain(failure: DistinctFailure) -> str:
    times = f" ({failure.cases} cases)" if failure.cases > 1 else ""
    battery = f" [{failure.battery}]" if failure.battery else ""
    lines = [
        f"{failure.kind}: {failure.title} [{failure.check}]{battery}{times}",
        *(f"  {line}" for line in failure.detail.splitlines()[:6] if line.strip()),
        f"  sent: {failure.sent}",
        f"  got: {failure.status or 'no answer'} {failure.answer}".rstrip(),
        f"  reproduce: {failure.curl}",
    ]
    return "\n".join(lines)


def _shown(body: bytes) -> str:
    decoded = body.decode("utf-8", "backslashreplace")
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in decoded)
    return text if len(text) <= BODY_SHOWN else text[:BODY_SHOWN] + "..."


def _shell_bytes(body: bytes) -> str:
    if all(32 <= byte < 127 for byte in body):
        return shlex.quote(body.decode("ascii"))
    escaped = "".join(
        chr(byte) if 32 <= byte < 127 and chr(byte) not in "'\\" else f"\\x{byte:02x}"
        for byte in body
    )
    return f"$'{escaped}'"


def _shell_url(path: str) -> str:
    # percent-encoded already; quote what the shell would read
    return shlex.quote(path) if any(c in path for c in " '\"$`\\!*?&;|<>(){}[]#~") else path
