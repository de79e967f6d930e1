"""Wiring the console to a real estate: the Context of plain ``appmgr``.

Real adapters against the administrator's domain: LDAP to a domain
controller as ``appmgr domain login`` set it up (:mod:`core.domains`: a named DC or
the DC locator, LDAPS or StartTLS, the CA file; the password from the keyring),
WinRM (NTLM) to the servers, the engine client, and DNS updates signed with
GSS-TSIG from the Kerberos ticket cache (what AD-integrated zones require:
``kinit`` as the DNS account first). With ``--altdns`` the DNS user is a TSIG
key name and the password its secret (plain RFC 2136 servers such as BIND).
"""

from __future__ import annotations

import socket

from core.context import Context
from core.context_parts import AddressBook, cached_credential, split_address
from core.credentials.backend import PassphraseCallback
from core.credentials.store import open_store
from core.directory.connect import open_directory
from core.dns.adapter import DnspythonDns
from core.dns.names import is_ip
from core.dns.tsig_key import TsigKey
from core.domains import DomainConnection, DomainSettings
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
    book = AddressBook(paths.state / "addresses.json")

    def resolve(name: str) -> str:
        if is_ip(name):
            return name
        fq = name if "." in name else f"{name}.{domain}"
        known = book.get(fq)
        if known:
            return known
        try:
            ip = str(socket.getaddrinfo(fq, None, socket.AF_INET)[0][4][0])
        except OSError as exc:
            raise NotFound(f"{fq} cannot be resolved: {exc.strerror or exc}") from exc
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
        cred = credential("server", name)
        return EngineClient(resolve(name), service_port, cred.user, cred.password, timeout)

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

    domains = DomainSettings(paths.config)

    def directory_as(conn: DomainConnection, cred: Credential) -> Directory:
        return open_directory(conn.host, cred, port=conn.port, use_ssl=conn.tls == "ldaps",
                              start_tls=conn.tls == "starttls", ca_file=conn.ca_file or None,
                              timeout=conn.timeout, default_domain=conn.domain,
                              locate=not conn.dc)  # a DC named is used as is

    def directory() -> Directory:
        # the domain chosen now (Setup's Domain field changes ctx.domain), read each time
        name = (ctx.domain or "").lower()
        if not name:
            raise AuthFailed("no domain is set: log in to one (appmgr domain login DOMAIN "
                             "--user USER, or Domain login in the console)")
        cred = secrets.get("domain", name)
        if cred is None:
            raise AuthFailed(f"not logged in to the domain {name}: log in with appmgr domain "
                             f"login {name} --user USER, or Domain login in the console")
        return directory_as(domains.connection(name), cred)

    ctx = Context(paths=paths, secrets=secrets, directory=directory, host=host, engine=engine,
                  dns=dns, resolve=resolve, domain=domain, settings=settings, lab=False,
                  timeout=timeout, host_as=host_as, directory_as=directory_as)
    return ctx
