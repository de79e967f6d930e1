"""Everything the checks read, gathered once per validation run.

Both inventories and both engines' info are fetched concurrently; a server
that fails or does not answer in time is recorded as a typed error with a
readable reason, never raised, so every check can still report.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import wait
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from core.apps.base import Application
from core.apps.common import virtual_server
from core.apps.registry import get_app
from core.context import Context
from core.errors import AppmgrError, AuthFailed, ProtocolError, Unreachable
from core.model.apps import SharePointFarm
from core.model.config import DnsServerEntry, ProtectionConfig
from core.model.server import Server
from core.ports import Credential, Directory, Dns
from core.store import PairStore
from core.validation.admin_host import AdminHost

DEFAULT_SERVICE_PORT = 6320
T = TypeVar("T")


@dataclass
class Side:
    """One server of the pair as gathered: its inventory and its engine's info."""

    role: str  # "source" | "target"
    name: str
    server: Server | None = None
    error: AppmgrError | None = None
    engine_info: dict[str, Any] | None = None
    engine_error: AppmgrError | None = None

    def reason(self) -> str:
        """Why there is no inventory, in words naming the server."""
        err = self.error or Unreachable("it could not be inventoried")
        if isinstance(err, AuthFailed):
            return f"the cached credentials for {self.name} were rejected"
        text = str(err)
        return text if self.name.upper() in text.upper() else f"{self.name}: {text}"

    def require(self) -> Server:
        """The inventory, or a typed error (same kind as the failure) naming the server."""
        if self.server is not None:
            return self.server
        kind = type(self.error) if self.error is not None else Unreachable
        try:
            err = kind(self.reason())
        except TypeError:  # an error class with another signature
            err = Unreachable(self.reason())
        raise err


