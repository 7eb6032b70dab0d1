#!/usr/bin/env bash
# The commands the GitHub Action (action.yml) runs: `grader check` on the repository, with
# the action's inputs as environment variables. CI systems other than GitHub can call it too.
#   GRADER_PATH        folder to check (default .)
#   GRADER_TASK        task id or folder (default: from .grader.toml in GRADER_PATH)
#   GRADER_FAIL_UNDER  fail below this percentage of the public checks (default: none)
#   GRADER_OUT         where results go (default .grader/results, which no snapshot copies)
# Exit codes are grader's: 0 passed, 1 below the threshold, 3 not gradable, 4 grader error.
set -euo pipefail
args=(check "${GRADER_PATH:-.}" --out "${GRADER_OUT:-.grader/results}")
if [ -n "${GRADER_TASK:-}" ]; then args+=(--task "$GRADER_TASK"); fi
if [ -n "${GRADER_FAIL_UNDER:-}" ]; then args+=(--fail-under "$GRADER_FAIL_UNDER"); fi
exec grader "${args[@]}"
