"""The candidate's words for what the grader did: no engine jargon on a candidate's page.

Pure. Stage names become what they mean to someone who wrote an API ("waiting for the app to
answer", not "probe"); what only an operator needs (image ids, container addresses, the
generated Dockerfile's name) is left out of the stages' details.
"""

from __future__ import annotations

import re

from grader.core.result import StageRecord

STAGE_WORDS = {
    "intake": "reading your submission",
    "build": "building your app",
    "run": "starting your app",
    "probe": "waiting for your app to answer",
    "engineering": "reading your code",
    "fuzz": "generated requests",
}
_OPERATOR_ONLY = (
    (re.compile(r"\S*\.?grader\.Dockerfile\s*->\s*"), ""),
    (re.compile(r"sha256:[0-9a-f]{6,64}"), "the image"),
    (re.compile(r"https?://\d{1,3}(?:\.\d{1,3}){3}:\d+"), "your app"),
)


def stage_in_words(name: str) -> str:
    """`probe` -> "waiting for your app to answer"; `test:public` -> "public tests"."""
    if name.startswith("test:"):
        return f"{name.removeprefix('test:')} tests"
    return STAGE_WORDS.get(name, name)


def detail_in_words(detail: str) -> str:
    for pattern, words in _OPERATOR_ONLY:
        detail = pattern.sub(words, detail)
    return detail.strip()


def stage_for_candidate(stage: StageRecord) -> StageRecord:
    return StageRecord(
        stage_in_words(stage.name), stage.status, stage.duration_s, detail_in_words(stage.detail)
    )
