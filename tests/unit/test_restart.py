"""Where a restarted container answers: `grader.sandbox.restart.moved_away` (no Docker needed)."""

from __future__ import annotations

from urllib.parse import urlsplit

from grader.sandbox.restart import moved_away

ON_A_NETWORK = {"Networks": {"grader-run": {"IPAddress": "172.30.0.2"}}, "Ports": {}}
PUBLISHED = {
    "Networks": {"bridge": {"IPAddress": "172.17.0.5"}},
    "Ports": {"8000/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18000"}], "9000/tcp": None},
}


def test_under_the_grader_the_app_answers_at_its_own_address() -> None:
    assert moved_away(ON_A_NETWORK, urlsplit("http://172.30.0.2:8000")) == ""


def test_a_new_address_is_reported() -> None:
    problem = moved_away(ON_A_NETWORK, urlsplit("http://172.30.0.9:8000"))
    assert problem == "after the restart the app is at ['172.30.0.2'], not 172.30.0.9"


def test_on_the_loopback_the_published_host_port_counts() -> None:
    assert moved_away(PUBLISHED, urlsplit("http://127.0.0.1:18000")) == ""
    assert moved_away(PUBLISHED, urlsplit("http://localhost:18000")) == ""


def test_a_port_no_longer_published_is_reported() -> None:
    problem = moved_away(PUBLISHED, urlsplit("http://127.0.0.1:8000"))
    assert problem == "after the restart the app publishes host ports [18000], not 8000"


def test_a_container_without_ports_publishes_none() -> None:
    problem = moved_away({"Networks": {}, "Ports": None}, urlsplit("http://127.0.0.1:8000"))
    assert problem == "after the restart the app publishes host ports [], not 8000"
