"""A Dockerfile read the way the engine reads it, and its words expanded the way it expands them.

Pure, and judges nothing: the rule is to read exactly what Docker 20.10's classic builder and
moby/buildkit v0.8 (`frontend/dockerfile/parser` and `shell`) read, so that a policy judging the
result judges what will be built. Lines end at "\\n" only, with one trailing "\\r" dropped;
`# escape=` and `# syntax=` count only at the very top; the escape character continues a line;
comment and blank lines inside a continuation are skipped; leading `--flags` are split off as
the parser splits them; words go through the shell lexer's quotes, escapes and `${...}` forms,
with variables looked up by a function the caller gives. Where the reading depends on which
builder reads the file (a directive only some of them honour, a frontend other than
docker/dockerfile, a heredoc), it is reported or detectable here rather than guessed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

KEYWORDS = frozenset(
    {
        *("add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck"),
        *("label", "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume"),
        "workdir",
    }
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
HEREDOC = re.compile(r"\d*<<-?[^<]+")


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str  # upper case when it is an instruction, as written when it is not
    arguments: str  # after the flags
    flags: tuple[str, ...] = ()
    original: str = ""  # the whole logical line, continuations joined
    flags_plain: bool = True  # False when the flags hold bytes the engine splits oddly


@dataclass(frozen=True)
class Dockerfile:
    """What the engine reads in a Dockerfile, and what it may read differently."""

    escape: str
    instructions: tuple[Instruction, ...]
    problems: tuple[str, ...]  # directives not every builder reads the same, with their line


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, read as the engine reads them."""
    return list(read_dockerfile(text).instructions)


def read_dockerfile(text: str) -> Dockerfile:
    """The file's escape character, its instructions, and the directives read in doubt."""
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
    return Dockerfile(escape, tuple(found), tuple(problems))


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


def has_heredoc(instruction: Instruction) -> bool:
    """Whether a word of the line starts a heredoc, which newer builders read and older do not."""
    return any(HEREDOC.fullmatch(word) for word in ANY_SPACE.split(instruction.original))


class UnknownVariable(Exception):
    """A variable whose value this file does not fix."""


class UnreadableWord(Exception):
    """A word the engine itself would reject."""


Lookup = Callable[[str], str]


def no_variables_known(name: str) -> str:
    raise UnknownVariable(name)


def expand(word: str, escape: str, lookup: Lookup) -> str:
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
            raise UnreadableWord(f"no closing {stop}")
        return result

    def single_quoted(self) -> str:
        self.next()
        result = ""
        while (ch := self.next()) != "'":
            if not ch:
                raise UnreadableWord("no closing single quote")
            result += ch
        return result

    def double_quoted(self) -> str:
        self.next()
        result = ""
        while (ch := self.peek()) != '"':
            if not ch:
                raise UnreadableWord("no closing double quote")
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
            raise UnreadableWord("bad substitution")
        name = self.name()
        kind = self.next()
        if kind == "}":
            return self.lookup(name)
        if kind == "?":
            self.until("}")
            return self.lookup(name)
        if kind != ":":
            raise UnreadableWord("missing ':' in substitution")
        modifier = self.next()
        word = self.until("}")
        value = self.lookup(name)
        if modifier == "+":
            return word if value else ""
        if modifier == "-":
            return value or word
        if modifier == "?" and value:
            return value
        raise UnreadableWord(f"${{{name}:{modifier}...}}")

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


def split_words(arguments: str, escape: str) -> list[str]:
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


def env_pairs(arguments: str, escape: str) -> list[tuple[str, str]]:
    """ENV's pairs: `name=value ...`, or the old `name value` form."""
    words = split_words(arguments, escape)
    if not words:
        return []
    if "=" not in words[0]:
        old = FIELD_BREAK.split(arguments, maxsplit=1)
        return [(old[0], old[1])] if len(old) == 2 else []
    return [(name, value) for name, _, value in (word.partition("=") for word in words)]


def json_or_words(arguments: str) -> list[str] | None:
    """ADD and COPY arguments: a JSON array of strings, else words; None for other JSON."""
    if arguments.startswith("["):
        try:
            parsed, _ = json.JSONDecoder().raw_decode(arguments)
        except ValueError:
            parsed = None  # the engine then splits it on spaces
        if isinstance(parsed, list):
            return parsed if all(isinstance(item, str) for item in parsed) else None
    return FIELD_BREAK.split(arguments) if arguments else []
