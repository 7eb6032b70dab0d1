"""`host_firewall`: which rules are a run's, and which name servers a build network may ask."""

from __future__ import annotations

from pathlib import Path

from grader.sandbox.firewall import host_name_servers, is_ours


def test_a_run_owns_only_rules_that_name_it_exactly() -> None:
    assert is_ours("grader:X", "X")
    assert not is_ours("grader:X1", "X"), "cleaning run X must leave run X1's rules"
    assert not is_ours("grader:X-2", "X")
    assert not is_ours("other:X", "X")


def test_every_rule_of_the_harness_is_its_own_when_no_run_is_named() -> None:
    assert is_ours("grader:X1", None)
    assert not is_ours("docker", None)


def test_name_servers_are_the_ipv4_non_loopback_ones(tmp_path: Path) -> None:
    conf = tmp_path / "resolv.conf"
    conf.write_text(
        "# comment\nnameserver 10.255.255.53\nnameserver 127.0.0.53\n"
        "nameserver ::1\nnameserver not-an-address\nsearch example\nnameserver 192.0.2.9\n"
    )

    assert host_name_servers(str(conf)) == ["10.255.255.53", "192.0.2.9"]
    assert host_name_servers(str(tmp_path / "missing")) == []
