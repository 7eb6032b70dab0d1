"""Dockerfile instructions that reach around the sandbox are refused before any build.

Pure: judges the text of a Dockerfile. The engine itself fetches `ADD <url>` on the host's
network and pulls any image a `FROM` or `COPY --from` names, whatever the build's network
settings, so those are checked here: images must be among the task's allowed base images (or
an earlier stage of the same file), no remote `ADD`, and no `WORKDIR` in kernel filesystems.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

REMOTE = re.compile(r"^(https?|ftp|git|ssh)://|^git@", re.IGNORECASE)
KERNEL_DIRS = ("/proc", "/sys", "/dev")
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?")


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, with continuation lines joined and comments dropped."""
    found: list[Instruction] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, arguments = whole.partition(" ")
        found.append(Instruction(start, keyword.upper(), arguments.strip()))
    if pending.strip():
        keyword, _, arguments = pending.strip().partition(" ")
        found.append(Instruction(start, keyword.upper(), arguments.strip()))
    return found


@dataclass
class _Reading:
    """What is known so far while reading a Dockerfile top to bottom."""

    allowed: set[str]
    stages: set[str]
    arguments: dict[str, str]
    seen_from: bool = False


def policy_problems(text: str, allowed_images: Iterable[str]) -> list[str]:
    """Why this Dockerfile may not be built here; empty when it may."""
    reading = _Reading(allowed=set(allowed_images), stages=set(), arguments={})
    problems: list[str] = []
    for instruction in instructions(text):
        check = _CHECKS.get(instruction.keyword)
        if check is not None:
            where = f"line {instruction.line}: {instruction.keyword}"
            problems += check(_words(instruction.arguments), where, reading)
    return problems


def _check_arg(words: list[str], where: str, reading: _Reading) -> list[str]:
    if not reading.seen_from:  # defaults that a FROM may use
        for word in words:
            name, _, default = word.partition("=")
            reading.arguments[name] = default
    return []


def _check_from(words: list[str], where: str, reading: _Reading) -> list[str]:
    reading.seen_from = True
    plain = [word for word in words if not word.startswith("--")]
    if not plain:
        return [f"{where} names no image"]
    if len(plain) >= 3 and plain[1].lower() == "as":
        reading.stages.add(plain[2].lower())
    image = _expand(plain[0], reading.arguments)
    if image is None:
        return [f"{where} {plain[0]}: an image chosen by a variable is refused"]
    if image in reading.allowed or image.lower() in reading.stages:
        return []
    return [f"{where} {image}: only {', '.join(sorted(reading.allowed))} may be used"]


def _check_copy(words: list[str], where: str, reading: _Reading) -> list[str]:
    problems = []
    for flag in (word for word in words if word.startswith("--")):
        name, _, value = flag.partition("=")
        known = value.lower() in reading.stages or value.isdigit() or value in reading.allowed
        if name == "--from" and not known:
            problems.append(f"{where} --from={value}: copies out of another image")
        if name in ("--checksum", "--keep-git-dir"):
            problems.append(f"{where} {name}: fetches from the network")
    return problems


def _check_add(words: list[str], where: str, reading: _Reading) -> list[str]:
    sources = [word for word in words if not word.startswith("--")][:-1]
    remote = [
        f"{where} {source}: fetches from the network" for source in sources if REMOTE.match(source)
    ]
    return _check_copy(words, where, reading) + remote


def _check_workdir(words: list[str], where: str, reading: _Reading) -> list[str]:
    target = words[0] if words else ""
    if any(target == folder or target.startswith(folder + "/") for folder in KERNEL_DIRS):
        return [f"{where} {target}: a kernel filesystem"]
    return []


def _check_run(words: list[str], where: str, reading: _Reading) -> list[str]:
    if any(word.startswith(("--mount", "--network", "--security")) for word in words[:3]):
        return [f"{where}: --mount, --network and --security are refused"]
    return []


_CHECKS = {
    "ARG": _check_arg,
    "FROM": _check_from,
    "COPY": _check_copy,
    "ADD": _check_add,
    "WORKDIR": _check_workdir,
    "RUN": _check_run,
}


def _words(arguments: str) -> list[str]:
    if arguments.startswith("["):
        try:
            parsed = json.loads(arguments)
            if isinstance(parsed, list):
                return [str(item) for item in parsed]
        except ValueError:
            pass
    try:
        return shlex.split(arguments, posix=True)
    except ValueError:
        return arguments.split()


def _expand(word: str, arguments: dict[str, str]) -> str | None:
    """`word` with ARG defaults substituted; None when a variable has no default."""
    unresolved = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal unresolved
        value = arguments.get(match.group(1)) or match.group(2)
        if not value:
            unresolved = True
            return ""
        return value

    expanded = VARIABLE.sub(substitute, word)
    return None if unresolved else expanded
