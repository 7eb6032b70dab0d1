"""The hostile corpus: every case contained, bounded, given a telling status, and forgotten.

Each folder of tests/hostile/ is one named submission with an expect.toml (status, a bound
on its grading time, a phrase its message must hold). The corpus is graded as one batch with
an honest submission, on a copy of the example task with tight limits. For every case: the
expected status, a bounded time, a result.json valid against the schema; for the batch: the
honest submission scores what it always does, the machine is still healthy, nothing carrying
the harness's labels remains, and the test's own listeners (on the Docker bridge gateway)
were never contacted: not by outbound connections, not through a redirect.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import tomllib
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker.errors
import jsonschema
import pytest

from grader.core.result import Result, Status
from grader.pipeline import plan_grading
from grader.runs.batch import BatchOutcome, grade_batch
from grader.runs.run_record import read_run_record
from grader.runs.task_files import load_task
from tests.conftest import REPO, SOLUTIONS, copy_tasks, labelled_leftovers, set_runtime

CORPUS = REPO / "tests" / "hostile"
CASES = sorted(path.name for path in CORPUS.iterdir() if (path / "expect.toml").is_file())
INTAKE_CASES = {
    "zip_slip": "points outside the submission",
    "symlink_to_host_file": "points outside the submission",
    "zip_bomb": "too large",
}
SCHEMA = json.loads((REPO / "grader" / "schema" / "result.schema.json").read_text())
CANARY = f"grader-canary-{uuid.uuid4().hex}"
CANARY_TEST = f"test_canary_{uuid.uuid4().hex[:12]}"
RUN_ID = "hostile"


@dataclass
class Listeners:
    """TCP and UDP listeners of this test, on the Docker bridge gateway address only."""

    address: str
    tcp: socket.socket
    udp: socket.socket
    contacts: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.tcp.getsockname()[1])

    def watch(self) -> list[threading.Thread]:
        def accept() -> None:
            while not self.stop.is_set():
                try:
                    connection, peer = self.tcp.accept()
                except OSError:
                    continue
                self.contacts.append(f"tcp from {peer}")
                connection.close()

        def receive() -> None:
            while not self.stop.is_set():
                try:
                    _, peer = self.udp.recvfrom(2048)
                except OSError:
                    continue
                self.contacts.append(f"udp from {peer}")

        threads = [threading.Thread(target=t, daemon=True) for t in (accept, receive)]
        for thread in threads:
            thread.start()
        return threads


def docker0_address() -> str:
    shown = subprocess.run(
        ["ip", "-j", "-4", "addr", "show", "docker0"], capture_output=True, text=True, check=True
    )
    return str(json.loads(shown.stdout)[0]["addr_info"][0]["local"])


@pytest.fixture(scope="module")
def listeners(docker_client: Any) -> Iterator[Listeners]:
    address = docker0_address()
    tcp = socket.socket()
    tcp.bind((address, 0))
    tcp.listen(8)
    tcp.settimeout(0.2)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((address, tcp.getsockname()[1]))
    udp.settimeout(0.2)
    watched = Listeners(address, tcp, udp)
    threads = watched.watch()
    yield watched
    watched.stop.set()
    for thread in threads:
        thread.join(timeout=2)
    tcp.close()
    udp.close()


def make_intake_cases(folder: Path) -> list[Path]:
    slip = folder / "zip_slip.zip"
    with zipfile.ZipFile(slip, "w") as bundle:
        bundle.writestr("app.py", "app = None\n")
        bundle.writestr("../../outside.py", "print('escaped')\n")
    linked = folder / "symlink_to_host_file"
    linked.mkdir()
    (linked / "app.py").write_text("app = None\n")
    (linked / "secrets").symlink_to("/etc/passwd")
    bomb = folder / "zip_bomb.zip"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as bundle,
        bundle.open("zeros", "w") as out,
    ):
        block = b"\0" * (1 << 20)
        for _ in range(300):  # 300 MiB of zeros, a few hundred KiB on disk
            out.write(block)
    collides = folder / "run.json.zip"  # its id must not be the run's own run.json
    with zipfile.ZipFile(collides, "w") as bundle:
        bundle.writestr("Dockerfile", "FROM python:3.11-slim\nRUN exit 3\n")
    return [slip, linked, bomb, collides]


@pytest.fixture(scope="module")
def bystander(docker_client: Any) -> Iterator[str]:
    """An untagged image the grader does not own, as another build's cache layer would be."""
    container = docker_client.containers.create("python:3.11-slim", command=["true"])
    try:
        image = container.commit(changes=[f"LABEL bystander={uuid.uuid4().hex}"])
    finally:
        container.remove(force=True)
    yield str(image.id)
    with contextlib.suppress(docker.errors.NotFound):
        docker_client.images.remove(image.id, force=True)


