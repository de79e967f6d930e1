"""Wrong credentials against BIND9: each a specific, readable error, and the zone unchanged.

BIND knows ``failover-key`` (may update both zones) and ``other-key`` (valid, but not in
``allow-update``). The zones are compared whole (a signed AXFR) before and after, SOA
serial included: a refused update and the DNS "Test" change nothing at all.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from core.dns.adapter import DnspythonDns
from core.dns.dfo_log import DfoLog
from core.dns.failover_run import FAILED, NOT_RUN, run_failover
from core.dns.tsig_key import TsigKey, load_key_file
from core.errors import AppmgrError, AuthFailed, Refused
from tests.peers.conftest import Peers

ZONE, REV = "lab.example.com", "10.0.127.in-addr.arpa"
APP01, APP02 = "app01.lab.example.com", "app02.lab.example.com"
MAP = {"127.0.10.50": "127.0.10.60", "127.0.10.51": "127.0.10.61"}


def key(peers: Peers, which: str) -> TsigKey | None:
    right = load_key_file(peers.key_file("failover"))
    if which == "right":
        return right
    if which == "unsigned":
        return None
    if which == "unknown":  # a name BIND has never heard of
        return TsigKey("nobody-key.", right.algorithm, right.secret)
    if which == "wrong-secret":
        return TsigKey(right.name, right.algorithm, base64.b64encode(b"\x01" * 32).decode())
    return load_key_file(peers.key_file("other"))  # "not-allowed"


WRONG = [
    ("unsigned", Refused, "unsigned updates are not allowed"),
    ("unknown", AuthFailed, "does not know the TSIG key 'nobody-key.' (BADKEY)"),
    ("wrong-secret", AuthFailed, "the key's secret or algorithm is wrong (BADSIG)"),
    ("not-allowed", Refused, "the key may not update this zone"),
]


@pytest.mark.parametrize(("which", "error", "words"), WRONG)
def test_failover_with_wrong_credentials_fails_readably_and_changes_nothing(
        fresh_bind: Peers, tmp_path: Path, which: str, error: type[AppmgrError], words: str) -> None:
    p = fresh_bind
    before = {z: p.axfr(z) for z in (ZONE, REV)}
    dns = DnspythonDns(p.bind_ip, key=key(p, which))
    results = run_failover(dns, APP01, APP02, MAP, tmp_path / "s.json", DfoLog(tmp_path, "APP01"))
    assert [r.status for r in results] == [FAILED, NOT_RUN]
    assert words in results[0].message
    assert results[0].exit_code == error.exit_code
    if which == "wrong-secret":
        assert key(p, "right").secret not in results[0].message  # type: ignore[union-attr]
    assert {z: p.axfr(z) for z in (ZONE, REV)} == before
    # the adapter raises the typed error itself, too
    with pytest.raises(error):
        dns.probe_update(ZONE)


def test_dns_test_passes_with_the_right_key_and_changes_nothing(fresh_bind: Peers) -> None:
    p = fresh_bind
    before = {z: p.axfr(z) for z in (ZONE, REV)}
    dns = DnspythonDns(p.bind_ip, key=key(p, "right"))
    dns.probe_update(ZONE)
    dns.probe_update(REV)
    assert {z: p.axfr(z) for z in (ZONE, REV)} == before  # not even the SOA serial moved


@pytest.mark.parametrize(("which", "error", "words"), WRONG)
def test_dns_test_fails_with_each_wrong_key_and_changes_nothing(
        fresh_bind: Peers, which: str, error: type[AppmgrError], words: str) -> None:
    p = fresh_bind
    before = p.axfr(ZONE)
    with pytest.raises(error) as err:
        DnspythonDns(p.bind_ip, key=key(p, which)).probe_update(ZONE)
    assert words in str(err.value)
    assert p.axfr(ZONE) == before


def test_a_server_that_is_down_is_unreachable(peers: Peers, tmp_path: Path) -> None:
    dns = DnspythonDns("127.0.10.9", key=key(peers, "right"), timeout=1)
    results = run_failover(dns, APP01, APP02, MAP, tmp_path / "s.json", DfoLog(tmp_path, "APP01"))
    assert results[0].status == FAILED and results[0].exit_code == 3
    assert "did not answer within 1 s" in results[0].message
