"""Domain login of the console façade (SPEC F-5.1, issue 14): the account, the DC,
LDAPS or StartTLS and the CA file of each domain — checked against the DC before
anything is cached. The password goes to the keyring, the rest to
:mod:`core.domains` (never to the lab's home: the lab has its own account)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core import discovery
from core.credentials.usernames import parse_user
from core.domains import (
    DEFAULT_TIMEOUT,
    DomainConnection,
    DomainSettings,
    check_ca_file,
    check_timeout,
    check_tls,
    split_dc,
)
from core.errors import InvalidInput
from core.logs import log_action
from core.ports import Credential

if TYPE_CHECKING:
    from core.console.session import Session


@dataclass(frozen=True)
class DomainRow:
    """One domain as ``domain show`` lists it."""

    connection: DomainConnection
    current: bool  # the domain the console queries
    password_cached: bool

    def to_dict(self) -> dict[str, object]:
        return {**dataclasses.asdict(self.connection), "current": self.current,
                "password_cached": self.password_cached}


def _dc_text(text: str) -> str:
    host, port = split_dc(text)
    return f"{host}:{port}" if port else host


class DomainService:
    """Logging in to a domain, and what is known of each domain's connection."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def _domains(self) -> DomainSettings:
        return DomainSettings(self.s.ctx.paths.config)

    def domain_connection(self, domain: str) -> DomainConnection:
        """What the login dialog prefills for ``domain``: its saved DC, TLS, CA and user."""
        name = domain.strip().lower()
        if self.s.lab or not name:
            return DomainConnection(name)
        return self._domains().connection(name)

    def domain_login(self, domain: str, user: str, password: str, *, dc: str = "",
                     ca_file: str = "", tls: str = "starttls",
                     timeout: float | None = None) -> str:
        """Log in to ``domain``: the DC must accept the account over the given connection
        before the password is cached (keyring) and the settings saved. Returns the domain,
        now the one the console queries."""
        name = discovery.check_domain_name(domain)
        if not user.strip():
            raise InvalidInput("user", "enter a user name (DOMAIN\\user or user@domain)")
        if not password:
            raise InvalidInput("password", "enter the password of this account")
        dom, account = parse_user(user, name)
        cred = Credential(f"{account}@{dom}" if "." in dom else f"{dom}\\{account}", password)
        conn = DomainConnection(
            name, user=cred.user, dc=_dc_text(dc), tls=check_tls(tls or "starttls"),
            ca_file=check_ca_file(ca_file),
            timeout=check_timeout(timeout) if timeout is not None else DEFAULT_TIMEOUT)
        if self.s.ctx.directory_as is not None:
            directory = self.s.ctx.directory_as(conn, cred)
            try:
                directory.root_dse()
            finally:
                directory.close()
        self.s.ctx.secrets.put("domain", name, cred)
        if not self.s.lab:
            self._domains().save(conn)
        self.s.domain = name
        self.s.ctx.domain = name
        log_action("domain login", domain=name, user=cred.user, dc=conn.dc or "(DNS)",
                   tls=conn.tls)
        return name

    def domain_logout(self, domain: str = "") -> str:
        """Forget the domain's cached password (its DC, TLS and CA settings stay)."""
        name = (domain.strip() or self.s.domain or "").lower()
        if not name:
            raise InvalidInput("domain", "no domain is set: name the one to log out of")
        self.s.ctx.secrets.delete("domain", name)
        if not self.s.lab:
            self._domains().forget_user(name)
        log_action("domain logout", domain=name)
        return name

    def domain_status(self) -> list[DomainRow]:
        """Every domain with settings (and the current one): settings and whether a password
        is cached — read from the cache's index, so no passphrase is asked."""
        settings = self._domains()
        names = dict.fromkeys([*([self.s.domain] if self.s.domain else []), *settings.domains()])
        entries = getattr(self.s.ctx.secrets, "entries", None)
        cached = ({k for kind, k in entries() if kind == "domain"} if entries else
                  {n for n in names if self.s.ctx.secrets.get("domain", n) is not None})
        return [DomainRow(self.domain_connection(name), name == self.s.domain,
                          name.lower() in cached) for name in names]
