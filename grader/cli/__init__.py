"""The command line: `grader ...` (`grader.cli.launch.main`, which loads `grader.cli.main`)."""
