"""Dockerfile instructions that reach around the sandbox are refused before any build.

Pure: judges the instructions `dockerfile_reader` reads in the text of a Dockerfile. The engine
itself fetches `ADD <url>` on the host's network and pulls any image a `FROM` or `COPY --from`
names, whatever the build's network settings, so those are checked here: images must be among
the task's allowed base images (or an earlier stage of the same file), no remote `ADD`, no
`ONBUILD`, no `WORKDIR` in kernel filesystems and no `RUN --mount/--network/--security`.

The rule is "refuse what cannot be proven safe". A variable counts as known only when this file
gives it a value that nothing else can replace: the grader passes no build args, but the Docker
SDK may pass the proxy ones, and the base image's environment is unseen. What two builder
versions read differently (heredocs, a directive one of them would honour) and any flag or
instruction not understood here are refused too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.stages.build.dockerfile_reader import (
    FIELD_BREAK,
    KEYWORDS,
    Instruction,
    UnknownVariable,
    UnreadableWord,
    env_pairs,
    expand,
    has_heredoc,
    json_or_words,
    no_variables_known,
    read_dockerfile,
    split_words,
)

LONGEST = 64 * 1024
"""Characters; a longer Dockerfile is refused rather than judged in part."""

KERNEL_DIRS = ("proc", "sys", "dev")
FLAGS = {
    "FROM": {"platform"},
    "ADD": {"chown", "chmod", "link"},
    "COPY": {"from", "chown", "chmod", "link"},
    "HEALTHCHECK": {"interval", "timeout", "start-period", "start-interval", "retries"},
}
NETWORK_FLAGS = {"checksum", "keep-git-dir"}
SANDBOX_FLAGS = {"mount", "network", "security"}
# Set by the engine or the Docker SDK whatever the file says, so never known here.
UNKNOWABLE_ARGS = frozenset(
    [f"{name}_PROXY" for name in ("HTTP", "HTTPS", "FTP", "NO", "ALL")]
    + [f"{name}_proxy" for name in ("http", "https", "ftp", "no", "all")]
    + [f"{side}{part}" for side in ("TARGET", "BUILD") for part in ("PLATFORM", "OS", "ARCH")]
    + ["TARGETVARIANT", "BUILDVARIANT"]
)
REMOTE = re.compile(r"://|^\s*[^\s/@:]+@[^\s/:]+:")
STAGE_NAME = re.compile(r"[a-z][a-z0-9_.-]*")


@dataclass
class _Stage:
    name: str
    env: dict[str, str | None] = field(default_factory=dict)  # ENV this file set
    env_trusted: bool = True  # False once an ENV set a name this file cannot know
    workdir: str | None = None  # None: the base image's, unknown here


@dataclass
class _Judge:
    """What is known so far while reading a Dockerfile top to bottom."""

    allowed: frozenset[str]
    escape: str
    global_args: dict[str, str | None] = field(default_factory=dict)
    global_trusted: bool = True
    stages: list[_Stage] = field(default_factory=list)

    def judge(self, instruction: Instruction) -> list[str]:
        where = f"line {instruction.line}: {instruction.keyword}"
        if instruction.keyword.lower() not in KEYWORDS:
            return [f"line {instruction.line}: {instruction.keyword[:40]}: not an instruction"]
        problems = self.flag_problems(instruction, where)
        if instruction.keyword in ("RUN", "ADD", "COPY") and has_heredoc(instruction):
            problems.append(f"{where}: heredocs (<<) are refused, builders read them differently")
        if not self.stages and instruction.keyword not in ("ARG", "FROM"):
            return [*problems, f"{where}: comes before the first FROM"]
        checks = {
            "ARG": self.check_arg,
            "FROM": self.check_from,
            "ADD": self.check_add,
            "COPY": self.check_copy,
            "ONBUILD": self.check_onbuild,
            "ENV": self.check_env,
            "WORKDIR": self.check_workdir,
        }
        if instruction.keyword in checks:
            problems += checks[instruction.keyword](instruction, where)
        return problems

    def flag_problems(self, instruction: Instruction, where: str) -> list[str]:
        if not instruction.flags_plain:
            return [f"{where}: flags with characters other than ASCII are refused"]
        problems = []
        known = FLAGS.get(instruction.keyword, set())
        for flag in instruction.flags:
            name = flag.removeprefix("--").partition("=")[0]
            if instruction.keyword == "ADD" and name in NETWORK_FLAGS:
                problems.append(f"{where} --{name}: fetches from the network")
            elif instruction.keyword == "RUN" and name in SANDBOX_FLAGS:
                problems.append(f"{where}: --mount, --network and --security are refused")
            elif not flag.startswith("--") or name not in known:
                problems.append(f"{where} {flag}: a flag not understood here is refused")
        return list(dict.fromkeys(problems))

    # Variables: known only when this file fixes them.

    def global_value(self, name: str) -> str:
        value = self.global_args.get(name) if self.global_trusted else None
        if value is None:
            raise UnknownVariable(name)
        return value

    def stage_value(self, name: str) -> str:
        stage = self.stages[-1]
        value = stage.env.get(name) if stage.env_trusted else None
        if value is None:  # an ARG, or the base image's environment: unknown
            raise UnknownVariable(name)
        return value

    # One method per instruction that can reach around the sandbox.

    def check_arg(self, instruction: Instruction, where: str) -> list[str]:
        if self.stages:
            return []  # a stage's ARGs stay unknown: the base image's ENV would win
        problems, values = [], {}
        for word in split_words(instruction.arguments, self.escape):
            raw_name, has_value, default = word.partition("=")
            try:
                name = expand(raw_name, self.escape, self.global_value)
            except (UnknownVariable, UnreadableWord):
                self.global_trusted = False  # some name was set, which one is unknown
                continue
            try:
                values[name] = (
                    expand(default, self.escape, self.global_value) if has_value else None
                )
            except UnknownVariable:
                values[name] = None
            except UnreadableWord:
                values[name] = None
                problems.append(f"{where} {word}: cannot be read")
        for name, value in values.items():
            self.global_args[name] = None if name in UNKNOWABLE_ARGS else value
        return problems

    def check_from(self, instruction: Instruction, where: str) -> list[str]:
        words = FIELD_BREAK.split(instruction.arguments) if instruction.arguments else []
        name = ""
        problems = []
        if len(words) == 3 and words[1].casefold() == "as":
            name = words[2].lower()
            if not (words[2].isascii() and STAGE_NAME.fullmatch(name)):
                problems.append(f"{where} {words[2]}: not a stage name Docker accepts")
                name = ""
        elif len(words) > 1:
            problems.append(f"{where}: an image and at most `AS name` are expected")
        base = self.base_image(words[0], where) if words else f"{where} names no image"
        stage = _Stage(name)
        if isinstance(base, _Stage):
            stage.env, stage.env_trusted = dict(base.env), base.env_trusted
            stage.workdir = base.workdir
        elif base:
            problems.append(base)
        self.stages.append(stage)
        return problems

    def base_image(self, word: str, where: str) -> _Stage | str:
        """The earlier stage `word` names, or "" for an allowed image, or why it is refused."""
        try:
            image = expand(word, self.escape, self.global_value)
        except UnknownVariable:
            return f"{where} {word}: an image chosen by a variable is refused"
        except UnreadableWord:
            return f"{where} {word}: cannot be read"
        if not image:
            return f"{where} names no image"
        earlier = {stage.name: stage for stage in self.stages if stage.name}
        if image.isascii() and image.lower() in earlier:
            return earlier[image.lower()]
        if image in self.allowed:
            return ""
        return f"{where} {image}: only {', '.join(sorted(self.allowed))} may be used"

    def check_copy(self, instruction: Instruction, where: str) -> list[str]:
        problems = []
        for flag in instruction.flags:
            name, _, value = flag.partition("=")
            if name == "--from" and value and not self.earlier_stage_or_allowed(value):
                problems.append(f"{where} --from={value}: copies out of another image")
        return problems

    def earlier_stage_or_allowed(self, value: str) -> bool:
        if re.search("['\"]", value) or self.escape in value:
            return False  # builders disagree on whether --from is lexed at all
        if "$" in value:  # the classic builder rejects it; BuildKit expands global ARGs
            try:
                value = expand(value, self.escape, self.global_value)
            except (UnknownVariable, UnreadableWord):
                return False
        earlier = self.stages[:-1]  # a stage's own name counts only once it is done
        if value.isascii() and value.isdigit():
            return int(value) < len(earlier)
        return value.lower() in {stage.name for stage in earlier} or value in self.allowed

    def check_add(self, instruction: Instruction, where: str) -> list[str]:
        words = json_or_words(instruction.arguments)
        if words is None:
            return [f"{where}: a JSON form with other things than strings is refused"]
        problems = []
        for source in words[:-1]:
            try:
                literal = expand(source, self.escape, no_variables_known)
            except UnknownVariable:
                problems.append(
                    f"{where} {source}: a source chosen by a variable may be a URL,"
                    " which fetches from the network"
                )
                continue
            except UnreadableWord:
                literal = source
            if REMOTE.search(literal) or REMOTE.search(source):
                problems.append(f"{where} {source}: fetches from the network")
        return problems

    def check_onbuild(self, instruction: Instruction, where: str) -> list[str]:
        return [f"{where}: refused, its trigger runs in a later build this check never sees"]

    def check_env(self, instruction: Instruction, where: str) -> list[str]:
        stage = self.stages[-1]
        values: dict[str, str | None] = {}
        for name, value in env_pairs(instruction.arguments, self.escape):
            try:
                name = expand(name, self.escape, self.stage_value)
            except (UnknownVariable, UnreadableWord):
                stage.env_trusted = False
                continue
            try:
                values[name] = expand(value, self.escape, self.stage_value)
            except (UnknownVariable, UnreadableWord):
                values[name] = None
        stage.env.update(values)
        return []

    def check_workdir(self, instruction: Instruction, where: str) -> list[str]:
        stage, path = self.stages[-1], instruction.arguments
        try:
            requested = expand(path, self.escape, self.stage_value)
        except UnknownVariable:
            return [f"{where} {path}: a directory chosen by a variable is refused"]
        except UnreadableWord:
            return [f"{where} {path}: cannot be read"]
        known = requested.startswith("/") or stage.workdir is not None
        if known:
            target = requested if requested.startswith("/") else f"{stage.workdir}/{requested}"
        elif ".." in requested.split("/"):
            return [f"{where} {path}: climbs out of a directory this check cannot see"]
        else:
            target = "/" + requested  # under the base image's directory: at worst the root
        parts = _normal_parts(target)
        if parts and parts[0] in KERNEL_DIRS:
            return [f"{where} {path}: a kernel filesystem"]
        stage.workdir = "/" + "/".join(parts) if known else None
        return []


def _normal_parts(path: str) -> list[str]:
    """The parts of an absolute path once `.`, `..` and repeated slashes are resolved."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return parts


def policy_problems(text: str, allowed_images: Iterable[str]) -> list[str]:
    """Why this Dockerfile may not be built here; empty when it may."""
    if len(text) > LONGEST:
        return [f"the Dockerfile is longer than {LONGEST} characters"]
    read = read_dockerfile(text)
    judge = _Judge(allowed=frozenset(allowed_images), escape=read.escape)
    problems = list(read.problems)
    for instruction in read.instructions:
        problems += judge.judge(instruction)
    return problems
