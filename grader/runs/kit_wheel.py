"""The grader as a wheel, for the candidate kit: what `pip install` needs, without an index.

The distribution is `takehome-api-grader` (the name `grader` on PyPI belongs to another
project); the import name and the command stay `grader`. The wheel is built from the source
checkout this grader runs from, with pip's own `pip wheel`, or a wheel built before is taken
as given (`--wheel`), for a grader installed from a wheel itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from grader.core.errors import CommandLineError, GraderError

DISTRIBUTION = "takehome-api-grader"
WHEEL_PREFIX = DISTRIBUTION.replace("-", "_") + "-"
BUILD_TIMEOUT_S = 600.0


def grader_wheel(into: Path, prebuilt: Path | None = None) -> Path:
    """A wheel of this grader in `into`: `prebuilt` copied, or one built from the checkout."""
    into.mkdir(parents=True, exist_ok=True)
    if prebuilt is not None:
        if not (prebuilt.is_file() and prebuilt.name.startswith(WHEEL_PREFIX)):
            raise CommandLineError(f"--wheel {prebuilt}: not a {WHEEL_PREFIX}*.whl file")
        return Path(shutil.copy2(prebuilt, into / prebuilt.name))
    root = source_checkout()
    if root is None:
        raise GraderError(
            "this grader was not installed from its source checkout, so no wheel can be built "
            "for the kit: pass --wheel PATH (`python -m pip wheel --no-deps .` in the "
            "grader's repository makes one)"
        )
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
               "--wheel-dir", str(into), str(root)]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise GraderError(f"building the grader's wheel took over {BUILD_TIMEOUT_S:g} s") from None
    wheels = sorted(into.glob(f"{WHEEL_PREFIX}*.whl"))
    if done.returncode != 0 or not wheels:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise GraderError(f"building the grader's wheel failed:\n{tail}")
    return wheels[-1]


def source_checkout() -> Path | None:
    """The folder of this grader's pyproject.toml, when it runs from a source checkout."""
    root = Path(__file__).resolve().parents[2]  # grader/runs/kit_wheel.py -> the checkout
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return root if project.get("project", {}).get("name") == DISTRIBUTION else None


def install_command(wheel: Path) -> str:
    """The one command that installs the grader from the kit's wheel (from the kit's root)."""
    return f'python -m pip install "{wheel.as_posix()}"'
