"""Dockerfile instructions that reach around the sandbox are refused before any build.

Pure: judges the text of a Dockerfile. The engine itself fetches `ADD <url>` on the host's
network and pulls any image a `FROM` or `COPY --from` names, whatever the build's network
settings, so those are checked here: images must be among the task's allowed base images (or
an earlier stage of the same file), no remote `ADD`, no `ONBUILD`, no `WORKDIR` in kernel
filesystems and no `RUN --mount/--network/--security`.

The rule is "refuse what cannot be proven safe", so the file is read the way the engine reads
it (Docker 20.10's classic builder, moby/buildkit v0.8 `frontend/dockerfile/parser` and
`shell`): lines end at "\\n" only, with one trailing "\\r" dropped; `# escape=` and `# syntax=`
count only at the very top; the escape character continues a line; comment and blank lines
inside a continuation are skipped; words go through the shell lexer's quotes, escapes and
`${...}` forms. A variable counts as known only when this file gives it a value that nothing
else can replace: the grader passes no build args, but the Docker SDK may pass the proxy
ones, and the base image's environment is unseen. What two builder versions read differently
(heredocs, a directive one of them would honour) and any flag or instruction not understood
here are refused too.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

LONGEST = 64 * 1024
"""Characters; a longer Dockerfile is refused rather than judged in part."""

KERNEL_DIRS = ("proc", "sys", "dev")
KEYWORDS = frozenset(
    {
        *("add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck"),
        *("label", "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume"),
        "workdir",
    }
)
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

# Go's unicode.IsSpace: narrower than str.isspace, which also takes \x1c-\x1f.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
FIELD_BREAK = re.compile(r"[\t\v\f\r ]+")  # the parser's reWhitespace
ANY_SPACE = re.compile("[" + re.escape(GO_SPACE) + "]+")
GO_RE_SPACE = r"[\t\n\f\r ]*"  # Go's \s, which leaves out \v
DIRECTIVE = re.compile(
    f"#{GO_RE_SPACE}([a-zA-Z][a-zA-Z0-9]*){GO_RE_SPACE}={GO_RE_SPACE}(.+?){GO_RE_SPACE}"
)
LOOSE_DIRECTIVE = re.compile(r"#\s*(escape|syntax)\s*=\s*(.*?)\s*", re.IGNORECASE)
FRONTEND = re.compile(r"(docker\.io/)?docker/dockerfile(:[\w.-]+)?(@sha256:[0-9a-f]{64})?")
REMOTE = re.compile(r"://|^\s*[^\s/@:]+@[^\s/:]+:")
HEREDOC = re.compile(r"\d*<<-?[^<]+")
STAGE_NAME = re.compile(r"[a-z][a-z0-9_.-]*")


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str  # upper case when it is an instruction, as written when it is not
    arguments: str  # after the flags
    flags: tuple[str, ...] = ()
    original: str = ""  # the whole logical line, continuations joined
    flags_plain: bool = True  # False when the flags hold bytes the engine splits oddly


@dataclass(frozen=True)
class _Text:
    escape: str
    instructions: tuple[Instruction, ...]
    problems: tuple[str, ...]


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, read as the engine reads them."""
    return list(_read(text).instructions)


def _read(text: str) -> _Text:
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # bufio.Scanner gives no empty last line
    lines = [line.removesuffix("\r") for line in lines]
    if lines:
        lines[0] = lines[0].removeprefix("\ufeff")
    escape = "\\"
    seen: set[str] = set()
    directives_open = header = True
    found: list[Instruction] = []
    problems: list[str] = []
    index = 0
    while index < len(lines):
        token = lines[index].lstrip(GO_SPACE)
        index += 1
        number = index
        honoured = ""
        if directives_open:
            match = DIRECTIVE.fullmatch(token)
            honoured = match.group(1).lower() if match else ""
            if match and honoured in ("escape", "syntax"):
                value = match.group(2)
                if honoured in seen:
                    problems.append(f"line {number}: a second # {honoured}= directive")
                seen.add(honoured)
                if honoured == "escape" and value in ("\\", "`"):
                    escape = value
                elif honoured == "escape":
                    problems.append(f"line {number}: # escape={value}: only ` or \\ may be used")
            else:
                directives_open, honoured = False, ""
        header = header and token.startswith("#")
        loose = LOOSE_DIRECTIVE.fullmatch(token) if header else None
        if loose is not None:
            problems += _directive_problems(number, loose, honoured)
        if token.startswith("#"):
            token = ""
        body, continued = _trim_continuation(token, escape)
        if not continued and not body:
            continue
        parts = [body]
        while continued and index < len(lines):
            raw = lines[index]
            index += 1
            if raw.lstrip(GO_SPACE).startswith("#") or not raw.lstrip(GO_SPACE):
                continue  # a comment or an empty line inside a continuation
            body, continued = _trim_continuation(raw, escape)
            parts.append(body)
        found.append(_instruction(number, "".join(parts)))
    return _Text(escape, tuple(found), tuple(problems))


