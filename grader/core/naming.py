"""Names derived from user input that are safe for folders, Docker tags and labels."""

from __future__ import annotations

import re


def safe_name(text: str, fallback: str = "submission") -> str:
    """Lowercase letters, digits, '.', '_' and '-', at most 60 characters, never empty."""
    name = re.sub(r"[^a-z0-9_.-]+", "-", text.lower()).strip("-._")
    return name[:60].rstrip("-._") or fallback


def unique_names(names: list[str]) -> list[str]:
    """The same names in order, with '-2', '-3'... appended where one is already taken."""
    used: set[str] = set()
    result = []
    for name in names:
        candidate, count = name, 1
        while candidate in used:
            count += 1
            candidate = f"{name}-{count}"
        used.add(candidate)
        result.append(candidate)
    return result
