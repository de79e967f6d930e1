"""Wiring the console to a real estate: the Context of plain ``appmgr``.

Real adapters against the administrator's domain: LDAP to a domain
controller found by name (DC locator, StartTLS, CA from ``APPMGR_LDAP_CA``),
WinRM (NTLM) to the servers, the engine client, and DNS updates signed with
GSS-TSIG from the Kerberos ticket cache (what AD-integrated zones require:
``kinit`` as the DNS account first). With ``--altdns`` the DNS user is a TSIG
key name and the password its secret (plain RFC 2136 servers such as BIND).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading

from core.context import Context
from core.credentials.backend import PassphraseCallback
from core.credentials.store import open_store
from core.directory.connect import open_directory
from core.dns.adapter import DnspythonDns
from core.dns.tsig_key import TsigKey
from core.engine.client import EngineClient
from core.errors import AuthFailed, NotFound
from core.hosts.winrm_host import WinrmHost
from core.paths import AppPaths
from core.ports import Credential, Directory, Dns, Engine, HostControl


def real_context(paths: AppPaths, settings: object, domain: str, *,
                 passphrase: PassphraseCallback | None = None, alt_dns: bool = False,
                 timeout: float = 5.0) -> Context:
    secrets = open_store(paths.config, passphrase)
    service_port = getattr(settings, "service_port", 6320)
    addresses: dict[str, str] = {}
    lock = threading.Lock()

    def resolve(name: str) -> str:
        # Remember the first answer: after a DNS failover the source's name
        # points at the target, but the console must still reach the source.
        try:
            ipaddress.ip_address(name)
            return name
        except ValueError:
            pass
        fq = name if "." in name else f"{name}.{domain}"
        with lock:
            if fq.lower() in addresses:
                return addresses[fq.lower()]
        try:
            ip = socket.getaddrinfo(fq, None, socket.AF_INET)[0][4][0]
        except OSError as exc:
            raise NotFound(f"{fq} cannot be resolved: {exc.strerror or exc}") from exc
        with lock:
            addresses[fq.lower()] = str(ip)
        return str(ip)

    def credential(kind: str, name: str) -> Credential:
        cred = secrets.get(kind, name)
        if cred is None:
            raise AuthFailed(f"no credentials are cached for {name}: log in to it first")
        return cred

    def host(name: str) -> HostControl:
        return WinrmHost(resolve(name), credential("server", name), transport="ntlm",
                         timeout=timeout, name=name.upper())

    def engine(name: str) -> Engine:
        cred = credential("server", name)
        return EngineClient(resolve(name), service_port, cred.user, cred.password, timeout)

    def dns(address: str, cred: Credential | None) -> Dns:
        ip, _, port = address.partition(":")
        p = int(port) if port else 53
        if cred is None or alt_dns:
            key = TsigKey(cred.user, "hmac-sha256", cred.password) if cred else None
            return DnspythonDns(ip, p, key=key, timeout=timeout)
        from core.dns.gss_tsig import GssTsigDns

        try:
            server_name = socket.gethostbyaddr(ip)[0]
        except OSError:
            server_name = ip
        return GssTsigDns(ip, p, server_name=server_name, timeout=timeout)

    def directory() -> Directory:
        return open_directory(domain, secrets.get("domain", domain), start_tls=True,
                              ca_file=os.environ.get("APPMGR_LDAP_CA") or None,
                              timeout=timeout, default_domain=domain)

    return Context(paths=paths, secrets=secrets, directory=directory, host=host, engine=engine,
                   dns=dns, resolve=resolve, domain=domain, settings=settings, lab=False,
                   timeout=timeout)
