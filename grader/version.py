"""The grader's version, recorded in every result (kept equal to pyproject.toml's)."""

VERSION = "0.1.0"