@pytest.fixture(scope="module")
def batch(
    docker_client: Any,
    listeners: Listeners,
    bystander: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[BatchOutcome, float]:
    scratch = tmp_path_factory.mktemp("hostile")
    location = copy_tasks(scratch)
    set_runtime(location, "notes-api", startup_timeout_s=8, test_timeout_s=4,
                suite_timeout_s=30, build_timeout_s=25, memory_mb=128, pids=64)  # fmt: skip
    # a hidden test that exists on this host while the corpus is graded: it must not travel
    hidden = location.tests_dir / "notes-api" / "hidden" / f"{CANARY_TEST}.py"
    hidden.write_text(
        f'import pytest\n\n\n@pytest.mark.criterion("crud.read")\ndef {CANARY_TEST}():\n'
        f'    assert "{CANARY}"\n'
    )
    set_runtime(location, "notes-api", build_disk_mb=256)
    target = {"hosts": [[listeners.address, listeners.port]],
              "url": f"http://{listeners.address}:{listeners.port}/stolen"}  # fmt: skip
    sources = []
    for case in CASES:
        copy = scratch / "cases" / case
        shutil.copytree(CORPUS / case, copy, ignore=shutil.ignore_patterns("expect.toml"))
        (copy / "target.json").write_text(json.dumps(target))
        (copy / "bystander.txt").write_text(bystander.removeprefix("sha256:"))
        sources.append(str(copy))
    sources += [str(path) for path in make_intake_cases(scratch)]
    sources.append(str(SOLUTIONS / "reference"))
    task = load_task("notes-api", location)
    os.environ["GRADER_TEST_SECRET"] = CANARY  # in the grader's own environment only
    started = time.monotonic()
    try:
        outcome = grade_batch(sources, plan_grading(task), scratch / "results", jobs=2,
                              run_id=RUN_ID, client=docker_client)  # fmt: skip
    finally:
        del os.environ["GRADER_TEST_SECRET"]
    return outcome, time.monotonic() - started


@pytest.fixture(scope="module")
def results(batch: tuple[BatchOutcome, float]) -> dict[str, Result]:
    return {result.submission.id: result for result in batch[0].results}


def expectation(case: str) -> dict[str, Any]:
    return tomllib.loads((CORPUS / case / "expect.toml").read_text())


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) + len(INTAKE_CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_each_case_is_contained_with_its_status(
    case: str, results: dict[str, Result], batch: tuple[BatchOutcome, float]
) -> None:
    expected = expectation(case)
    result = results[case]
    assert result.status.value == expected["status"], result.message
    assert expected.get("message", "") in result.message
    spent = sum(stage.duration_s for stage in result.stages)
    assert spent <= expected["max_wall_s"], f"{spent:.1f} s"
    assert max(len(line) for line in result.message.splitlines()) <= 320, "untrusted text is cut"
    data = json.loads((batch[0].run_dir / result.submission.id / "result.json").read_text())
    jsonschema.validate(data, SCHEMA)
    if result.status is not Status.GRADED:
        assert result.score is not None
        assert result.score.points == 0


@pytest.mark.parametrize(("case", "reason"), sorted(INTAKE_CASES.items()))
def test_hostile_archives_and_links_are_refused(
    case: str, reason: str, results: dict[str, Result]
) -> None:
    result = results[case]
    assert result.status is Status.INVALID_SUBMISSION
    assert reason in result.message


def test_points_earned_before_a_crash_are_kept(results: dict[str, Result]) -> None:
    result = results["crashes_after_some_requests"]
    assert result.score is not None
    assert 0 < result.score.percent < 100, result.score
    assert any(t.outcome.value == "passed" for t in result.tests)


def test_printed_lies_change_nothing(results: dict[str, Result]) -> None:
    result = results["fake_test_summary"]
    assert result.status is Status.GRADED
    passed = [t.id for t in result.tests if t.outcome.value == "passed"]
    # it serves nothing but /health: only the canary test, which asks nothing of it, passes
    assert passed == [f"hidden/{CANARY_TEST}.py::{CANARY_TEST}"]


def test_the_honest_submission_scores_as_always(results: dict[str, Result]) -> None:
    result = results["reference"]
    assert result.status is Status.GRADED, result.message
    assert result.score is not None
    assert result.score.percent == 100.0


def test_no_secret_or_hidden_test_reached_a_container(
    results: dict[str, Result], batch: tuple[BatchOutcome, float]
) -> None:
    log = (batch[0].run_dir / "reads_environment_and_files" / "logs" / "app.log").read_text()
    assert "SNOOPED" in log, "the snooping app ran"
    assert CANARY not in log
    snooped = json.loads(log.split("SNOOPED ", 1)[1].splitlines()[0])
    assert not [f for f in snooped["test_files"] if CANARY_TEST in f or "reference_tests" in f]
    assert any(t.id.endswith(CANARY_TEST) for t in results["reference"].tests), "it was graded"
    assert set(snooped["environ"]) <= {"PATH", "HOSTNAME", "HOME", "PORT", "APP_ENV", "LANG",
                                       "PYTHONDONTWRITEBYTECODE", "PIP_DISABLE_PIP_VERSION_CHECK",
                                       "PIP_ROOT_USER_ACTION", "REQUESTS_CA_BUNDLE", "PIP_CERT",
                                       "GPG_KEY", "PYTHON_VERSION", "PYTHON_SHA256"}  # fmt: skip


def test_the_tests_own_listeners_were_never_contacted(
    results: dict[str, Result], listeners: Listeners, batch: tuple[BatchOutcome, float]
) -> None:
    log = (batch[0].run_dir / "outbound_connections" / "logs" / "app.log").read_text()
    assert "BLOCKED" in log or "SENT" in log, "the outbound app ran"
    time.sleep(1)  # a datagram in flight would have arrived by now
    assert listeners.contacts == []


def test_logs_and_disk_stay_bounded(
    results: dict[str, Result], batch: tuple[BatchOutcome, float]
) -> None:
    log = batch[0].run_dir / "floods_the_log" / "logs" / "app.log"
    assert log.stat().st_size <= 3 << 20
    filled = (batch[0].run_dir / "fills_the_disk" / "logs" / "app.log").read_text()
    assert "stopped writing /tmp/fill" in filled
    assert "stopped writing /app/fill" in filled
    volume = (batch[0].run_dir / "volume_to_escape_read_only" / "logs" / "app.log").read_text()
    assert "stopped writing /data" in volume


def test_the_machine_is_healthy_and_nothing_remains(
    docker_client: Any, batch: tuple[BatchOutcome, float]
) -> None:
    assert docker_client.ping()
    available = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemAvailable:")
    )  # fmt: skip
    assert available > 2 << 20, "at least 2 GiB of memory available (kB)"
    started = time.monotonic()
    subprocess.run(["true"], check=True)
    assert time.monotonic() - started < 2
    assert labelled_leftovers(docker_client, RUN_ID) == {
        "containers": [],
        "networks": [],
        "volumes": [],
        "images": [],
    }
    rules = subprocess.run(["iptables", "-S", "INPUT"], capture_output=True, text=True).stdout
    assert f"grader:{RUN_ID}" not in rules
    rules = subprocess.run(["iptables", "-S", "DOCKER-USER"], capture_output=True, text=True)
    assert f"grader:{RUN_ID}" not in rules.stdout
    assert not list(Path("/sys/fs/cgroup/pids").glob(f"grader-build-{RUN_ID}-*"))


