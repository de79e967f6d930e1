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

import contextlib
import socket
import threading
from collections.abc import Callable

from core.context import Context
from core.context_parts import AddressBook, cached_credential, split_address
from core.credentials.backend import PassphraseCallback
from core.credentials.estate_tls import console_identity
from core.credentials.store import open_store
from core.directory.connect import open_directory
from core.dns.adapter import DnspythonDns
from core.dns.names import is_ip
from core.dns.tsig_key import TsigKey
from core.domains import DomainConnection, DomainSettings
from core.engine.client import EngineClient
from core.errors import AuthFailed, NotFound, Unreachable
from core.hosts.winrm_host import WinrmHost
from core.paths import AppPaths
from core.ports import Credential, Directory, Dns, Engine, HostControl
from core.server_lists import FILE_NAME as LISTS_FILE
from core.server_lists import ServerLists
from core.settings import Settings


def lookup_address(name: str) -> str:
    """The system resolver's IPv4 address of ``name`` (OSError when there is none)."""
    return str(socket.getaddrinfo(name, None, socket.AF_INET)[0][4][0])


def lookup_name(ip: str, timeout: float) -> str | None:
    """The reverse-lookup name of ``ip``, or None (no PTR record, or no answer in time)."""
    found: list[str] = []

    def ask() -> None:
        with contextlib.suppress(OSError):
            found.append(socket.gethostbyaddr(ip)[0])

    worker = threading.Thread(target=ask, name=f"reverse-{ip}", daemon=True)
    worker.start()
    worker.join(timeout)  # the system resolver has no timeout of its own
    return found[0] if found else None


def real_context(paths: AppPaths, settings: Settings, domain: str, *,
                 passphrase: PassphraseCallback | None = None, alt_dns: bool = False,
                 timeout: float = 5.0, lookup: Callable[[str], str] = lookup_address,
                 reverse_lookup: Callable[[str, float], str | None] = lookup_name) -> Context:
    secrets = open_store(paths.config, passphrase)
    service_port = settings.service_port
    book = AddressBook(paths.state / "addresses.json")

    def dns_name(name: str) -> str:
        """The name to look up: a DNS name as typed; a short name's stored DNS name (server
        lists: discovery or typed), else name.domain; with no domain the bare name (the
        resolver's search list applies; never "FS01.")."""
        name = name.rstrip(".")
        if "." in name:
            return name
        stored = ServerLists(paths.config / LISTS_FILE).fqdn_of(name)  # re-read: the
        if stored:                                                      # console adds names
            return stored
        return f"{name}.{domain}" if domain else name

    def fresh(name: str) -> str:
        """What DNS says now (no remembered address): listings such as discovery."""
        if is_ip(name):
            return name
        fq = dns_name(name)
        try:
            return lookup(fq)
        except socket.gaierror as exc:
            if exc.errno == socket.EAI_AGAIN:  # no answer is not "no such name"
                raise Unreachable(f"{fq} cannot be resolved now: no DNS server "
                                  f"answered ({exc.strerror or exc})") from exc
            raise NotFound(f"{fq} cannot be resolved: {exc.strerror or exc}") from exc
        except OSError as exc:
            raise NotFound(f"{fq} cannot be resolved: {exc.strerror or exc}") from exc

    def resolve(name: str) -> str:
        if is_ip(name):
            return name
        fq = dns_name(name)
        known = book.get(fq)
        if known:
            return known
        ip = fresh(fq)
        book.remember(fq, ip)
        return ip

    def reverse(ip: str) -> str | None:
        # the server's own address, typed by the user: its name is reached there from now on
        name = (reverse_lookup(ip, timeout) or "").rstrip(".").lower()
        if not name:
            return None
        book.remember(name, ip)
        return name

    def credential(kind: str, name: str) -> Credential:
        return cached_credential(secrets, kind, name)

    def host(name: str) -> HostControl:
        return host_as(name, credential("server", name))

    def host_as(name: str, cred: Credential) -> HostControl:
        return WinrmHost(resolve(name), cred, transport="ntlm", timeout=timeout,
                         name=name.upper(), directory=directory)

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

    domains = DomainSettings(paths.config)

    def directory_as(conn: DomainConnection, cred: Credential,
                     read_only: bool = True) -> Directory:
        return open_directory(conn.host, cred, port=conn.port, use_ssl=conn.tls == "ldaps",
                              start_tls=conn.tls == "starttls", ca_file=conn.ca_file or None,
                              timeout=conn.timeout, default_domain=conn.domain,
                              locate=not conn.dc,  # a DC named is used as is
                              read_only=read_only)

    def directory(read_only: bool = True) -> Directory:
        # the domain chosen now (Setup's Domain field changes ctx.domain), read each time
        name = (ctx.domain or "").lower()
        if not name:
            raise AuthFailed("no domain is set: log in to one (appmgr domain login DOMAIN "
                             "--user USER, or Domain login in the console)")
        cred = secrets.get("domain", name)
        if cred is None:
            raise AuthFailed(f"not logged in to the domain {name}: log in with appmgr domain "
                             f"login {name} --user USER, or Domain login in the console")
        return directory_as(domains.connection(name), cred, read_only)

    ctx = Context(paths=paths, secrets=secrets, directory=directory, host=host, engine=engine,
                  dns=dns, resolve=resolve, domain=domain, settings=settings, lab=False,
                  timeout=timeout, host_as=host_as, directory_as=directory_as,
                  lookup=fresh, reverse=reverse)
    return ctx
