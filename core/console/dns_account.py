"""The DNS failover account (F-6.1): cached, tested, never written into a config."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.config.edit import apply_assignments
from core.credentials.usernames import parse_user
from core.errors import InvalidInput
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.ports import Credential

if TYPE_CHECKING:
    from core.console.session import Session


class DnsAccountService:
    """The DNS failover account: cached and tested."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def set_dns_credentials(self, cfg: ProtectionConfig, user: str,
                            password: str) -> ProtectionConfig:
        """Cache the DNS account and name it in the configuration; the password
        goes only to the credential cache, never into the config."""
        domain, name = parse_user(user, self.s.domain)
        if not password:
            raise InvalidInput("failover.dns.password", "enter the DNS account's password")
        canonical = f"{domain}\\{name}" if "." not in domain else f"{name}@{domain}"
        cred = Credential(canonical, password)
        self.s.ctx.secrets.put("dns", self.s.domain, cred)
        self.s.ctx.secrets.put("dns", canonical, cred)
        log_action("dns credentials", user=canonical)
        return apply_assignments(cfg, [f"failover.dns.user={canonical}"])

    def dns_test(self, cfg: ProtectionConfig) -> list[str]:
        """F-6.1 Test: one line per DNS server; raises on the first failure."""
        from core.validation.context import dns_credential

        src = self.s.inventory(cfg.source)
        cred = dns_credential(self.s.ctx, cfg, self.s.domain)
        lines = []
        for entry in cfg.failover.dns.servers:
            addr = entry.ip if entry.port == 53 else f"{entry.ip}:{entry.port}"
            dns = self.s.ctx.dns(addr, cred)
            zone = dns.zone_of(src.fqdn)
            dns.probe_update(zone)
            lines.append(f"{addr}: answers for {zone}; the DNS credentials may update it")
        if not lines:
            raise InvalidInput("failover.dns.servers", "add at least one DNS server")
        return lines