def _directive_problems(number: int, loose: re.Match[str], honoured: str) -> list[str]:
    name, value = loose.group(1).lower(), loose.group(2)
    if name == "escape" and honoured != "escape":
        return [f"line {number}: # escape= here is not read the same by every Docker version"]
    if name == "syntax" and not FRONTEND.fullmatch(value):
        return [f"line {number}: # syntax={value}: only docker/dockerfile frontends may be used"]
    return []


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    mark = re.escape(escape)
    match = re.search(rf"(?:([^{mark}]){mark}[ \t]*|^{mark}[ \t]*)\Z", line)
    if match is None:
        return line, False
    return line[: match.start()] + (match.group(1) or ""), True


def _instruction(number: int, line: str) -> Instruction:
    command = FIELD_BREAK.split(line.strip(GO_SPACE), maxsplit=1)
    keyword = command[0].lower().upper() if command[0].lower() in KEYWORDS else command[0]
    flags, rest, plain = _builder_flags(command[1] if len(command) == 2 else "")
    return Instruction(number, keyword, rest.strip(GO_SPACE), tuple(flags), line, plain)


def _builder_flags(line: str) -> tuple[list[str], str, bool]:
    """The leading `--flag` words, the rest of the line, and whether the flags were plain ASCII.

    A port of the parser's extractBuilderFlags, which walks bytes: quotes are dropped and a
    backslash escapes the next byte whatever the file's escape character.
    """
    data = line.encode("utf-8", "surrogatepass")
    spaces = b"\t\n\v\f\r \x85\xa0"
    words: list[bytes] = []
    word = b""
    phase, quote, blank_ok, pos = "spaces", 0, False, 0

    def done(end: int) -> tuple[list[str], str, bool]:
        plain = data[:end].isascii()
        return [w.decode("latin-1") for w in words], data[end:].decode("utf-8", "replace"), plain

    while pos <= len(data):
        at_end = pos == len(data)
        ch = -1 if at_end else data[pos]
        if phase == "spaces":
            if at_end:
                break
            if ch in spaces:
                pos += 1
                continue
            if data[pos : pos + 2] != b"--":
                return done(pos)
            phase = "word"
        if at_end:
            if word != b"--" and (blank_ok or word):
                words.append(word)
            break
        if phase == "word" and ch in spaces:
            if word == b"--":
                return done(pos)
            if blank_ok or word:
                words.append(word)
            phase, word, blank_ok = "spaces", b"", False
        elif phase == "word" and ch in b"'\"":
            phase, quote, blank_ok = "quote", ch, True
        elif phase == "quote" and ch == quote:
            phase = "word"
        elif ch == ord("\\") and pos + 1 == len(data):
            phase = "word"  # a backslash at the very end is dropped
        else:
            if ch == ord("\\"):
                pos += 1
                ch = data[pos]
            word += bytes([ch])
        pos += 1
    return done(len(data))


class _Unknowable(Exception):
    """A variable whose value this file does not fix."""


class _Unreadable(Exception):
    """A word the engine itself would reject."""


Lookup = Callable[[str], str]


def _refuse_variables(name: str) -> str:
    raise _Unknowable(name)


def _expand(word: str, escape: str, lookup: Lookup) -> str:
    """`word` as the engine's shell lexer (ProcessWord) makes it."""
    return _Lexer(word, escape, lookup).until(None)


