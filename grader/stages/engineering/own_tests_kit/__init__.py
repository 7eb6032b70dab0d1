"""Files copied into the kit the candidate's tests run with, inside their own container.

Never imported by the grader: `run_own_tests` is the container's command and `grader_counts`
a pytest plugin it loads. Both run under the image's Python, beside pytest and coverage.py
from the kit, with no network and the submission's code copied to /tmp.
"""
