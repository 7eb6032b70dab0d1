"""The reference suites: the task's pytest files run against the live app."""
