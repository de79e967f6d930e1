"""Wiring the console to a running lab: the Context of ``appmgr --lab``.

The adapters are the real ones (ldap3 — on the mock strategy, dnspython,
pywinrm, the engine client); only the servers behind them are the lab's.
Each factory imports its adapter when first used, so a command that needs
only the engines (``status``) never pays for pywinrm, ldap3 or dnspython.
"""

from __future__ import annotations

from pathlib import Path

from core.context import Context
from core.context_parts import cached_credential, split_address
from core.dns.names import is_ip
from core.domains import DomainConnection
from core.errors import NotFound, Unreachable
from core.lab.estate import Estate, load_estate
from core.lab.runtime import LabRuntime, read_runtime
from core.lab.secrets import lab_store
from core.paths import AppPaths
from core.ports import Credential, Directory, Dns, Engine, HostControl
from core.settings import Settings


def running_lab(paths: AppPaths) -> tuple[LabRuntime, Estate]:
    rt = read_runtime(paths.lab)
    if rt is None:
        raise Unreachable("the lab is not running (start it with `appmgr lab up --detach`)")
    estate = load_estate(Path(rt.estate) if rt.estate else None, net=rt.net)
    return rt, estate


def lab_context(paths: AppPaths, settings: Settings, timeout: float = 5.0) -> Context:
    """A Context whose adapters talk to the lab recorded in ``<lab>/runtime.json``."""
    rt, estate = running_lab(paths)
    secrets = lab_store(estate)
    service_port = settings.service_port

    def resolve(name: str) -> str:
        # A lab server's own address comes from the lab, not from DNS: after a
        # DNS failover the source's name answers with the target's IP.
        if is_ip(name):
            return name
        short = name.split(".")[0].upper()
        if short in rt.servers:
            return rt.servers[short]["ip"]
        raise NotFound(f"there is no server named {name} in the lab domain {estate.domain}")

    def reverse(ip: str) -> str | None:
        # the lab's PTR records name exactly its servers' own addresses
        return next((str(s["fqdn"]) for s in rt.servers.values() if s["ip"] == ip), None)

    def credential(kind: str, name: str) -> Credential:
        return cached_credential(secrets, kind, name)

    def host(name: str) -> HostControl:
        return host_as(name, credential("server", name))

    def host_as(name: str, cred: Credential) -> HostControl:
        from core.hosts.winrm_host import WinrmHost

        return WinrmHost(resolve(name), cred, port=5985, transport="basic", timeout=timeout,
                         name=name.upper(), directory=directory)

    def engine(name: str) -> Engine:
        from core.engine.client import EngineClient
        from core.engine.tls import TlsMissing
        from core.lab.certs import console_identity

        try:
            identity = console_identity(paths.lab)
        except TlsMissing as exc:
            raise Unreachable(str(exc)) from exc
        return EngineClient(resolve(name), service_port, identity, timeout)

    def dns(address: str, cred: Credential | None) -> Dns:
        from core.dns.adapter import DnspythonDns
        from core.lab.dns_accounts import account_key

        ip, p = split_address(address)
        if ip == rt.dns_ip and p == 53:
            p = rt.dns_port  # the lab serves DNS on a high port when not root
        key = account_key(cred.user, cred.password, estate.domain, estate.tsig_algorithm) \
            if cred else None
        return DnspythonDns(ip, p, key=key, timeout=timeout)

    def lab_domain(name: str) -> None:
        # the lab serves one domain: another one typed on Setup is not silently replaced
        if name and name.lower() != estate.domain.lower():
            raise NotFound(f"the lab has no domain {name}: its domain is {estate.domain}")

    def directory_as(conn: DomainConnection, cred: Credential,
                     read_only: bool = True) -> Directory:
        from core.lab.directory import lab_directory
        from core.lab.directory_changes import changes_path

        lab_domain(conn.domain)
        # what plans changed (moved SPNs) is kept under the lab directory
        return lab_directory(estate, cred, read_only=read_only, changes=changes_path(paths.lab))

    def directory(read_only: bool = True) -> Directory:
        from core.lab.directory import lab_directory
        from core.lab.directory_changes import changes_path

        lab_domain(ctx.domain)
        return lab_directory(estate, credential("domain", estate.domain),
                             read_only=read_only, changes=changes_path(paths.lab))

    ctx = Context(paths=paths, secrets=secrets, directory=directory, host=host, engine=engine,
                  dns=dns, resolve=resolve, domain=estate.domain, settings=settings, lab=True,
                  timeout=timeout, host_as=host_as, reverse=reverse, directory_as=directory_as)
    return ctx
