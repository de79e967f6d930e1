"""Wiring the console to a real estate: the Context of plain ``appmgr``.

Real adapters against the administrator's domain: LDAP to a domain
controller found by name (DC locator, StartTLS, CA from ``APPMGR_LDAP_CA``),
WinRM (NTLM) to the servers, the engine client, and DNS updates signed with
GSS-TSIG from the Kerberos ticket cache (what AD-integrated zones require:
``kinit`` as the DNS account first). With ``--altdns`` the DNS user is a TSIG
key name and the password its secret (plain RFC 2136 servers such as BIND).
"""

from __future__ import annotations

import os
import socket

from core.context import Context
from core.context_parts import AddressBook, cached_credential, split_address
from core.credentials.backend import PassphraseCallback
from core.credentials.estate_tls import console_identity
from core.credentials.store import open_store
from core.directory.connect import open_directory
from core.dns.adapter import DnspythonDns
from core.dns.names import is_ip
from core.dns.tsig_key import TsigKey
from core.engine.client import EngineClient
from core.errors import NotFound
from core.hosts.winrm_host import WinrmHost
from core.paths import AppPaths
from core.ports import Credential, Directory, Dns, Engine, HostControl


def real_context(paths: AppPaths, settings: object, domain: str, *,
                 passphrase: PassphraseCallback | None = None, alt_dns: bool = False,
                 timeout: float = 5.0) -> Context:
    secrets = open_store(paths.config, passphrase)
    service_port = getattr(settings, "service_port", 6320)
    book = AddressBook(paths.state / "addresses.json")

    def lookup(name: str) -> str:
        """What DNS says now (no remembered address)."""
        if is_ip(name):
            return name
        fq = name if "." in name else f"{name}.{domain}"
        try:
            return str(socket.getaddrinfo(fq, None, socket.AF_INET)[0][4][0])
        except OSError as exc:
            raise NotFound(f"{fq} cannot be resolved: {exc.strerror or exc}") from exc

    def resolve(name: str) -> str:
        if is_ip(name):
            return name
        fq = name if "." in name else f"{name}.{domain}"
        known = book.get(fq)
        if known:
            return known
        ip = lookup(fq)
        book.remember(fq, ip)
        return ip

    def credential(kind: str, name: str) -> Credential:
        return cached_credential(secrets, kind, name)

    def host(name: str) -> HostControl:
        return host_as(name, credential("server", name))

    def host_as(name: str, cred: Credential) -> HostControl:
        return WinrmHost(resolve(name), cred, transport="ntlm", timeout=timeout,
                         name=name.upper())

    def engine(name: str) -> Engine:
        # TLS as the estate's console: its certificate (keyring) is its identity, the
        # engine's certificate is checked against the estate CA before anything is sent
        return EngineClient(resolve(name), service_port, console_identity(secrets, domain),
                            timeout)

    def dns(address: str, cred: Credential | None) -> Dns:
        ip, p = split_address(address)
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
                   timeout=timeout, host_as=host_as, lookup=lookup)
