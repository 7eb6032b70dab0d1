"""`grader.stages.probe.listening`: /proc/net/tcp{,6} parsed, and the port mistakes told apart."""

from __future__ import annotations

from grader.core.result import Status
from grader.stages.probe.listening import diagnose, listening_sockets

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
TAIL = " 00000000:00000000 00:00000000 00000000 10001 0 4242 1 0 100 0 0 10 0\n"


def table(*entries: tuple[str, str]) -> str:
    rows = [
        f"   {i}: {local} 00000000:0000 {state}{TAIL}" for i, (local, state) in enumerate(entries)
    ]
    return HEADER + "".join(rows)


def test_listening_sockets_are_read_from_v4_and_v6_tables() -> None:
    text = table(("0100007F:1F40", "0A"), ("00000000:1388", "0A"), ("0100007F:9C40", "01"))
    text += table(("00000000000000000000000001000000:1F41", "0A"))
    assert listening_sockets(text) == [("0.0.0.0", 5000), ("127.0.0.1", 8000), ("::1", 8001)]


def test_loopback_only_on_the_port_is_a_wrong_bind() -> None:
    found = diagnose([("127.0.0.1", 8000)], 8000)
    assert found is not None
    assert found.status is Status.WRONG_BIND
    assert "bind 0.0.0.0:8000" in found.reason


def test_another_port_is_a_wrong_port() -> None:
    found = diagnose([("0.0.0.0", 5000), ("127.0.0.1", 9999)], 8000)
    assert found is not None
    assert found.status is Status.WRONG_PORT
    assert "listens on port 5000, but the task's port is 8000" in found.reason


def test_the_right_socket_or_none_at_all_explains_nothing() -> None:
    assert diagnose([("0.0.0.0", 8000)], 8000) is None
    assert diagnose([("::", 8000), ("127.0.0.1", 8000)], 8000) is None
    assert diagnose([], 8000) is None
