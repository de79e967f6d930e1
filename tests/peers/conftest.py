"""Peer tests: appmgr's adapters against a real Samba AD DC and a real BIND9.

``scripts/peers.sh`` starts both servers fresh in a private network namespace
and runs this directory with ``PEERS_LAB`` set; without it every test here is
skipped with that hint. The helpers below ask the servers with tools nobody
here wrote (``ldapsearch``, ``dig``): a test proves what the server holds
afterwards, not what appmgr believes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.ports import Credential

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ROOT / "tests" / "peers" / "servers"
LAB_ENV = os.environ.get("PEERS_LAB", "")
DOMAIN = "lab.example.com"
DC_NAME = "dc1.lab.example.com"
ADMIN_UPN = "Administrator@lab.example.com"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.peers)
            # ldap3 2.9.1 still calls ssl.match_hostname and pyasn1's old names
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning"))
            if not LAB_ENV:
                item.add_marker(pytest.mark.skip(
                    reason="peer tests need real servers: run scripts/peers.sh (root)"))


@dataclass(frozen=True)
class Peers:
    lab: Path
    samba_ip: str
    bind_ip: str
    password: str
    count: int

    @property
    def ca(self) -> str:
        """The CA certificate Samba generated at provision (what signs the DC's cert)."""
        return str(self.lab / "samba" / "private" / "tls" / "ca.pem")

    @property
    def admin(self) -> Credential:
        return Credential(ADMIN_UPN, self.password)

    @property
    def ccache(self) -> str:
        """The ticket cache ``kinit Administrator`` filled at start."""
        return f"FILE:{self.lab / 'krb5cc_admin'}"

    def key_file(self, name: str) -> Path:
        return self.lab / "bind" / f"{name}.key"

    # --- independent witnesses ---------------------------------------------------------
    def ldapsearch(self, base: str, flt: str, *attrs: str, scope: str = "sub",
                   paged: bool = True) -> dict[str, dict[str, list[str]]]:
        """``ldapsearch`` (OpenLDAP's client) over LDAPS: DN -> attribute -> values."""
        pw = self.lab / "ldap.pw"
        pw.write_text(self.password)
        pw.chmod(0o600)
        cmd = ["ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-H", f"ldaps://{DC_NAME}",
               "-D", ADMIN_UPN, "-y", str(pw), "-b", base, "-s", scope]
        if paged:
            cmd += ["-E", "pr=1000/noprompt"]
        out = subprocess.run([*cmd, flt, *attrs], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "LDAPTLS_CACERT": self.ca}, check=True).stdout
        return parse_ldif(out)

    def dig(self, name: str, rdtype: str = "A", server: str | None = None) -> list[str]:
        """``dig +short`` against a server (BIND by default): the values, sorted."""
        out = subprocess.run(["dig", "+short", "+norecurse", "+time=2", "+tries=1",
                              f"@{server or self.bind_ip}", name, rdtype],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        return sorted(line.strip() for line in out.splitlines() if line.strip())

    def ttl(self, name: str, rdtype: str, server: str | None = None) -> int:
        out = subprocess.run(["dig", "+noall", "+answer", "+norecurse", f"@{server or self.bind_ip}",
                              name, rdtype], capture_output=True, text=True, timeout=10,
                             check=True).stdout
        return int(out.split()[1])

    def axfr(self, zone: str) -> list[str]:
        """The whole BIND zone (transfer signed with failover-key), sorted, SOA included."""
        out = subprocess.run(["dig", "+noall", "+answer", "-k", str(self.key_file("failover")),
                              f"@{self.bind_ip}", zone, "AXFR"],
                             capture_output=True, text=True, timeout=10, check=True).stdout
        return sorted({" ".join(line.split()) for line in out.splitlines() if line.strip()})


def parse_ldif(text: str) -> dict[str, dict[str, list[str]]]:
    entries: dict[str, dict[str, list[str]]] = {}
    for block in text.strip().split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith("#")]
        if not lines or not lines[0].startswith("dn:"):
            continue  # referrals ("ref:") and comments
        attrs: dict[str, list[str]] = {}
        for ln in lines[1:]:
            name, _, value = ln.partition(":")
            attrs.setdefault(name.lower(), []).append(value.lstrip(": ").strip())
        entries[lines[0][3:].strip()] = attrs
    return entries


@pytest.fixture(scope="session")
def peers() -> Peers:
    return Peers(Path(LAB_ENV), os.environ.get("SAMBA_IP", "127.0.10.1"),
                 os.environ.get("BIND_IP", "127.0.10.2"),
                 os.environ.get("ADMIN_PASS", "Passw0rd!Lab"),
                 int(os.environ.get("PEERS_COUNT", "2000")))


@pytest.fixture
def fresh_bind(peers: Peers) -> Iterator[Peers]:
    """BIND restarted with the zones of bind.sh (keys kept): every test starts from them."""
    subprocess.run([str(SERVERS / "bind.sh"), "restart"], check=True, capture_output=True,
                   timeout=30, env={**os.environ, "LAB": str(peers.lab)})
    yield peers


@pytest.fixture
def ticket(peers: Peers, monkeypatch: pytest.MonkeyPatch) -> str:
    """The administrator's Kerberos ticket cache (from kinit at start) for this test."""
    monkeypatch.setenv("KRB5CCNAME", peers.ccache)
    return peers.ccache


@pytest.fixture
def no_ticket(peers: Peers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{peers.lab / 'no-such-ccache'}")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
