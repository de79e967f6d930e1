"""What validations over one Context share (many pairs are often checked at once).

- Facts of the directory (its root DSE, its list of servers, the SharePoint farms found
  on the front ends) change rarely and cost a bind and a search each time: they are kept
  for :data:`FACTS_TTL` seconds of the Context's clock. A failed read is never kept.
- DNS answers and update probes are shared for a few seconds (:class:`SharedDns`).
- Reads of a server in flight (its inventory, its engine's info) are shared: two
  validations that need FS01 at the same moment read it once ("single flight"); the
  answer is not kept afterwards, so a later validation (after a Fix) reads it afresh.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

from core.context import Context
from core.errors import AppmgrError
from core.ports import Dns, RRSet, ZoneChange
from core.validation.threads import spawn

T = TypeVar("T")
FACTS_TTL = 60.0


class Shared:
    def __init__(self, ctx: Context) -> None:
        self._clock = ctx.clock
        self._lock = threading.Lock()
        self._facts: dict[Hashable, tuple[float, Any]] = {}
        self._flights: dict[Hashable, Future[Any]] = {}

    def fact(self, key: Hashable, compute: Callable[[], T], ttl: float = FACTS_TTL) -> T:
        """``compute()``'s value, kept ``ttl`` seconds; concurrent callers compute it once."""
        now = self._clock.monotonic()
        with self._lock:
            hit = self._facts.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]
            fut = self._flights.get(("fact", key))
            mine = fut is None
            if fut is None:
                fut = self._flights[("fact", key)] = Future()
        if not mine:
            return fut.result()
        # computed on this thread (a thread start costs more than most answers)
        try:
            value = compute()
        except BaseException as exc:
            fut.set_exception(exc)
            raise
        else:
            fut.set_result(value)
            with self._lock:
                self._facts[key] = (self._clock.monotonic() + ttl, value)
            return value
        finally:
            with self._lock:
                self._flights.pop(("fact", key), None)

    def flight(self, key: Hashable, compute: Callable[[], T]) -> Future[T]:
        """The running read of ``key`` if there is one, else a new one (on its own thread)."""
        with self._lock:
            fut = self._flights.get(key)
            if fut is not None:
                return fut
            fut = spawn(compute, name=f"shared-{key!s:.40}")
            self._flights[key] = fut
        fut.add_done_callback(lambda f: self._landed(key, f))
        return fut

    def _landed(self, key: Hashable, fut: Future[Any]) -> None:
        with self._lock:
            if self._flights.get(key) is fut:
                del self._flights[key]

    def forget(self) -> None:
        """Drop every kept fact and let new reads start afresh (a Fix changed the estate);
        reads already running still answer those waiting for them."""
        with self._lock:
            self._facts.clear()
            self._flights.clear()


_BY_CONTEXT: dict[int, tuple[weakref.ref[Context], Shared]] = {}
_REG_LOCK = threading.Lock()


def shared(ctx: Context) -> Shared:
    """The :class:`Shared` of this Context (one per Context object, dropped with it)."""
    with _REG_LOCK:
        entry = _BY_CONTEXT.get(id(ctx))
        if entry is not None and entry[0]() is ctx:
            return entry[1]
        value = Shared(ctx)
        key = id(ctx)
        _BY_CONTEXT[key] = (weakref.ref(ctx, lambda _r: _BY_CONTEXT.pop(key, None)), value)
        return value


#: how long a DNS answer is shared between validations (short: DNS is what a Fix changes)
DNS_TTL = 5.0


class SharedDns:
    """A Dns adapter whose read answers (and update probes, which change nothing) are shared
    by the validations of one Context for :data:`DNS_TTL` seconds — twenty pairs in one zone
    ask the DNS server once. Typed errors are shared too (a refusal is an answer)."""

    def __init__(self, dns: Dns, shared_: Shared, key: Hashable) -> None:
        self._dns, self._shared, self._key = dns, shared_, key

    def _ask(self, what: tuple[Any, ...], call: Callable[[], T]) -> T:
        def outcome() -> tuple[bool, Any]:
            try:
                return True, call()
            except AppmgrError as exc:
                return False, exc
        ok, value = self._shared.fact((self._key, *what), outcome, DNS_TTL)
        if not ok:
            raise value
        return value

    def lookup(self, name: str, rdtype: str) -> RRSet | None:
        return self._ask(("lookup", name.lower(), rdtype.upper()),
                         lambda: self._dns.lookup(name, rdtype))

    def zone_of(self, name: str) -> str:
        return self._ask(("zone_of", name.lower()), lambda: self._dns.zone_of(name))

    def probe_update(self, zone: str) -> None:
        self._ask(("probe", zone.lower()), lambda: self._dns.probe_update(zone))

    def apply(self, change: ZoneChange) -> None:
        self._shared.forget()
        self._dns.apply(change)
