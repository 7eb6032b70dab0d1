"""The `grader` entry point: `--version` answers at once, everything else loads the CLI.

The command line imports the engine client, the HTTP client and every stage; a version
question needs none of them, so it is answered before they load.
"""

from __future__ import annotations

import sys

from grader.version import VERSION

VERSION_FLAGS = ("--version", "-V")


def main() -> None:
    if sys.argv[1:] and sys.argv[1] in VERSION_FLAGS:
        print(f"grader, version {VERSION}")
        sys.exit(0)
    from grader.cli.main import main as run_cli  # late: the whole point of this module

    run_cli()
