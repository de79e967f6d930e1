"""``appmgr dfo``'s arguments (issues 11 and 14): refused as usage, never a traceback or
a misleading answer; ``--server`` takes a host name, resolved within the timeout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.dns.resolve import server_address
from core.errors import InvalidInput, Unreachable
from core.lab.dns_server import LabDnsServer
from core.lab.dns_thread import DnsServerThread
from core.lab.estate import Estate
from tui.cli import dfo_cmd

BASE = ["--zone", "lab.example.com", "--source", "fs01", "--target-ip", "127.0.42.99"]


def dfo(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = dfo_cmd.main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


@pytest.mark.parametrize("timeout", ["-1", "0", "nan", "inf", "-inf", "1e999", "٥", "x"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], timeout: str) -> None:
    code, text = dfo(capsys, "--server", "127.0.72.1", *BASE, f"--timeout={timeout}")
    assert code == 2
    assert "--timeout" in text and "number of seconds" in text


@pytest.mark.parametrize("ttl", ["٥", "-1", "2147483648", "9" * 5000])
def test_a_ttl_takes_ascii_digits_in_range(capsys: pytest.CaptureFixture[str], ttl: str) -> None:
    code, text = dfo(capsys, "--server", "127.0.72.1", *BASE, f"--ttl={ttl}")
    assert code == 2 and "--ttl" in text and len(text) < 2000


@pytest.mark.parametrize("server", ["256.1.1.1", "1.2.3", "10.0.0.1:0", "10.0.0.1:99999",
                                    "bad_name!", "a" * 300])
def test_a_server_that_is_neither_address_nor_name_is_refused_before_anything_is_sent(
        capsys: pytest.CaptureFixture[str], server: str) -> None:
    code, text = dfo(capsys, "--server", server, *BASE)
    assert code == 2
    assert "appmgr dfo: server:" in text
    assert "cannot be read" not in text


def test_an_unresolvable_name_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = dfo(capsys, "--server", "no-such-host.invalid", *BASE, "--timeout", "2")
    assert code == 3
    assert "cannot resolve no-such-host.invalid" in text


def test_a_binary_key_file_is_refused_with_a_sentence(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    key = tmp_path / "key.bin"
    key.write_bytes(bytes(range(256)) * 4)
    code, text = dfo(capsys, "--server", "127.0.72.1", *BASE, "--tsig-key", str(key))
    assert code == 2
    assert "is not a BIND key file" in text


def test_server_address_takes_addresses_and_names() -> None:
    assert server_address(" 127.0.72.1 ", 1) == "127.0.72.1"
    assert server_address("[::1]", 1) == "::1"
    assert server_address("localhost", 2) in {"127.0.0.1", "::1"}
    with pytest.raises(InvalidInput, match="not an IP address"):
        server_address("256.1.1.1", 1)
    with pytest.raises(Unreachable, match="cannot resolve"):
        server_address("no-such-host.invalid", 2)


@pytest.fixture
def dns_on_localhost(estate: Estate, tmp_path: Path) -> Iterator[LabDnsServer]:
    server = LabDnsServer(estate, tmp_path / "dns", "127.0.0.1", 0)
    with DnsServerThread(server) as srv:
        yield srv


def test_dfo_fails_over_through_a_server_given_by_name(
        dns_on_localhost: LabDnsServer, estate: Estate, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path / "home"))
    key = tmp_path / "lab.key"
    key.write_text(f'key "{estate.tsig_key_name.rstrip(".")}" {{\n'
                   f"\talgorithm {estate.tsig_algorithm};\n\tsecret \"{estate.tsig_secret}\";\n}};\n")
    code, text = dfo(capsys, "--server", f"localhost:{dns_on_localhost.port}", *BASE,
                     "--target", "fs02", "--tsig-key", str(key), "--json")
    assert code == 0, text
    steps = json.loads(text)
    assert steps and all(s["status"] != "failed" for s in steps)
