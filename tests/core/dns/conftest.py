"""A lab DNS server on 127.0.42.1 (a free port) and a DnspythonDns client with the lab key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.dns.adapter import DnspythonDns
from core.dns.tsig_key import TsigKey
from core.lab.dns_server import LabDnsServer
from core.lab.dns_thread import DnsServerThread
from core.lab.estate import Estate, load_estate

LAB_IP = "127.0.42.1"
READER = TsigKey("reader-key.", "hmac-sha256", "cmVhZGVyLWtleS1zZWNyZXQtZm9yLXRlc3Rz")


@pytest.fixture
def estate() -> Estate:
    return load_estate(net="127.0.42")


@pytest.fixture
def lab_key(estate: Estate) -> TsigKey:
    return TsigKey(estate.tsig_key_name, estate.tsig_algorithm, estate.tsig_secret)


@pytest.fixture
def reader_key() -> TsigKey:
    """A key the lab server knows but that may not update any zone."""
    return READER


@pytest.fixture
def lab_dns(estate: Estate, tmp_path: Path) -> Iterator[LabDnsServer]:
    server = LabDnsServer(estate, tmp_path / "dns", LAB_IP, 0, extra_keys=[READER])
    with DnsServerThread(server) as srv:
        yield srv


@pytest.fixture
def client(lab_dns: LabDnsServer, lab_key: TsigKey) -> DnspythonDns:
    return DnspythonDns(LAB_IP, lab_dns.port, lab_key, timeout=2.0)
