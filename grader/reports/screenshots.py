"""A headless Chromium for the HTML reports: PNG screenshots and the DOM after scripts ran.

Only local files are opened. Each call starts Chromium with a fresh profile in a temporary
folder, in a process group of its own, waits for it with a time limit, and kills the group
if it does not end in time: no browser is left running.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from grader.core.errors import GraderError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 90.0
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--hide-scrollbars",
    "--mute-audio",
)


class BrowserUnavailable(GraderError):
    """No Chromium to take screenshots with."""


def find_chromium() -> str | None:
    """`$GRADER_CHROMIUM`, or the first Chromium or Chrome on PATH."""
    chosen = os.environ.get("GRADER_CHROMIUM")
    if chosen:
        return shutil.which(chosen)
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def require_chromium() -> str:
    binary = find_chromium()
    if binary is None:
        raise BrowserUnavailable(
            "no Chromium found (looked for $GRADER_CHROMIUM, "
            + ", ".join(CHROMIUM_NAMES)
            + "); on Debian or Ubuntu: `apt-get install chromium` as root, "
            "or `bash docker/ensure-chromium.sh`"
        )
    return binary


def take_screenshot(page: Path, png: Path, width: int = 1280, height: int = 1800) -> Path:
    """Save a PNG of the top `width` x `height` pixels of a local HTML page."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(page, f"--screenshot={png.resolve()}", f"--window-size={width},{height}")
    if not png.is_file():
        raise GraderError(f"Chromium wrote no screenshot of {page}")
    return png


def dump_dom(page: Path, width: int = 1280) -> str:
    """The page's DOM as HTML, after its scripts ran, in a window `width` pixels wide."""
    return _run(page, "--dump-dom", f"--window-size={width},1800")


def _run(page: Path, *arguments: str) -> str:
    binary = require_chromium()
    with tempfile.TemporaryDirectory(prefix="grader-chromium-") as profile:
        command = [
            binary,
            *FLAGS,
            *(["--no-sandbox"] if os.geteuid() == 0 else []),
            f"--user-data-dir={profile}",
            *arguments,
            page.resolve().as_uri(),
        ]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            output, errors = process.communicate(timeout=TIMEOUT_S)
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        finally:
            _kill_leftovers(process.pid)
    if process.returncode != 0:
        tail = "\n".join(errors.strip().splitlines()[-5:])
        raise GraderError(f"Chromium failed on {page} (exit {process.returncode}): {tail}")
    return output


def _kill_leftovers(group: int) -> None:
    """Chromium's helper processes sit in its process group; none may outlive the call."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)
