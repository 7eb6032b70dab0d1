"""Text the grader did not write (logs, test messages, ids, paths), made safe to show.

Pure. Escaping for a format (HTML, XML, Markdown, CSV) is each renderer's job; this module
does what every format needs first: terminal colour codes and control characters out (XML 1.0
refuses most of them, a terminal or a browser may act on them), Unicode direction overrides
out (they make text read differently from what it is), and a length cap that says what it cut.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
ELLIPSIS = "…"


def clean(text: str) -> str:
    """No colour codes, no control characters but newline and tab, newlines as `\\n`."""
    text = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def shorten(text: str, limit: int) -> str:
    """`clean` text of at most `limit` characters, saying how much was left out."""
    text = clean(text)
    if len(text) <= limit:
        return text
    left_out = len(text) - limit
    return f"{text[:limit]}{ELLIPSIS} [{left_out} more characters]"


def one_line(text: str, limit: int) -> str:
    """The first non-blank line, shortened; an ellipsis says when more lines followed."""
    lines = [line.strip() for line in clean(text).splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if len(first) > limit:
        return first[:limit] + ELLIPSIS
    return first + (f" {ELLIPSIS}" if len(lines) > 1 else "")


def last_lines(text: str, max_lines: int, line_limit: int) -> tuple[str, int]:
    """The last `max_lines` lines, each shortened, and how many lines were left out before."""
    lines = clean(text).rstrip("\n").splitlines()
    kept = lines[-max_lines:] if max_lines else []
    shortened = [line if len(line) <= line_limit else line[:line_limit] + ELLIPSIS for line in kept]
    return "\n".join(shortened), len(lines) - len(kept)
