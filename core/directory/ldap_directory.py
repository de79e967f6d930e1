"""The ldap3 adapter of the :class:`core.ports.Directory` port.

Works the same against a real Active Directory (or Samba AD) and against the
lab's in-process ldap3 mock: it is given an open, bound ``ldap3.Connection``.
Searches are paged (RFC 2696) so directories beyond AD's 1,000-entry limit
are read whole, ask only for the attributes they need, and keep only
``searchResEntry`` results (a search from the domain base also yields
referrals to the DNS and configuration partitions).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from ldap3 import ALL_ATTRIBUTES, BASE, MODIFY_ADD, MODIFY_DELETE, SUBTREE, Connection
from ldap3.utils.conv import escape_filter_chars

from core.directory import ldap_dns_lock as dns_lock
from core.directory import ldap_exchange as xo
from core.directory.entries import (
    COMPUTER_ATTRIBUTES,
    DISCOVERY_ATTRIBUTES,
    EXCHANGE_ATTRIBUTES,
    computer_from_attrs,
    decode_values,
    exchange_from_attrs,
    root_dse_from,
    spns_naming,
)
from core.directory.ldap_errors import check, ldap_errors
from core.directory.partitions import usn_partitions
from core.directory.sql_spns import (
    HOLDER_ATTRIBUTES,
    ComputerIndex,
    holder_from_attrs,
    hosts_of,
    is_server_object,
    sql_hosts,
)
from core.errors import AppmgrError, InvalidInput, NotFound, ProtocolError
from core.ports import DirectoryComputer, DnsLock, ExchangeHome, RootDse

log = logging.getLogger("appmgr.protocol.ldap")

PAGED_RESULTS_OID = "1.2.840.113556.1.4.319"
#: Computers running a server OS, and cluster virtual servers (their computer
#: objects carry no OS). ``objectClass`` rather than AD's ``objectCategory=computer``
#: shorthand: both AD and the mock understand it.
SERVERS_FILTER = ("(&(objectClass=computer)(|(operatingSystem=*Server*)"
                  "(servicePrincipalName=MSClusterVirtualServer/*)))")
#: SQL Server instances register ``MSSQLSvc/host[:port|:instance]`` SPNs (SPEC F-5.2) on
#: the account the service runs as: a computer, a user or a gMSA; so any object class.
SQL_FILTER = "(servicePrincipalName=MSSQLSvc/*)"
#: SPN hosts joined to their computer objects per search (a filter with 2 terms each)
JOIN_CHUNK = 100
#: Exchange server objects live in the configuration NC (forest-wide, under the forest root).
EXCHANGE_FILTER = "(objectClass=msExchExchangeServer)"
NO_COMPUTER = "no computer object in this domain (a server of another domain of the forest?)"


class LdapDirectory:
    """Directory port over one ldap3 connection (thread-safe: calls are serialised).

    ``root_dse`` may be given when the server cannot serve the rootDSE itself
    (ldap3's mock); a real server is asked. ``base_dn`` defaults to the
    rootDSE's default naming context. With ``opener`` (opens and binds one
    more connection like ``conn``) and ``parallel`` > 1 the big discovery
    searches run partitioned on that many connections
    (:mod:`core.directory.partitions`); the extra ones are kept until :meth:`close`.
    """

    def __init__(
        self,
        conn: Connection,
        base_dn: str | None = None,
        page_size: int = 500,
        *,
        root_dse: RootDse | None = None,
        time_limit: int = 60,
        opener: Callable[[], Connection] | None = None,
        parallel: int = 1,
    ) -> None:
        if page_size < 1:
            raise InvalidInput("page size", "must be at least 1")
        self._conn = conn
        self._base_dn = base_dn
        self._page_size = page_size
        self._root_dse = root_dse
        self._time_limit = time_limit
        self._lock = threading.RLock()
        self._opener = opener
        self._parallel = max(1, parallel)
        self._extra: list[Connection] = []
        #: Pages read by the last paged search, and the entries the server put in
        #: each (tests prove paging on servers that would also answer unpaged).
        self.last_pages = 0
        self.last_page_sizes: list[int] = []

    @property
    def where(self) -> str:
        """The server's name, for messages."""
        server = getattr(self._conn, "server", None)
        return f"directory server {getattr(server, 'host', None) or '?'}"

    # --- port -------------------------------------------------------------
    def root_dse(self) -> RootDse:
        """Naming contexts and the forest root's DNS name."""
        with self._lock:
            if self._root_dse is None:
                with ldap_errors(self.where):
                    ok = self._conn.search(
                        "", "(objectClass=*)", BASE, attributes=[ALL_ATTRIBUTES],
                        time_limit=self._time_limit,
                    )
                if not ok:
                    check(self._conn.result, self.where)
                entries = self._entries(self._conn.response)
                if not entries:
                    raise ProtocolError(f"{self.where} did not return its rootDSE")
                attrs = {k: decode_values(v) for k, v in entries[0]["raw_attributes"].items()}
                dse = root_dse_from(attrs)
                if not dse.default_nc:
                    raise ProtocolError(f"{self.where} is not an Active Directory server (no defaultNamingContext)")
                self._root_dse = dse
            return self._root_dse

    def servers(self) -> list[DirectoryComputer]:
        """Every computer of the domain running a server OS, in directory order."""
        entries = self._search_all(SERVERS_FILTER)
        return [computer_from_attrs(e["dn"], e["raw_attributes"]) for e in entries]

    def sql_servers(self) -> list[DirectoryComputer]:
        """The hosts every ``MSSQLSvc/`` SPN names, whatever account carries it, each
        joined to its computer object (:mod:`core.directory.sql_spns`), in directory order."""
        entries = self._search_all(SQL_FILTER, attributes=HOLDER_ATTRIBUTES)
        pages, sizes = self.last_pages, self.last_page_sizes
        holders = [holder_from_attrs(e["dn"], e["raw_attributes"]) for e in entries]
        index = ComputerIndex(h.computer for h in holders if h.computer is not None)
        missing = [h for h in hosts_of(holders) if index.find(h) is None]
        for i in range(0, len(missing), JOIN_CHUNK):
            for c in self._computers_named(missing[i:i + JOIN_CHUNK]):
                index.add(c)
        self.last_pages, self.last_page_sizes = pages, sizes  # the SQL search's, not the joins'
        return sql_hosts(holders, index)

    def exchange_servers(self) -> list[DirectoryComputer]:
        """The Exchange servers of the forest: ``msExchExchangeServer`` objects of the
        configuration NC, each joined with its computer object when this domain has it."""
        config = self.root_dse().config_nc
        entries = self._paged(EXCHANGE_FILTER, base=config, attributes=EXCHANGE_ATTRIBUTES)
        out = []
        for e in entries:
            found = exchange_from_attrs(e["dn"], e["raw_attributes"])
            computer = None if found.role == "edge" else self.computer(
                found.dns_host_name or found.name)
            if computer is None:
                out.append(found if found.note else replace(found, note=NO_COMPUTER))
            else:
                out.append(replace(computer, app_version=found.app_version, role=found.role))
        return out

    def move_spns(self, source: str, target: str, service: str = "HOST",
                  owner: str | None = None) -> tuple[str, ...]:
        """Move the ``service`` SPNs naming ``owner`` (default: ``source``) from the computer
        object of ``source`` to that of ``target``; return the SPNs moved.

        Failover moves ``HOST/SRC`` and ``HOST/src.fqdn`` to the target; failback calls
        ``move_spns(target, source, owner=source)``. AD keeps SPNs unique, so they are
        removed from the source first and then added to the target; when the add fails
        they are put back on the source. Needs a writable connection.
        """
        src, tgt = self._must(source), self._must(target)
        who = src if owner is None else self._must(owner)
        moving = spns_naming(src.spns, service, (who.name, who.dns_host_name))
        if not moving:
            return ()
        with self._lock:
            self._modify(src.dn, MODIFY_DELETE, moving)
            try:
                self._modify(tgt.dn, MODIFY_ADD, moving)
            except AppmgrError:
                self._modify(src.dn, MODIFY_ADD, moving)
                raise
        log.info("moved SPNs %s from %s to %s", ", ".join(moving), src.name, tgt.name)
        return moving

    def exchange_home(self, server: str) -> ExchangeHome:
        """The Exchange server object of ``server``, its MTA and its stores."""
        return xo.exchange_home(self._paged, self.root_dse().config_nc, server, self.where)

    def exchange_config(self, server: str) -> dict[str, Any] | None:
        """``server``'s Exchange configuration as ``exchange_inventory`` reports it."""
        return xo.exchange_config(self._paged, self.root_dse().config_nc, server)

    def entries_with(self, attribute: str, values: Sequence[str], base: str = "",
                     attributes: Sequence[str] = ()) -> list[tuple[str, dict[str, str]]]:
        """(dn, first values) of entries whose ``attribute`` is one of ``values``; ``base``
        "" is the domain, "config" the configuration NC."""
        where = self.root_dse().config_nc if base == "config" else (base or self.base_dn())
        return xo.entries_with(self._paged, where, attribute, values, attributes)

    def read_attributes(self, dn: str, attributes: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return xo.read_attributes(self._conn, dn, attributes, self.where, self._time_limit)

    def replace_attributes(self, dn: str, values: dict[str, str]) -> None:
        """Set single-valued attributes of ``dn`` in one modify."""
        self._modify_attrs(dn, xo.replace_changes(values))

    def all_values(self, dn: str, attribute: str) -> list[str]:
        """Every value of a multi-valued attribute of ``dn`` (a group's ``member``)."""
        with self._lock:
            return xo.read_values(self._conn, dn, attribute, self.where, self._time_limit)

    def add_values(self, dn: str, attribute: str, values: Sequence[str]) -> None:
        """Add ``values`` to a multi-valued attribute of ``dn`` in one modify (a new group
        member); the entry's other values stay."""
        self._modify_attrs(dn, {attribute: [(MODIFY_ADD, list(values))]})

    def lock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        with self._lock:
            return dns_lock.lock_record(self._conn, self.root_dse(), fqdn, account, self.where,
                                        self._time_limit)

    def unlock_dns_record(self, fqdn: str, account: str) -> DnsLock:
        with self._lock:
            return dns_lock.unlock_record(self._conn, self.root_dse(), fqdn, account,
                                          self.where, self._time_limit)

    def domain_controllers(self) -> list[str]:
        with self._lock:
            return xo.domain_controllers(self._conn, self.base_dn(), self.where,
                                         self._time_limit)

    def bound_to(self) -> str:
        server = getattr(self._conn, "server", None)
        return str(getattr(server, "host", "") or "")

    def computer(self, name: str) -> DirectoryComputer | None:
        """One computer by NetBIOS name (``FS01``) or DNS name (``fs01.lab.example.com``)."""
        name = name.strip().rstrip(".")
        if not name:
            raise InvalidInput("server", "enter a server name")
        if "." in name:
            flt = f"(&(objectClass=computer)(dNSHostName={escape_filter_chars(name)}))"
        else:
            flt = f"(&(objectClass=computer)(sAMAccountName={escape_filter_chars(name)}$))"
        entries = self._paged(flt)
        if not entries:
            return None
        return computer_from_attrs(entries[0]["dn"], entries[0]["raw_attributes"])

    def _computers_named(self, hosts: Sequence[str]) -> list[DirectoryComputer]:
        """Computer objects (gMSAs and MSAs left out) whose dNSHostName is one of the
        FQDNs among ``hosts`` or whose name is one of their first labels: one search."""
        terms = []
        for host in hosts:
            if "." in host:
                terms.append(f"(dNSHostName={escape_filter_chars(host)})")
            terms.append(f"(sAMAccountName={escape_filter_chars(host.split('.', 1)[0])}$)")
        flt = f"(&(objectClass=computer)(|{''.join(dict.fromkeys(terms))}))"
        entries = self._paged(flt, attributes=HOLDER_ATTRIBUTES)
        return [computer_from_attrs(e["dn"], e["raw_attributes"]) for e in entries
                if is_server_object(e["raw_attributes"])]

    def close(self) -> None:
        with self._lock, ldap_errors(self.where):
            for conn in [self._conn, *self._extra]:
                if not conn.closed:
                    conn.unbind()
            self._extra = []

    # --- internals --------------------------------------------------------
    def base_dn(self) -> str:
        return self._base_dn or self.root_dse().default_nc

    def _must(self, name: str) -> DirectoryComputer:
        found = self.computer(name)
        if found is None:
            raise NotFound(f"{self.where} has no computer named {name}")
        return found

    def _modify(self, dn: str, op: str, values: Sequence[str]) -> None:
        self._modify_attrs(dn, {"servicePrincipalName": [(op, list(values))]})

    def _modify_attrs(self, dn: str, changes: dict[str, list[tuple[str, list[str]]]]) -> None:
        xo.refuse_read_only(self._conn, self.where)
        with self._lock, ldap_errors(self.where):
            ok = self._conn.modify(dn, changes)
        if not ok:
            check(self._conn.result, self.where)

    def _paged(self, search_filter: str, base: str | None = None,
               attributes: Sequence[str] = COMPUTER_ATTRIBUTES) -> list[dict[str, Any]]:
        base = base or self.base_dn()
        with self._lock:
            out, sizes = self._paged_on(self._conn, base, search_filter, attributes)
            self.last_pages, self.last_page_sizes = len(sizes), sizes
        log.debug("search %s under %s: %d entries in %d page(s)", search_filter, base, len(out),
                  len(sizes))
        return out

    def _paged_on(self, conn: Connection, base: str, search_filter: str,
                  attributes: Sequence[str]) -> tuple[list[dict[str, Any]], list[int]]:
        """Every page of one search on ``conn``: the entries and each page's size."""
        out: list[dict[str, Any]] = []
        sizes: list[int] = []
        cookie: bytes | None = None
        while True:
            with ldap_errors(self.where):
                ok = conn.search(base, search_filter, SUBTREE, attributes=list(attributes),
                                 paged_size=self._page_size, paged_cookie=cookie,
                                 time_limit=self._time_limit)
            if not ok:
                check(conn.result, self.where)
            page = self._entries(conn.response)
            sizes.append(len(page))
            out.extend(page)
            cookie = self._next_cookie(conn.result)
            if not cookie:
                return out, sizes

    def _search_all(self, search_filter: str,
                    attributes: Sequence[str] = DISCOVERY_ATTRIBUTES) -> list[dict[str, Any]]:
        """A big search: partitioned on parallel connections when possible, else paged."""
        if self._parallel < 2 or self._opener is None:
            return self._paged(search_filter, attributes=attributes)
        base = self.base_dn()
        with self._lock:
            parts = usn_partitions(search_filter, self._highest_usn(), self._parallel)
            kept, opener = list(self._extra), self._opener
            opened: dict[int, Connection] = {}

            def work(i: int) -> tuple[list[dict[str, Any]], list[int]]:
                if i == 0:
                    conn = self._conn
                elif i - 1 < len(kept):
                    conn = kept[i - 1]
                else:  # opened in the worker: the bind overlaps the first partition's search
                    conn = opened[i] = opener()
                return self._paged_on(conn, base, parts[i], attributes)

            try:
                with ThreadPoolExecutor(len(parts)) as pool:
                    results = list(pool.map(work, range(len(parts))))
            finally:
                self._extra = kept + [opened[k] for k in sorted(opened)]
            seen: set[str] = set()
            out = []
            for entries, _ in results:
                for e in entries:
                    if e["dn"] not in seen:  # the ranges are disjoint; stay safe anyway
                        seen.add(e["dn"])
                        out.append(e)
            self.last_page_sizes = [n for _, sizes in results for n in sizes]
            self.last_pages = len(self.last_page_sizes)
        log.debug("search %s under %s: %d entries in %d partitions", search_filter, base,
                  len(out), len(parts))
        return out

    def _highest_usn(self) -> int:
        """The DC's highestCommittedUSN (rootDSE): where the partitions end."""
        with ldap_errors(self.where):
            ok = self._conn.search("", "(objectClass=*)", BASE,
                                   attributes=["highestCommittedUSN"], time_limit=self._time_limit)
        entries = self._entries(self._conn.response) if ok else []
        raw = decode_values((entries[0]["raw_attributes"] if entries else {})
                            .get("highestCommittedUSN"))
        return int(raw[0]) if raw and raw[0].isdigit() else 0

    @staticmethod
    def _entries(response: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        return [r for r in response or () if r.get("type") == "searchResEntry"]

    @staticmethod
    def _next_cookie(result: dict[str, Any] | None) -> bytes | None:
        control = ((result or {}).get("controls") or {}).get(PAGED_RESULTS_OID) or {}
        cookie = (control.get("value") or {}).get("cookie")
        return cookie or None
