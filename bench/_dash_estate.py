"""The Dashboard bench's estate: many file servers on loopback, each with a real engine.

The lab's estate file is one /24 (at most 254 servers, core/lab/estate_parse.py), so
the bench lays out its own estate of lab file servers over several /24s (layout): each
server a copy of the lab's FS01 (its volumes, shares and services) under its own name
and address, with a certificate from a lab CA (core.lab.certs) and a real engine
(core.engine.service.EngineService) — many engines in one process (_dash_engines.py).

The console's Context here is the lab's wiring reduced to what the Dashboard and
Enable Protection use: engines by name over TLS, inventories by name (the lab's own
inventory of FS01, renamed), lab secrets in memory.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from core.context import Context
from core.errors import NotFound, Refused
from core.model.server import Nic, Server
from core.paths import AppPaths

#: the bench's loopback /24s by default (127.0.105 – 127.0.109); ``--net`` moves them
FIRST_NET = 105
NET_COUNT = 5
PER_NET = 200
PORT = 6320
DOMAIN = "lab.example.com"


def layout(count: int, first: int = FIRST_NET) -> dict[str, str]:
    """``count`` server names → loopback addresses (FS0001 → 127.0.105.1, …), over the
    /24s 127.0.``first`` … 127.0.``first + 4``."""
    if count > PER_NET * NET_COUNT:
        raise ValueError(f"at most {PER_NET * NET_COUNT} servers")
    if not 0 < first <= 255 - NET_COUNT:
        raise ValueError(f"--net {first}: the five /24s must fit in 127.0.1 – 127.0.254")
    return {f"FS{i + 1:04d}": f"127.0.{first + i // PER_NET}.{i % PER_NET + 1}"
            for i in range(count)}


def spec_path(home: Path) -> Path:
    return home / "bench-estate.json"


def write_spec(home: Path, servers: dict[str, str]) -> Path:
    path = spec_path(home)
    path.write_text(json.dumps({"servers": servers, "port": PORT}, indent=1))
    return path


def read_spec(home: Path) -> dict[str, str]:
    return dict(json.loads(spec_path(home).read_text())["servers"])


def paths(home: Path) -> AppPaths:
    return AppPaths(home / "config", home / "state", home / "logs", home / "lab").ensure()


def provision(home: Path, servers: dict[str, str]) -> None:
    """The lab CA, the console's certificate and one per engine; a file on each source."""
    from core.lab import certs
    from core.lab.estate import volume_dir

    lab = paths(home).lab
    certs.provision(SimpleNamespace(domain=DOMAIN, servers=[]), lab)  # type: ignore[arg-type]
    ca = certs.lab_ca(SimpleNamespace(domain=DOMAIN), lab)  # type: ignore[arg-type]
    for name, ip in servers.items():
        certs.provision_engine(ca, lab, SimpleNamespace(name=name, ips=(ip,)), DOMAIN)  # type: ignore[arg-type]
        for letter in ("C", "E"):
            volume_dir(lab, name, letter).mkdir(parents=True, exist_ok=True)
        data = volume_dir(lab, name, "E") / "Shares" / "Data"
        data.mkdir(parents=True, exist_ok=True)
        (data / "readme.txt").write_text(f"{name}'s data\n")
        (volume_dir(lab, name, "E") / "Shares" / "Users").mkdir(exist_ok=True)


def template() -> Server:
    """The lab's file server FS01 as the console inventories it."""
    from core.lab.estate import load_estate

    estate = load_estate()
    return estate.as_server(estate.server("FS01"))


class BenchHost:
    """Host control of a bench server: its inventory only (nothing else is asked)."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def inventory(self) -> Server:
        return self.server

    def __getattr__(self, name: str) -> Any:
        def refused(*_a: Any, **_k: Any) -> Any:
            raise Refused(f"the bench's host control does not do {name}")

        return refused


def context(home: Path, servers: dict[str, str], timeout: float = 5.0) -> Context:
    from core.engine.client import EngineClient
    from core.lab.certs import console_identity
    from core.lab.secrets import LabSecrets
    from core.settings import load_settings

    p = paths(home)
    settings = load_settings(p.config / "settings.json")
    identity = console_identity(p.lab)
    base = template()

    def resolve(name: str) -> str:
        short = name.split(".")[0].upper()
        if short not in servers:
            raise NotFound(f"there is no server named {name} in the bench estate")
        return servers[short]

    def inventory(name: str) -> Server:
        ip = resolve(name)
        short = name.split(".")[0].upper()
        return replace(base, name=short, fqdn=f"{short.lower()}.{DOMAIN}", ips=(ip,),
                       nics=(Nic("Local Area Connection", (ip,)),))

    def host(name: str) -> Any:
        return BenchHost(inventory(name))

    def engine(name: str) -> Any:
        return EngineClient(resolve(name), PORT, identity, timeout)

    def dns(*_a: Any) -> Any:
        raise Refused("the bench has no DNS server")

    def no_directory(*_a: Any, **_k: Any) -> Any:
        raise Refused("the bench has no directory")  # neither Dashboard nor Enable asks it

    return Context(paths=p, secrets=LabSecrets(), directory=no_directory,
                   host=host, engine=engine, dns=dns, resolve=resolve, domain=DOMAIN,
                   settings=settings, lab=True, timeout=timeout)