@dataclass
class _Lexer:
    """A port of buildkit's shell.Lex for one word, with variables looked up by `lookup`."""

    text: str
    escape: str
    lookup: Lookup
    pos: int = 0

    def __post_init__(self) -> None:
        self.text = self.text.removeprefix("\ufeff")  # text/scanner skips a leading BOM

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def next(self) -> str:
        ch = self.peek()
        self.pos += len(ch)
        return ch

    def until(self, stop: str | None) -> str:
        result = ""
        while ch := self.peek():
            if ch == stop:
                self.next()
                return result
            if ch == "'":
                result += self.single_quoted()
            elif ch == '"':
                result += self.double_quoted()
            elif ch == "$":
                result += self.dollar()
            elif self.next() == self.escape:
                result += self.next()
            else:
                result += ch
        if stop is not None:
            raise _Unreadable(f"no closing {stop}")
        return result

    def single_quoted(self) -> str:
        self.next()
        result = ""
        while (ch := self.next()) != "'":
            if not ch:
                raise _Unreadable("no closing single quote")
            result += ch
        return result

    def double_quoted(self) -> str:
        self.next()
        result = ""
        while (ch := self.peek()) != '"':
            if not ch:
                raise _Unreadable("no closing double quote")
            if ch == "$":
                result += self.dollar()
                continue
            self.next()
            if ch == self.escape and self.peek() in ('"', "$", self.escape) and self.peek():
                ch = self.next()
            elif ch == self.escape and not self.peek():
                continue
            result += ch
        self.next()
        return result

    def dollar(self) -> str:
        self.next()
        if self.peek() != "{":
            name = self.name()
            return self.lookup(name) if name else "$"
        self.next()
        if self.peek() in ("", "{", "}", ":"):
            raise _Unreadable("bad substitution")
        name = self.name()
        kind = self.next()
        if kind == "}":
            return self.lookup(name)
        if kind == "?":
            self.until("}")
            return self.lookup(name)
        if kind != ":":
            raise _Unreadable("missing ':' in substitution")
        modifier = self.next()
        word = self.until("}")
        value = self.lookup(name)
        if modifier == "+":
            return word if value else ""
        if modifier == "-":
            return value or word
        if modifier == "?" and value:
            return value
        raise _Unreadable(f"${{{name}:{modifier}...}}")

    def name(self) -> str:
        name = ""
        while ch := self.peek():
            digit = unicodedata.category(ch) == "Nd"
            if not name and digit:
                while unicodedata.category(self.peek() or "x") == "Nd":
                    name += self.next()
                return name
            if not name and ch in "@*#?-$!":
                return self.next()
            if not (digit or ch == "_" or unicodedata.category(ch).startswith("L")):
                break
            name += self.next()
        return name


def _words(arguments: str, escape: str) -> list[str]:
    """The parser's parseWords: split on spaces outside quotes, quotes and escapes kept."""
    words: list[str] = []
    word, quote, in_word, blank_ok, pos = "", "", False, False, 0
    while pos < len(arguments):
        ch = arguments[pos]
        pos += 1
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote != "'":
                if pos == len(arguments):
                    quote = ""
                    continue
                word += ch
                ch = arguments[pos]
                pos += 1
            word += ch
            continue
        if ch in GO_SPACE:
            if in_word and (blank_ok or word):
                words.append(word)
            word, in_word, blank_ok = "", False, False
            continue
        in_word = True
        if ch in "'\"":
            quote, blank_ok = ch, True
        elif ch == escape:
            if pos == len(arguments):
                continue
            word += ch
            ch = arguments[pos]
            pos += 1
        word += ch
    if in_word and (blank_ok or word):
        words.append(word)
    return words


def _name_values(arguments: str, escape: str) -> list[tuple[str, str]]:
    """ENV's pairs: `name=value ...`, or the old `name value` form."""
    words = _words(arguments, escape)
    if not words:
        return []
    if "=" not in words[0]:
        old = FIELD_BREAK.split(arguments, maxsplit=1)
        return [(old[0], old[1])] if len(old) == 2 else []
    return [(name, value) for name, _, value in (word.partition("=") for word in words)]


