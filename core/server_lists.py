"""The "current list" of servers per application (SPEC F-5.3, Manage Servers).

Advanced Find discovers servers; the user moves them to the current list,
adds servers by name, removes them. The lists persist per user in one JSON
file under the config directory, rewritten atomically on every change.
Names are NetBIOS computer names (``FS01``) or DNS names
(``fs01.lab.example.com``, whose first label becomes the name).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.atomic import read_json, write_json
from core.discovery import check_app, check_dns_name
from core.dns.names import is_ip
from core.errors import InvalidInput
from core.ports import DirectoryComputer

log = logging.getLogger("appmgr.setup")

FILE_NAME = "server_lists.json"
MAX_NETBIOS = 15
_NETBIOS = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")


@dataclass(frozen=True)
class ListedServer:
    #: upper-case NetBIOS name; or the address of a server added by IP that has no
    #: name in DNS (it is reached by that address)
    name: str
    fqdn: str = ""  # lower-case DNS name when known


def check_server_name(text: str) -> ListedServer:
    """Validate a server name (or IPv4/IPv6 address) typed by the user;
    InvalidInput("server", …) names the rule."""
    raw = text.strip()
    if not raw:
        raise InvalidInput("server", "enter a server name such as FS01 or "
                                     "fs01.lab.example.com, or its IP address")
    if is_ip(raw):
        return ListedServer(str(ipaddress.ip_address(raw)))
    if "." in raw.rstrip("."):
        fqdn = check_dns_name(raw, "server", min_labels=2)
        host = fqdn.split(".", 1)[0]
        _check_netbios(host)
        return ListedServer(host.upper(), fqdn)
    return ListedServer(_check_netbios(raw.rstrip(".")).upper())


def _check_netbios(name: str) -> str:
    if any(c.isspace() for c in name):
        raise InvalidInput("server", "a server name cannot contain spaces")
    if len(name) > MAX_NETBIOS:
        raise InvalidInput("server", f"{name!r} is longer than {MAX_NETBIOS} characters (a computer's NetBIOS name)")
    if not _NETBIOS.match(name):
        if name.startswith("-") or name.endswith("-"):
            raise InvalidInput("server", f"{name!r} cannot start or end with a hyphen")
        raise InvalidInput("server", f"{name!r}: only letters, digits and hyphens are allowed")
    if name.isdigit():
        raise InvalidInput("server", f"{name!r} cannot be all digits")
    return name


class ServerLists:
    """Per-application current lists, persisted in ``path`` (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._lists: dict[str, list[ListedServer]] = self._load()

    def current(self, app: str) -> list[str]:
        """Names in the current list of ``app``, sorted."""
        app = check_app(app)
        with self._lock:
            return [s.name for s in self._lists.get(app, [])]

    def entries(self, app: str) -> list[ListedServer]:
        app = check_app(app)
        with self._lock:
            return list(self._lists.get(app, []))

    def add(self, app: str, name: str) -> list[str]:
        """Add a server typed by name (validated); returns the new list."""
        return self._merge(check_app(app), [check_server_name(name)])

    def add_entry(self, app: str, entry: ListedServer) -> list[str]:
        """Add a checked entry (a server typed by address, named by reverse lookup)."""
        return self._merge(check_app(app), [entry])

    def fqdn_of(self, name: str) -> str:
        """The DNS name stored for ``name`` in any application's list ("" if none)."""
        key = name.strip().upper()
        with self._lock:
            return next((s.fqdn for items in self._lists.values() for s in items
                         if s.name == key and s.fqdn), "")

    def add_discovered(self, app: str, computers: Iterable[DirectoryComputer]) -> list[str]:
        """Move discovered servers to the current list; returns the new list."""
        items = [ListedServer(c.name.upper(), c.dns_host_name.lower()) for c in computers]
        return self._merge(check_app(app), items)

    def remove(self, app: str, name: str) -> list[str]:
        """Remove a server (by name or DNS name); NotFound is not an error here."""
        app = check_app(app)
        raw = name.strip()
        key = str(ipaddress.ip_address(raw)) if is_ip(raw) else raw.split(".", 1)[0].upper()
        with self._lock:
            before = self._lists.get(app, [])
            after = [s for s in before if s.name != key]
            if len(after) != len(before):
                self._lists[app] = after
                self._save()
            return [s.name for s in after]

    # --- internals --------------------------------------------------------
    def _merge(self, app: str, items: list[ListedServer]) -> list[str]:
        with self._lock:
            by_name = {s.name: s for s in self._lists.get(app, [])}
            for item in items:
                old = by_name.get(item.name)
                # Keep a known DNS name when the new entry has none.
                by_name[item.name] = ListedServer(item.name, item.fqdn or (old.fqdn if old else ""))
            merged = sorted(by_name.values(), key=lambda s: s.name)
            if merged != self._lists.get(app, []):
                self._lists[app] = merged
                self._save()
            return [s.name for s in merged]

    def _load(self) -> dict[str, list[ListedServer]]:
        try:
            data = read_json(self._path, {})
        except (OSError, ValueError):
            log.warning("cannot read %s; starting with empty server lists", self._path)
            data = {}
        out: dict[str, list[ListedServer]] = {}
        if not isinstance(data, dict):
            return out
        for app, items in data.items():
            if not isinstance(items, list):
                continue
            good = []
            for it in items:
                try:
                    good.append(ListedServer(check_server_name(str(it["name"])).name, str(it.get("fqdn", ""))))
                except (InvalidInput, KeyError, TypeError, AttributeError):
                    continue  # a hand-edited bad entry is dropped, not fatal
            out[str(app)] = sorted(good, key=lambda s: s.name)
        return out

    def _save(self) -> None:
        data = {app: [{"name": s.name, "fqdn": s.fqdn} for s in items]
                for app, items in sorted(self._lists.items())}
        write_json(self._path, data)
