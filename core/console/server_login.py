"""The server login dialog (SPEC F-5.4): an account checked on the server, then cached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.credentials.usernames import parse_user, same_user
from core.errors import AuthFailed, InvalidInput
from core.logs import log_action
from core.model.server import Server
from core.ports import Credential

if TYPE_CHECKING:
    from core.console.session import Session


class ServerLoginService:
    """Which servers still need an account, and logging in to one."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def needs_login(self, server: str) -> bool:
        return self.s.ctx.secrets.get("server", self.s.node_of(server) or server) is None

    def login(self, server: str, user: str, password: str) -> Server:
        """Check the account on ``server``, then cache it. Only what the server accepted
        is cached: an unreachable server, a rejected password or an account outside the
        engine's admin group leaves the cache as it was."""
        domain, name = parse_user(user, self.s.domain)
        if not password:
            raise InvalidInput("password", "enter the password of this account")
        cred = Credential(f"{domain}\\{name}" if "." not in domain else f"{name}@{domain}",
                          password)
        key = (self.s.node_of(server) or server).upper()
        inv = self._inventory_as(server, key, cred)
        members = inv.admin_group_members
        if members and not any(same_user(cred.user, m, self.s.domain) for m in members):
            raise AuthFailed(f"{cred.user} is not in the engine's admin group on {server.upper()}")
        self.s.ctx.secrets.put("server", server, cred)
        self.s.remember_inventory(key, inv)
        log_action("login", server=server, user=cred.user)
        return inv

    def _inventory_as(self, server: str, key: str, cred: Credential) -> Server:
        """``key``'s inventory read with ``cred`` (not the cached credential)."""
        ctx = self.s.ctx
        if ctx.host_as is not None:
            return ctx.host_as(key, cred).inventory()
        # A Context without host_as (test doubles): try the credential in the cache and
        # put the old one back whatever the outcome but success.
        old = ctx.secrets.get("server", server)
        ctx.secrets.put("server", server, cred)
        try:
            return ctx.host(key).inventory()
        finally:
            if old is None:
                ctx.secrets.delete("server", server)
            else:
                ctx.secrets.put("server", server, old)

    def lab_credentials(self) -> tuple[str, str] | None:
        return self.s.lab_account
