"""The candidate's own tests run inside their image, confined: no network, a time limit, and
reports that cannot make the grader read a file of this host.

Each case builds a tiny project (a module and its tests) into an image FROM the base image and
runs `own_tests_run.run_own_tests` on it, as the engineering stage does.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grader.core.task import RuntimeSpec
from grader.sandbox.engine import LABEL_RUN, labels_for
from grader.stages.engineering.own_tests import OwnTests, OwnTestsNotRun
from grader.stages.engineering.own_tests_run import OwnTestsRun, run_own_tests

pytestmark = pytest.mark.docker

RUN_ID = f"own-tests-{uuid.uuid4().hex[:8]}"
MODULE = (
    "def add(a, b):\n    return a + b\n\n\n"
    "def unused(x):\n    if x:\n        return 1\n    return 2\n"
)


DOCKERFILE = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\n"


def run(
    client: Any,
    tmp_path: Path,
    tests: dict[str, str],
    timeout_s: float = 120,
    dockerfile: str = DOCKERFILE,
) -> OwnTestsRun:
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "calc.py").write_text(MODULE)
    (project / "Dockerfile").write_text(dockerfile)
    for name, text in tests.items():
        (project / name).write_text(text)
    labels = labels_for(RUN_ID, tmp_path.name)
    image, _ = client.images.build(path=str(project), labels=labels, rm=True)
    work = tmp_path / "work"
    work.mkdir()
    try:
        return run_own_tests(
            client, image.id, RuntimeSpec(), project, work, f"grader-{RUN_ID}", labels, timeout_s
        )
    finally:
        client.images.remove(image.id, force=True)


def test_tests_run_under_coverage_of_the_candidates_code_only(
    docker_client: Any, tmp_path: Path
) -> None:
    tests = {
        "tests/test_calc.py": (
            "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
            "def test_wrong():\n    assert add(1, 1) == 3\n"
        ),
    }

    ran = run(docker_client, tmp_path, tests)

    assert isinstance(ran.result, OwnTests), ran.result
    assert (ran.result.passed, ran.result.failed, ran.result.errors) == (1, 1, 0)
    assert ran.result.failures == ("tests/test_calc.py::test_wrong",)
    # calc.py has 6 statements, 3 run; the tests themselves are not measured
    assert ran.result.coverage == 50.0
    assert [f.path for f in ran.result.least_covered] == ["calc.py"]
    assert "1 failed, 1 passed" in ran.log
    assert "no-ctracer" not in ran.log, "coverage.py's compiled tracer serves Python 3.11"
    assert not docker_client.containers.list(all=True, filters={"label": f"{LABEL_RUN}={RUN_ID}"})


@pytest.fixture
def listener() -> Iterator[tuple[str, int, list[str]]]:
    shown = subprocess.run(
        ["ip", "-j", "-4", "addr", "show", "docker0"], capture_output=True, text=True, check=True
    )
    address = json.loads(shown.stdout)[0]["addr_info"][0]["local"]
    server = socket.socket()
    server.bind((address, 0))
    server.listen(4)
    server.settimeout(0.2)
    contacts: list[str] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, peer = server.accept()
            except OSError:
                continue
            contacts.append(str(peer))
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield address, server.getsockname()[1], contacts
    stop.set()
    thread.join()
    server.close()


def test_the_tests_have_no_network(
    docker_client: Any, tmp_path: Path, listener: tuple[str, int, list[str]]
) -> None:
    address, port, contacts = listener
    tests = {
        "tests/test_out.py": (
            "import socket\n\n\ndef test_reach_the_host():\n"
            f"    socket.create_connection(({address!r}, {port}), timeout=3).close()\n"
        ),
    }

    ran = run(docker_client, tmp_path, tests)

    assert isinstance(ran.result, OwnTests), ran.result
    assert (ran.result.passed, ran.result.failed) == (0, 1)
    assert "Network is unreachable" in ran.log or "OSError" in ran.log
    assert contacts == []


def test_tests_that_do_not_finish_are_stopped_at_the_limit(
    docker_client: Any, tmp_path: Path
) -> None:
    tests = {"tests/test_slow.py": "import time\n\n\ndef test_forever():\n    time.sleep(600)\n"}

    ran = run(docker_client, tmp_path, tests, timeout_s=15)

    assert ran.result == OwnTestsNotRun("the tests did not finish in 15 s and were stopped")
    assert ran.duration_s < 60
    assert not docker_client.containers.list(all=True, filters={"label": f"{LABEL_RUN}={RUN_ID}"})


def test_a_conftest_that_forges_the_reports_changes_nothing(
    docker_client: Any, tmp_path: Path
) -> None:
    """The forgery a red team used: rewrite the counts, leave a coverage report of 100 %, or
    link a report to a file of this host. The reports are written by another user, into a
    folder the tests' user cannot write, from what was streamed while the tests ran."""
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"passed": 999, "failed": 0, "errors": 0, "skipped": 0}))
    full = {"totals": {"num_statements": 6, "covered_lines": 6}, "files": {}}
    conftest = (
        "import json, os\n\nimport pytest\n\nTRIED = []\n\n\n"
        "@pytest.hookimpl(trylast=True)\n"
        "def pytest_sessionfinish(session, exitstatus):\n"
        "    for attempt in (\n"
        "        lambda: json.dump({'passed': 42, 'failed': 0, 'errors': 0, 'skipped': 0},\n"
        "                          open('/grader/out/counts.json', 'w')),\n"
        f"        lambda: json.dump({full!r}, open('/grader/out/coverage.json', 'w')),\n"
        f"        lambda: os.symlink({str(forged)!r}, '/grader/out/counts.json'),\n"
        "    ):\n"
        "        try:\n"
        "            attempt()\n"
        "            print('FORGED')\n"
        "        except OSError as error:\n"
        "            print('REFUSED', error)\n"
    )
    tests = {"conftest.py": conftest, "tests/test_ok.py": "def test_ok():\n    assert True\n"}

    ran = run(docker_client, tmp_path, tests)

    assert isinstance(ran.result, OwnTests), ran.log
    assert (ran.result.passed, ran.result.failed) == (1, 0)
    assert ran.result.coverage == 0.0, "calc.py is never called by the one test"
    assert "FORGED" not in ran.log
    assert ran.log.count("REFUSED") == 3


