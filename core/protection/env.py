"""What a running operation holds: the pair, its configuration, its ports.

Engine clients are opened lazily, one per side, and closed at the end, so a
step that never talks to the (failed) source never tries to reach it.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.context import Context
from core.errors import AppmgrError, NotFound, StateError
from core.model.config import ProtectionConfig
from core.model.stats import JobStats
from core.ports import Credential, Dns, Engine, HostControl
from core.protection.facts import PlanFacts
from core.protection.locks import record_lock
from core.store import PairRecord, PairStore

TokenFactory = Callable[[], str]
Progress = Callable[[str], None]


def new_token() -> str:
    """A fresh engine-to-engine connection token."""
    return secrets.token_urlsafe(32)


@dataclass
class PairEnv:
    ctx: Context
    store: PairStore
    cfg: ProtectionConfig
    rec: PairRecord
    facts: PlanFacts
    token_factory: TokenFactory = new_token
    progress: Progress | None = None
    #: how long a restore mirror may take before it counts as failed
    restore_timeout: float = 3600.0
    #: restore: drop the source files that differ from the target instead of keeping copies
    restore_discard: bool = False
    _engines: dict[str, Engine] = field(default_factory=dict)

    def name(self, side: str) -> str:
        return self.cfg.source if side == "source" else self.cfg.target

    def engine(self, side: str) -> Engine:
        """The engine client of ``side`` ("source" | "target"), opened once."""
        if side not in self._engines:
            self._engines[side] = self.ctx.engine(self.name(side))
        return self._engines[side]

    def host(self, side: str) -> HostControl:
        return self.ctx.host(self.name(side))

    def dns(self) -> Dns:
        """The DNS adapter for the server to update first (F-6.1 client DNS server)."""
        dns = self.cfg.failover.dns
        server = dns.client_server
        if not server and dns.servers:
            first = dns.servers[0]
            server = first.ip if first.port == 53 else f"{first.ip}:{first.port}"
        if not server:
            raise StateError("No DNS server is configured for DNS failover.")
        return self.ctx.dns(server, dns_credential(self.ctx, self.cfg))

    def save(self) -> None:
        self.rec.updated = self.ctx.clock.now()
        with record_lock(self.rec.key):
            self.store.save_record(self.rec)

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(text)

    def close(self) -> None:
        for eng in self._engines.values():
            with contextlib.suppress(AppmgrError):
                eng.close()
        self._engines.clear()


def dns_credential(ctx: Context, cfg: ProtectionConfig) -> Credential | None:
    """The cached DNS credentials (F-12): by domain, else by the configured user."""
    for key in (ctx.domain, cfg.failover.dns.user):
        if key:
            cred = ctx.secrets.get("dns", key)
            if cred is not None:
                return cred
    return None


def ignore_missing(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """Call ``fn``; False when the object was already gone (NotFound), else True."""
    try:
        fn(*args, **kwargs)
    except NotFound:
        return False
    return True


def as_stats(value: Any) -> JobStats:
    """Engine clients return JobStats; accept their dict form too."""
    if isinstance(value, JobStats):
        return value
    if isinstance(value, dict):
        return JobStats.from_dict(value)
    raise TypeError(f"engine stats of unexpected type {type(value).__name__}")