def _list(arguments: str) -> list[str] | None:
    """ADD and COPY arguments: a JSON array of strings, else words; None for other JSON."""
    if arguments.startswith("["):
        try:
            parsed, _ = json.JSONDecoder().raw_decode(arguments)
        except ValueError:
            parsed = None  # the engine then splits it on spaces
        if isinstance(parsed, list):
            return parsed if all(isinstance(item, str) for item in parsed) else None
    return FIELD_BREAK.split(arguments) if arguments else []


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
        if instruction.keyword in ("RUN", "ADD", "COPY") and any(
            HEREDOC.fullmatch(word) for word in ANY_SPACE.split(instruction.original)
        ):
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
            raise _Unknowable(name)
        return value

    def stage_value(self, name: str) -> str:
        stage = self.stages[-1]
        value = stage.env.get(name) if stage.env_trusted else None
        if value is None:  # an ARG, or the base image's environment: unknown
            raise _Unknowable(name)
        return value

    # One method per instruction that can reach around the sandbox.

    def check_arg(self, instruction: Instruction, where: str) -> list[str]:
        if self.stages:
            return []  # a stage's ARGs stay unknown: the base image's ENV would win
        problems, values = [], {}
        for word in _words(instruction.arguments, self.escape):
            raw_name, has_value, default = word.partition("=")
            try:
                name = _expand(raw_name, self.escape, self.global_value)
            except (_Unknowable, _Unreadable):
                self.global_trusted = False  # some name was set, which one is unknown
                continue
            try:
                values[name] = (
                    _expand(default, self.escape, self.global_value) if has_value else None
                )
            except _Unknowable:
                values[name] = None
            except _Unreadable:
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
            image = _expand(word, self.escape, self.global_value)
        except _Unknowable:
            return f"{where} {word}: an image chosen by a variable is refused"
        except _Unreadable:
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
                value = _expand(value, self.escape, self.global_value)
            except (_Unknowable, _Unreadable):
                return False
        earlier = self.stages[:-1]  # a stage's own name counts only once it is done
        if value.isascii() and value.isdigit():
            return int(value) < len(earlier)
        return value.lower() in {stage.name for stage in earlier} or value in self.allowed

    def check_add(self, instruction: Instruction, where: str) -> list[str]:
        words = _list(instruction.arguments)
        if words is None:
            return [f"{where}: a JSON form with other things than strings is refused"]
        problems = []
        for source in words[:-1]:
            try:
                literal = _expand(source, self.escape, _refuse_variables)
            except _Unknowable:
                problems.append(
                    f"{where} {source}: a source chosen by a variable may be a URL,"
                    " which fetches from the network"
                )
                continue
            except _Unreadable:
                literal = source
            if REMOTE.search(literal) or REMOTE.search(source):
                problems.append(f"{where} {source}: fetches from the network")
        return problems

    def check_onbuild(self, instruction: Instruction, where: str) -> list[str]:
        return [f"{where}: refused, its trigger runs in a later build this check never sees"]

    def check_env(self, instruction: Instruction, where: str) -> list[str]:
        stage = self.stages[-1]
        values: dict[str, str | None] = {}
        for name, value in _name_values(instruction.arguments, self.escape):
            try:
                name = _expand(name, self.escape, self.stage_value)
            except (_Unknowable, _Unreadable):
                stage.env_trusted = False
                continue
            try:
                values[name] = _expand(value, self.escape, self.stage_value)
            except (_Unknowable, _Unreadable):
                values[name] = None
        stage.env.update(values)
        return []

    def check_workdir(self, instruction: Instruction, where: str) -> list[str]:
        stage, path = self.stages[-1], instruction.arguments
        try:
            requested = _expand(path, self.escape, self.stage_value)
        except _Unknowable:
            return [f"{where} {path}: a directory chosen by a variable is refused"]
        except _Unreadable:
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
    read = _read(text)
    judge = _Judge(allowed=frozenset(allowed_images), escape=read.escape)
    problems = list(read.problems)
    for instruction in read.instructions:
        problems += judge.judge(instruction)
    return problems