def test_an_image_named_in_a_build_log_is_not_removed(
    docker_client: Any, bystander: str, results: dict[str, Result]
) -> None:
    assert results["fake_layer_ids_in_build_log"].status is Status.BUILD_FAILED
    assert docker_client.images.get(bystander).id == bystander


def test_a_layer_over_the_disk_bound_does_not_stay(
    docker_client: Any, results: dict[str, Result]
) -> None:
    for case, marker in (("huge_layer_in_build", "62914560"),
                         ("layers_over_the_disk_bound", "104857600")):  # fmt: skip
        assert results[case].status is Status.BUILD_FAILED
        made_by_the_case = [
            image.short_id
            for image in docker_client.images.list(all=True)
            if marker in " ".join((image.attrs.get("ContainerConfig") or {}).get("Cmd") or [])
        ]
        assert made_by_the_case == [], case


def test_a_submission_named_like_a_run_file_gets_its_own_folder(
    results: dict[str, Result], batch: tuple[BatchOutcome, float]
) -> None:
    assert results["run-json"].status is Status.BUILD_FAILED
    record = read_run_record(batch[0].run_dir)
    assert "run-json" in [s.id for s in record.submissions]
    assert (batch[0].run_dir / "run-json" / "result.json").is_file()


def test_a_user_named_otherwise_but_root_is_not_trusted(
    results: dict[str, Result], batch: tuple[BatchOutcome, float]
) -> None:
    log = (batch[0].run_dir / "root_by_another_name" / "logs" / "app.log").read_text()
    assert "RUNNING AS UID 10001 GID 10001" in log
