"""The command line: `grader ...` (`main`)."""

from grader.cli.main import main

__all__ = ["main"]
