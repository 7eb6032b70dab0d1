"""`python -m grader` is the `grader` command."""

from grader.cli.launch import main

main()
