"""`python -m grader` is the `grader` command."""

from grader.cli.main import main

main()
