"""A Dockerfile for a plain Flask project that brings none of its own.

Pure: given the text of the project's likely entry modules, find the WSGI target (an app
factory `create_app` or a module-level `app`) and write a Dockerfile that serves it with
gunicorn on the task's port. `build` reads the files and writes the result.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass

ENTRY_MODULES = (
    "wsgi.py",
    "app.py",
    "main.py",
    "application.py",
    "server.py",
    "run.py",
    "autoapp.py",
    "manage.py",
)
NOT_ENTRY_MODULES = ("setup.py", "conftest.py", "noxfile.py", "fabfile.py", "tasks.py")
PIPFILE_REQUIREMENTS = ".grader-requirements.txt"
_REQUIREMENTS_PREFERRED = ("prod", "production", "base", "common", "requirements", "default")
PACKAGE_ENTRY = "__init__.py"
APP_NAMES = ("app", "application")
FACTORY_NAME = "create_app"


@dataclass(frozen=True)
class WsgiTarget:
    module: str
    attribute: str
    is_factory: bool

    def __str__(self) -> str:
        return f"{self.module}:{self.attribute}{'()' if self.is_factory else ''}"


def candidate_paths(top_level: list[str], packages: list[str]) -> list[str]:
    """Where to look, in order: the usual entry modules, then each top-level package, then
    every other top-level module (not tests, not setup.py)."""
    found = [name for name in ENTRY_MODULES if name in top_level]
    preferred = [p for p in ("app", "src") if p in packages]
    others = sorted(p for p in packages if p not in preferred)
    modules = sorted(
        name
        for name in top_level
        if name.endswith(".py")
        and name not in ENTRY_MODULES
        and name not in NOT_ENTRY_MODULES
        and not name.startswith("test")
    )
    return found + [f"{package}/{PACKAGE_ENTRY}" for package in preferred + others] + modules


def requirements_file(files: list[str]) -> str | None:
    """The requirements file to install from, of the repository's relative file paths:
    requirements.txt, else one under requirements/ or named requirements-*.txt, a production
    or base one first."""
    if "requirements.txt" in files:
        return "requirements.txt"
    found = [
        f
        for f in files
        if f.endswith(".txt")
        and f.startswith("requirements")
        and "/" not in f.removeprefix("requirements/")
    ]

    def rank(name: str) -> tuple[int, str]:
        stem = name.removeprefix("requirements/").removesuffix(".txt").lower()
        stem = stem.removeprefix("requirements").strip("-_") or "requirements"
        if any(word in stem for word in ("dev", "test", "doc", "lint")):
            return (len(_REQUIREMENTS_PREFERRED) + 1, name)
        return (
            _REQUIREMENTS_PREFERRED.index(stem)
            if stem in _REQUIREMENTS_PREFERRED
            else len(_REQUIREMENTS_PREFERRED),
            name,
        )

    ranked = sorted(found, key=rank)
    return ranked[0] if ranked else None


def includes_others(requirements_text: str) -> bool:
    """Whether a requirements file reads others (-r, -c, a local path): it needs the whole
    tree copied before pip runs."""
    for line in requirements_text.splitlines():
        words = line.split("#", 1)[0].split()
        if words and (
            words[0] in ("-r", "-c", "-e", "--requirement", "--constraint", "--editable")
            or words[0].startswith(("-r", "-c", "--requirement=", "--constraint=", ".", "/"))
        ):
            return True
    return False


def pipfile_lock_requirements(text: str) -> str | None:
    """The pinned packages of a Pipfile.lock's default section, as a requirements file; None
    when it is not one."""
    try:
        data = json.loads(text)
        default = data["default"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(default, dict):
        return None
    lines = []
    for name, entry in sorted(default.items()):
        if not isinstance(entry, dict) or not _is_package_name(str(name)):
            continue
        version = entry.get("version")
        if isinstance(version, str) and version.startswith("==") and _is_version(version[2:]):
            lines.append(f"{name}{version}")
        elif "version" not in entry and not any(k in entry for k in ("git", "path", "file")):
            lines.append(str(name))
    return "".join(f"{line}\n" for line in lines)


def is_asgi(module_source: str, requirements_text: str) -> bool:
    """Whether the app is connexion 3's (ASGI): its module uses connexion, and the requirements
    ask for connexion 3 or its uvicorn extra."""
    if "connexion" not in module_source:
        return False
    lowered = requirements_text.lower().replace(" ", "")
    return "uvicorn" in lowered or any(
        pin in lowered for pin in ("connexion==3", "connexion>=3", "connexion~=3")
    )


def _is_package_name(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "-_." for c in name)


def _is_version(version: str) -> bool:
    return bool(version) and all(c.isalnum() or c in ".+!-_*" for c in version)


def find_wsgi_target(sources: Mapping[str, str]) -> WsgiTarget | None:
    """The first module (in the order given) with a module-level app or a `create_app`."""
    for path, text in sources.items():
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # a module the parser gives up on is no entry point
        module = path.removesuffix(f"/{PACKAGE_ENTRY}").removesuffix(".py").replace("/", ".")
        names = _top_level_names(tree)
        for name in APP_NAMES:
            if name in names:
                return WsgiTarget(module, name, is_factory=False)
        if FACTORY_NAME in names:
            return WsgiTarget(module, FACTORY_NAME, is_factory=True)
    return None


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def render_dockerfile(
    target: WsgiTarget,
    *,
    base_image: str,
    port: int,
    has_requirements: bool,
    has_pyproject: bool,
    requirements: str = "requirements.txt",
    copy_first: bool = False,
    asgi: bool = False,
    one_process: bool = False,
) -> str:
    """`requirements` names the file to install from when `has_requirements`; `copy_first`
    copies the whole tree before pip runs (a file that includes others needs them).

    A task's submissions are served by two worker processes, as its brief says (state kept in
    a process's memory is a flaw there). `one_process` serves an arbitrary repository as
    `flask run` does, by threads of one process: it was written for that, and may keep its
    state in memory."""
    processes = ["--workers", "1", "--threads", "4"] if one_process else ["--workers", "2"]
    command = [
        "gunicorn",
        "--bind",
        f"0.0.0.0:{port}",
        *processes,
        "--access-logfile",
        "-",
        str(target),
    ]
    server = "gunicorn"
    if asgi:  # connexion 3's apps are ASGI: uvicorn serves them, gunicorn's workers cannot
        server = "uvicorn"
        every_interface = "0.0.0.0"  # noqa: S104 (inside its container: the grader's network)
        command = ["uvicorn", "--host", every_interface, "--port", str(port),
                   *(["--factory"] if target.is_factory else []),
                   f"{target.module}:{target.attribute}"]  # fmt: skip
    lines = [
        "# Generated by grader: this submission has no Dockerfile of its own.",
        f"FROM {base_image}",
        "WORKDIR /app",
        "ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1",
    ]
    if has_requirements and (copy_first or requirements != "requirements.txt"):
        lines += ["COPY . .", f"RUN pip install -r {json.dumps(requirements)} {server}"]
    elif has_requirements:
        lines += [
            "COPY requirements.txt ./",
            f"RUN pip install -r requirements.txt {server}",
            "COPY . .",
        ]
    elif has_pyproject:
        lines += ["COPY . .", f"RUN pip install . {server}"]
    else:
        lines += ["COPY . .", f"RUN pip install flask {server}"]
    lines += [f"EXPOSE {port}", f"CMD {json.dumps(command)}", ""]
    return "\n".join(lines)
