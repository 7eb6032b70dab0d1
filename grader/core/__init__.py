"""The pure core: the task and its rubric, results, scoring, events.

See README.md beside this file for its rule.
"""
