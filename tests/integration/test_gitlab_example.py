"""The kit's GitLab CI job (`grader/runs/gitlab-ci.yml`), run as a GitLab runner runs it
beside a `docker:dind` service.

The job runs in a network namespace of its own, joined to this host by one link: it reaches
the engine only at that engine's host address, under the service's alias `docker` (from the
namespace's /etc/hosts), and has no route to the engine's containers, as a job container has
none to the containers of a dind service. The engine is a dockerd of the test's own listening
on `docker:2375`. The job's variables and script lines are the example's, run in a candidate's
repository made of the notes-api kit and the task's reference solution.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import docker
from tests.conftest import REPO, SOLUTIONS, _unavailable
from tests.own_dockerd import OwnEngine, own_dockerd

EXAMPLE = REPO / "grader" / "runs" / "gitlab-ci.yml"
NAMESPACE = "grader-gl-job"
LINK_HOST, LINK_JOB = "grgl-host", "grgl-job"  # the two ends of the job's one link
HOST_ADDRESS, JOB_ADDRESS = "10.216.0.1", "10.216.0.2"
ENGINE_POOL, ENGINE_BRIDGE = "10.218.0.0/16", "grader-test-br3"
NOTHING = {"containers": [], "networks": [], "volumes": []}


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def dind(docker_client: Any) -> Iterator[OwnEngine]:
    if shutil.which("dockerd") is None or shutil.which("ip") is None or os.geteuid() != 0:
        _unavailable("a dind-like engine needs root, dockerd and ip")
    etc = Path("/etc/netns") / NAMESPACE
    try:
        ip("netns", "add", NAMESPACE)
        ip("link", "add", LINK_HOST, "type", "veth", "peer", "name", LINK_JOB)
        ip("link", "set", LINK_JOB, "netns", NAMESPACE)
        ip("addr", "add", f"{HOST_ADDRESS}/30", "dev", LINK_HOST)
        ip("link", "set", LINK_HOST, "up")
        inside = ["netns", "exec", NAMESPACE, "ip"]
        ip(*inside, "addr", "add", f"{JOB_ADDRESS}/30", "dev", LINK_JOB)
        ip(*inside, "link", "set", LINK_JOB, "up")
        ip(*inside, "link", "set", "lo", "up")
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "hosts").write_text(f"127.0.0.1 localhost\n{HOST_ADDRESS} docker\n")
        with own_dockerd(
            docker_client, ENGINE_BRIDGE, "10.219.0.1/24", ENGINE_POOL, tcp=f"{HOST_ADDRESS}:2375"
        ) as engine:
            yield engine
    finally:
        subprocess.run(["ip", "link", "delete", LINK_HOST], check=False, capture_output=True)
        subprocess.run(["ip", "netns", "delete", NAMESPACE], check=False, capture_output=True)
        shutil.rmtree(etc, ignore_errors=True)


def candidate_repository(tmp_path: Path) -> Path:
    """The kit, as a candidate gets it, with the reference solution as their code."""
    repository = tmp_path / "repository"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "tasks", "export-kit", "notes-api", str(repository)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.copytree(SOLUTIONS / "reference", repository, dirs_exist_ok=True)
    return repository


def job_environment(variables: dict[str, str]) -> dict[str, str]:
    """The job's variables over this environment, with the grader installed next to this
    interpreter first on PATH (the job's own `pip install` puts it there)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKER_", "GRADER_"))}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return {**env, **{name: str(value) for name, value in variables.items()}}


def in_job(line: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ip", "netns", "exec", NAMESPACE, "bash", "-euo", "pipefail", "-c", line],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def test_the_example_is_a_dind_job_that_reports_junit() -> None:
    job = yaml.safe_load(EXAMPLE.read_text())["grader-check"]
    assert job["image"] == "python:3.11-slim"
    assert {"name": "docker:dind", "alias": "docker"} in job["services"]
    assert job["variables"]["DOCKER_HOST"] == "tcp://docker:2375"
    assert job["artifacts"]["reports"]["junit"] == ".grader/results/*/junit.xml"
    assert not any("ci/check.sh" in line or "git+" in line for line in job["script"]), (
        "the example needs nothing of the grader's repository and no git"
    )


def test_the_example_job_checks_the_repository_on_a_dind_engine(
    docker_client: Any, dind: OwnEngine, tmp_path: Path
) -> None:
    repository = candidate_repository(tmp_path)
    kit_job = repository / "grader-kit" / "ci" / "gitlab-ci.yml"
    assert kit_job.read_text() == EXAMPLE.read_text(), "the kit carries the job"
    job = yaml.safe_load(kit_job.read_text())["grader-check"]
    install, check = job["script"]
    env = job_environment(job["variables"])

    unreachable = in_job("ip route get 10.218.0.2", repository, env)
    assert unreachable.returncode != 0, "the job must have no route to the engine's containers"
    # the install line names the kit's one wheel; it installs here without an index (its
    # dependencies come from PyPI in a real job and are the ones this interpreter has)
    target = tmp_path / "installed"
    installed = in_job(f"{install} --no-deps --no-index --target {target}", repository, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (target / "grader" / "__main__.py").is_file()

    done = in_job(check, repository, env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "100.0 %" in output
    reports = glob.glob(str(repository / job["artifacts"]["reports"]["junit"]))
    assert len(reports) == 1, output
    run_dir = Path(reports[0]).parent
    result = json.loads(next(run_dir.glob("*/result.json")).read_text())
    assert (result["status"], result["score"]["percent"]) == ("graded", 100.0)
    run_stage = next(stage for stage in result["stages"] if stage["name"] == "run")
    assert run_stage["detail"].startswith("http://docker:"), "reached at a published port"

    engine = docker.DockerClient(base_url=dind.socket_host, timeout=60)
    try:
        left = {
            "containers": [c.name for c in engine.containers.list(all=True)],
            "networks": [n.name for n in engine.networks.list(filters={"type": "custom"})],
            "volumes": [v.name for v in engine.volumes.list()],
        }
    finally:
        engine.close()
    assert left == NOTHING


def test_without_leave_to_reach_the_engines_host_the_check_is_refused(
    docker_client: Any, dind: OwnEngine, tmp_path: Path
) -> None:
    job = yaml.safe_load(EXAMPLE.read_text())["grader-check"]
    variables = {k: v for k, v in job["variables"].items() if k != "GRADER_ALLOW_HOST_ACCESS"}
    repository = candidate_repository(tmp_path)
    done = in_job(job["script"][1], repository, job_environment(variables))
    output = done.stdout + done.stderr
    assert done.returncode == 4, output
    assert "the engine runs on another host (docker)" in output


def test_a_task_with_a_data_dir_restarts_and_own_tests_is_checked_the_same_on_dind(
    docker_client: Any, dind: OwnEngine, tmp_path: Path
) -> None:
    """library-api: its data_dir is a volume of that engine's, its persistence checks restart
    the app behind the relay, and the candidate's own tests run from a volume there."""
    job = yaml.safe_load(EXAMPLE.read_text())["grader-check"]
    reference = REPO / "tasks" / "library-api" / "solutions" / "reference"
    line = f"grader check {reference} --task library-api --out {tmp_path / 'results'}"
    done = in_job(line, tmp_path, job_environment(job["variables"]))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    result = json.loads(next((tmp_path / "results").glob("*/*/result.json")).read_text())
    assert (result["status"], result["score"]["percent"]) == ("graded", 100.0), output
    tests = {t["id"]: t for t in result["tests"]}
    persistence = [t for name, t in tests.items() if "persistence" in name]
    assert persistence, "the public persistence check ran"
    assert all(t["outcome"] == "passed" for t in persistence)
    assert tests["engineering::own_tests"]["outcome"] == "passed"