def test_a_pth_file_in_the_image_forges_no_report(docker_client: Any, tmp_path: Path) -> None:
    """A `.pth` file in the image's site-packages is code every Python of the image runs at
    start, whoever runs it: as the wrapper (root that may change user, then the reporting
    user) or as the coverage report's writer it could rewrite the counts. Neither loads it."""
    forge = (
        "import atexit, json, os\n\n\n"
        "def forge():\n"
        "    if os.getuid() == 10001:\n"
        "        return  # the tests' own user: it can write no report anyway\n"
        "    try:\n"
        "        with open('/grader/out/counts.json', 'w') as out:\n"
        "            json.dump({'passed': 77, 'failed': 0, 'errors': 0, 'skipped': 0}, out)\n"
        "        print('FORGED by uid', os.getuid(), flush=True)\n"
        "    except OSError as error:\n"
        "        print('REFUSED', error, flush=True)\n\n\n"
        "atexit.register(forge)\n"
    )
    hook = "import os; os.path.isdir('/grader/out') and exec(open('/app/forge.py').read(), {})"
    into_site = (
        "import os, shutil, site; shutil.copy('/app/zz_forge.pth', "
        "[p for p in site.getsitepackages() if os.path.isdir(p)][0])"
    )
    dockerfile = DOCKERFILE + f"RUN python3 -c {json.dumps(into_site)}\n"
    tests = {
        "forge.py": forge,
        "zz_forge.pth": hook + "\n",
        "tests/test_ok.py": "def test_ok():\n    assert True\n",
    }

    ran = run(docker_client, tmp_path, tests, dockerfile=dockerfile)

    assert isinstance(ran.result, OwnTests), ran.log
    assert (ran.result.passed, ran.result.failed) == (1, 0), ran.log
    assert "FORGED" not in ran.log


def test_an_image_without_python_fails_its_tests_with_the_reason(
    docker_client: Any, tmp_path: Path
) -> None:
    no_python = DOCKERFILE + "RUN rm -f /usr/bin/python3* /usr/local/bin/python3*\n"
    tests = {"tests/test_ok.py": "def test_ok():\n    assert True\n"}

    ran = run(docker_client, tmp_path, tests, dockerfile=no_python)

    assert isinstance(ran.result, OwnTestsNotRun)
    assert not ran.result.harness, "the candidate's image is to blame, not the grader"
    assert "wrote no report" in ran.result.reason
    assert "exec python3 failed: No such file or directory" in ran.result.reason
