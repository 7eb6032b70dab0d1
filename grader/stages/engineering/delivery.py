"""Delivery: what a reviewer needs to run the work, and what should not have been committed.

Pure. A README at the root saying how to set up, run and test the app (a heading, or failing
that any line, with the keywords below; case does not matter), a Dockerfile, a CI
configuration, tests, and no committed `.env` (a `.env.example` and the like are fine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from grader.stages.engineering.findings import Evidence, Finding, note, problem
from grader.stages.engineering.inputs import SourceFile, SourceTree, is_test_path

MEASURE = "delivery"
README_NAMES = frozenset({"readme", "readme.md", "readme.rst", "readme.txt", "readme.markdown"})
README_SECTIONS = (
    ("setup", re.compile(r"\b(install(ation|ing)?|set[ -]?up|getting started)\b", re.IGNORECASE)),
    ("run", re.compile(r"\b(run(ning)?|start(ing)?|usage|launch)\b", re.IGNORECASE)),
    ("test", re.compile(r"\b(test(s|ing)?|pytest)\b", re.IGNORECASE)),
)
SECTION_ADVICE = {
    "setup": "how to install the dependencies",
    "run": "how to start the app",
    "test": "how to run the tests",
}
CI_FILES = frozenset(
    {
        ".gitlab-ci.yml",
        ".travis.yml",
        ".circleci/config.yml",
        "azure-pipelines.yml",
        "bitbucket-pipelines.yml",
        "Jenkinsfile",
        ".drone.yml",
        ".woodpecker.yml",
    }
)
UNDERLINE = re.compile(r"\s*(=+|-+|~+)\s*")  # under a Markdown or reST heading
ENV_EXAMPLES = frozenset({"example", "sample", "template", "dist", "defaults"})


@dataclass(frozen=True)
class Delivery:
    readme: str | None
    readme_sections: tuple[tuple[str, Evidence | None], ...]  # ("setup" | "run" | "test", where)
    dockerfile: str | None
    ci_configs: tuple[str, ...]
    committed_env_files: tuple[str, ...]
    test_files: tuple[str, ...]
    findings: tuple[Finding, ...]


def measure_delivery(tree: SourceTree) -> Delivery:
    readme = next((f for f in tree.files if f.path.lower() in README_NAMES), None)
    sections = tuple((section, _section(readme, pattern)) for section, pattern in README_SECTIONS)
    dockerfiles = [f.path for f in tree.files if _is_dockerfile(f.path)]
    ci = tuple(f.path for f in tree.files if _is_ci(f.path))
    env_files = tuple(f.path for f in tree.files if _is_env_file(f.path))
    tests = tuple(f.path for f in tree.python_files() if is_test_path(f.path))

    found: list[Finding] = []
    if readme is None:
        found.append(
            problem(
                MEASURE,
                "no-readme",
                "No README at the root; say how to set up, run and test the app.",
            )
        )
    else:
        for section, where in sections:
            if where is None:
                found.append(
                    problem(
                        MEASURE,
                        f"readme-missing-{section}",
                        f"{readme.path} does not say {SECTION_ADVICE[section]}; add a section "
                        f"that does.",
                        Evidence(readme.path),
                    )
                )
    if not dockerfiles:
        found.append(
            note(MEASURE, "no-dockerfile", "No Dockerfile; the app cannot be built as an image.")
        )
    if not ci:
        found.append(
            note(
                MEASURE,
                "no-ci",
                "No CI configuration (.github/workflows, .gitlab-ci.yml, ...); nothing runs "
                "the tests on each push.",
            )
        )
    for path in env_files:
        found.append(
            problem(
                MEASURE,
                "committed-env-file",
                f"{path} is committed, and such files hold secrets; remove it (and from the "
                "history), list it in .gitignore and commit a .env.example with placeholders.",
                Evidence(path),
            )
        )
    if not tests:
        found.append(
            problem(
                MEASURE,
                "no-tests",
                "No tests were found (a tests/ folder or test_*.py files); add tests for the "
                "endpoints.",
            )
        )
    return Delivery(
        readme=readme.path if readme else None,
        readme_sections=sections,
        dockerfile=min(dockerfiles, key=lambda p: (p.count("/"), p)) if dockerfiles else None,
        ci_configs=ci,
        committed_env_files=env_files,
        test_files=tests,
        findings=tuple(found),
    )


def _section(readme: SourceFile | None, pattern: re.Pattern[str]) -> Evidence | None:
    if readme is None or readme.text is None:
        return None
    lines = readme.text.splitlines()
    underlined = {
        number
        for number in range(1, len(lines))
        if lines[number - 1].strip() and UNDERLINE.fullmatch(lines[number])
    }
    headings = [
        (number, line)
        for number, line in enumerate(lines, start=1)
        if line.lstrip().startswith("#") or number in underlined
    ]
    anywhere = list(enumerate(lines, start=1))
    for candidates in (headings, anywhere):
        for number, line in candidates:
            if pattern.search(line):
                return Evidence(readme.path, number)
    return None


def _is_dockerfile(path: str) -> bool:
    name = PurePosixPath(path).name.lower()
    return name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile")


def _is_ci(path: str) -> bool:
    if path in CI_FILES:
        return True
    pure = PurePosixPath(path)
    return pure.parent.as_posix() == ".github/workflows" and pure.suffix in (".yml", ".yaml")


def _is_env_file(path: str) -> bool:
    name = PurePosixPath(path).name
    if name == ".env":
        return True
    return name.startswith(".env.") and name.split(".")[-1].lower() not in ENV_EXAMPLES