@dataclass
class ValidationContext:
    ctx: Context
    app: Application
    config: ProtectionConfig
    source: Side
    target: Side
    service_port: int
    store: PairStore
    domain: str
    dns_credential: Credential | None = None
    #: the machine the console runs on (injectable: tests give their own)
    admin: AdminHost = field(default_factory=AdminHost.detect)
    #: SharePoint farms known from Get Config, by back-end server name (upper case)
    farms: dict[str, SharePointFarm] = field(default_factory=dict)
    # per-run caches: not copied by dataclasses.replace (init=False), so a new config starts clean
    _dns: dict[tuple[str, str], Dns] = field(default_factory=dict, repr=False, init=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, init=False)

    def side(self, role: str) -> Side:
        return self.source if role == "source" else self.target

    def dns(self, entry: DnsServerEntry) -> Dns:
        """The DNS adapter for one configured server (created once, shared by checks)."""
        return self._dns_for(entry, self.dns_credential)

    def unsigned_dns(self, entry: DnsServerEntry) -> Dns:
        """The DNS adapter of one server without credentials (unsigned updates)."""
        return self._dns_for(entry, None)

    def _dns_for(self, entry: DnsServerEntry, cred: Credential | None) -> Dns:
        from core.validation.shared import SharedDns, shared

        addr = entry.ip if entry.port == 53 else f"{entry.ip}:{entry.port}"
        key = (addr, cred.user if cred is not None else "")
        with self._lock:
            if key not in self._dns:
                self._dns[key] = SharedDns(self.ctx.dns(addr, cred), shared(self.ctx),
                                           ("dns", id(self.ctx.dns), *key))
            return self._dns[key]

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per run (e.g. the source's zone); errors are re-raised each time."""
        with self._lock:
            lock = self._memo.setdefault(f"lock:{key}", threading.Lock())
        with lock:
            if key not in self._memo:
                try:
                    self._memo[key] = ("ok", compute())
                except AppmgrError as exc:
                    self._memo[key] = ("err", exc)
            kind, value = self._memo[key]
        if kind == "err":
            raise value
        return value

    def directory(self) -> Directory:
        """The domain's directory, opened once per run (typed errors re-raised each time)."""
        return self.memo("directory", self.ctx.directory)

    def fact(self, key: str, compute: Callable[[], T]) -> T:
        """A directory fact shared by the validations of this Context for a short while
        (see :mod:`core.validation.shared`); errors are re-raised, never kept."""
        from core.validation.shared import shared

        return shared(self.ctx).fact((id(self.ctx.directory), key), compute)

    def clustered(self) -> bool:
        """Whether a cluster virtual server is one of the pair (as far as the servers answered)."""
        return any(s.server is not None and virtual_server(s.server) is not None
                   for s in (self.source, self.target))

    def close(self) -> None:
        """Close what the run opened (the directory)."""
        kind, value = self._memo.get("directory", ("", None))
        if kind == "ok":
            # closing is best effort: the results are already made
            with contextlib.suppress(Exception):
                value.close()

    def source_fqdn(self) -> str:
        srv = self.source.server
        if srv is not None and srv.fqdn:
            return srv.fqdn.rstrip(".")
        return f"{self.source.name.lower()}.{self.domain}" if self.domain else self.source.name


def gather(ctx: Context, cfg: ProtectionConfig, *, timeout: float | None = None,
           admin: AdminHost | None = None,
           farms: dict[str, SharePointFarm] | None = None) -> ValidationContext:
    """Build the ValidationContext: both inventories and engine infos, concurrently.

    Each remote read is bounded by ``timeout`` (default: three times the
    context's per-call timeout); failures are kept as typed errors. ``admin``
    describes the console's machine (detected when None); ``farms`` are the
    SharePoint farms the console learnt from Get Config (back end -> farm).
    """
    timeout = timeout if timeout is not None else max(ctx.timeout * 3, 1.0)
    app = get_app(cfg.app)
    src, tgt = Side("source", cfg.source.upper()), Side("target", cfg.target.upper())
    sides = {"source": src, "target": tgt}
    from core.validation.shared import shared

    # a read of the same server by a validation running at the same time is shared
    flights = shared(ctx)
    jobs = {(role, kind): flights.flight(
        (kind, side.name), partial(_inventory if kind == "inv" else _engine_info, ctx, side.name))
        for role, side in sides.items() for kind in ("inv", "eng")}
    wait(jobs.values(), timeout=timeout)
    for (role, kind), fut in jobs.items():
        side = sides[role]
        value, err = _outcome(fut, side.name, timeout)
        if kind == "inv":
            side.server, side.error = value, err
        else:
            side.engine_info, side.engine_error = value, err
    domain = (ctx.domain or (src.server.domain if src.server else "")).lower()
    return ValidationContext(
        ctx=ctx, app=app, config=cfg, source=src, target=tgt,
        service_port=ctx.settings.service_port, store=PairStore(ctx.paths), domain=domain,
        dns_credential=dns_credential(ctx, cfg, domain), admin=admin or AdminHost.detect(),
        farms={k.upper(): f for k, f in (farms or {}).items()})


def _inventory(ctx: Context, name: str) -> Server:
    return ctx.host(name).inventory()


def _engine_info(ctx: Context, name: str) -> dict[str, Any]:
    client = ctx.engine(name)
    try:
        return dict(client.info())
    finally:
        client.close()


def _outcome(fut: Any, name: str, timeout: float) -> tuple[Any, AppmgrError | None]:
    if not fut.done():
        return None, Unreachable(f"{name} did not answer within {timeout:g} s")
    exc = fut.exception()
    if exc is None:
        return fut.result(), None
    if isinstance(exc, AppmgrError):
        return None, exc
    # an adapter let a library error through: keep its words, not its traceback
    return None, ProtocolError(f"{name}: {type(exc).__name__}: {exc}")


def dns_credential(ctx: Context, cfg: ProtectionConfig, domain: str) -> Credential | None:
    """The cached DNS credential (kind "dns"): by domain, else by the configured DNS user."""
    for key in (domain, cfg.failover.dns.user):
        if not key:
            continue
        try:
            cred = ctx.secrets.get("dns", key)
        except AppmgrError:
            return None
        if cred is not None:
            return cred
    return None
