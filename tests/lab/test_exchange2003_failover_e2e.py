"""Issue 10's acceptance for Exchange 2003 (net 127.0.82): the standalone pair EX03A →
EX03B of tests/lab/estates/exchange2003.toml (Windows Server 2003, the storage
groups alike), with the targeted domain controller set (an Exchange 2003 option), runs
the same failover → failback → restore as Exchange 2007 and proves the same effects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.lab.estate import load_estate
from tests.lab.conftest import Lab
from tests.lab.test_exchange_failover_e2e import fail_over_and_back

NET = "127.0.82"
ESTATE = Path(__file__).parent / "estates" / "exchange2003.toml"


@pytest.fixture(scope="module")
def lab2003(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    lab = Lab(tmp_path_factory.mktemp("appmgr-home"), NET)
    lab.run("lab", "up", "--detach", "--net", NET, "--estate", str(ESTATE))
    try:
        yield lab
    finally:
        lab.run("lab", "down", check=False)


def test_exchange_2003_failover_failback_restore_through_a_targeted_dc(lab2003: Lab) -> None:
    fail_over_and_back(lab2003, load_estate(ESTATE, net=NET), "EX03A", "EX03B",
                       "First Storage Group", "Mailbox Store",
                       "E:\\Exchsrvr\\mdbdata\\priv1.edb", "advanced.targeted_dc=DC01")
    log = lab2003.run("--lab", "log", "exchange", "EX03A").stdout
    assert "Exchange failover EX03A -> EX03B started on DC01" in log
