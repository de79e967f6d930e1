"""The real estate's Context: which adapter each factory builds (nothing is contacted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.context import Context
from core.dns.adapter import DnspythonDns
from core.dns.gss_tsig import GssTsigDns
from core.engine.client import EngineClient
from core.errors import NotFound
from core.paths import AppPaths
from core.ports import Credential
from core.settings import Settings
from core.wiring import real_context


@pytest.fixture()
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "core.credentials.memory.MemoryKeyring")
    return AppPaths(tmp_path / "c", tmp_path / "s", tmp_path / "l", tmp_path / "lab").ensure()


def test_dns_updates_use_gss_tsig_unless_altdns(paths: AppPaths) -> None:
    cred = Credential("dnsadmin@corp.example.com", "pw")
    ctx = real_context(paths, Settings(), "corp.example.com")
    assert isinstance(ctx.dns("127.0.0.1", cred), GssTsigDns)
    assert type(ctx.dns("127.0.0.1:5353", None)) is DnspythonDns
    alt = real_context(paths, Settings(), "corp.example.com",
                       alt_dns=True)
    d = alt.dns("127.0.0.1", Credential("failover-key.", "c2VjcmV0"))
    assert type(d) is DnspythonDns and d.signed


def test_engines_are_reached_as_the_estates_console_not_with_a_password(
        paths: AppPaths) -> None:
    """The engine client's identity is the console's certificate (keyring), made on
    first use; no server password is needed or sent (TLS, issue 9)."""
    ctx = real_context(paths, Settings(), "corp.example.com")
    eng = ctx.engine("127.0.0.9")
    assert isinstance(eng, EngineClient)
    assert (eng.host, eng.port) == ("127.0.0.9", 6320)
    assert ctx.secrets.get("server", "127.0.0.9") is None
    blob = ctx.secrets.get("tls", "console:corp.example.com")
    assert blob is not None and "PRIVATE KEY" not in repr(eng) + repr(blob)


def test_an_address_once_learned_wins_over_dns(tmp_path: Path) -> None:
    from core.context_parts import AddressBook

    book = AddressBook(tmp_path / "addresses.json")
    book.remember("FS01.corp.example.com", "10.0.0.11")
    # a DNS failover later points fs01 at the target; a new process still reaches FS01
    again = AddressBook(tmp_path / "addresses.json")
    assert again.get("fs01.CORP.example.com") == "10.0.0.11"
    again.forget("fs01.corp.example.com")
    assert AddressBook(tmp_path / "addresses.json").get("fs01.corp.example.com") is None


def test_lookup_says_what_dns_says_now(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.wiring

    dns_now = {"fs01.corp.example.com": "10.0.0.99"}

    def getaddrinfo(name: str, *_args: object) -> list:
        name = name.lower()  # DNS names are case-insensitive
        if name not in dns_now:
            raise OSError(-2, "Name or service not known")
        return [(2, 1, 6, "", (dns_now[name], 0))]

    monkeypatch.setattr(core.wiring.socket, "getaddrinfo", getaddrinfo)
    (paths.state / "addresses.json").parent.mkdir(parents=True, exist_ok=True)
    (paths.state / "addresses.json").write_text('{"fs01.corp.example.com": "10.0.0.11"}')
    ctx = real_context(paths, Settings(), "corp.example.com")
    assert ctx.resolve("FS01") == "10.0.0.11"  # reaching FS01 itself: the remembered address
    assert ctx.lookup is not None and ctx.lookup("FS01") == "10.0.0.99"  # listings: DNS now
    with pytest.raises(NotFound, match="cannot be resolved"):
        ctx.lookup("gone01")


def _real(paths: AppPaths, domain: str, asked: list[str], **kw: Any) -> Context:
    def lookup(name: str) -> str:
        asked.append(name)
        return "10.0.0.11"

    return real_context(paths, Settings(), domain, lookup=lookup, **kw)


def test_a_short_name_resolves_by_its_stored_dns_name_never_with_a_bare_dot(
        paths: AppPaths) -> None:
    from core.server_lists import ServerLists

    asked: list[str] = []
    _real(paths, "", asked).resolve("FS01")  # no domain, nothing stored: the bare name
    _real(paths, "corp.example.com", asked).resolve("FS02")
    ServerLists(paths.config / "server_lists.json").add("fileprint", "fs03.branch.example.com")
    _real(paths, "", asked).resolve("FS03")  # the stored DNS name wins, domain or not
    _real(paths, "corp.example.com", asked).resolve("fs04.")
    assert asked == ["FS01", "FS02.corp.example.com", "fs03.branch.example.com",
                     "fs04.corp.example.com"]


def test_a_server_typed_by_address_is_reached_there_under_its_name(paths: AppPaths) -> None:
    from core.server_lists import ServerLists

    asked: list[str] = []
    ctx = _real(paths, "corp.example.com", asked,
                reverse_lookup=lambda ip, _t: "FS05.corp.example.com" if ip == "10.0.0.5" else None)
    assert ctx.reverse is not None and ctx.reverse("10.0.0.9") is None
    assert ctx.reverse("10.0.0.5") == "fs05.corp.example.com"
    ServerLists(paths.config / "server_lists.json").add("fileprint", "fs05.corp.example.com")
    assert ctx.resolve("FS05") == "10.0.0.5" and asked == []  # the address typed, not DNS


def test_a_dns_that_does_not_answer_is_unreachable_not_a_missing_name(paths: AppPaths) -> None:
    import socket

    from core.errors import NotFound, Unreachable

    def lookup(error: int):  # noqa: ANN202
        def fail(name: str) -> str:
            raise socket.gaierror(error, "resolver says no")
        return fail

    ctx = real_context(paths, Settings(), "corp.example.com",
                       lookup=lookup(socket.EAI_AGAIN))
    with pytest.raises(Unreachable, match="no DNS server answered"):
        ctx.resolve("FS01")
    ctx = real_context(paths, Settings(), "corp.example.com",
                       lookup=lookup(socket.EAI_NONAME))
    with pytest.raises(NotFound, match="FS01.corp.example.com cannot be resolved"):
        ctx.resolve("FS01")
