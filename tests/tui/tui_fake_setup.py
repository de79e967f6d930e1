"""Setup and configuration half of the fake ConsoleApi (see tui_fake_api.py).

Domain, discovery (the lab's own mock directory, built from the estate),
current lists, logins, pair selection and the configuration's load / save /
drafts. The tab helpers (TabsService) and the application Setup actions
(AppsSetupService: Test SQL, Get Config, target choices, like-named setup)
are core's own, so what the TUI sees matches the real façade.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from core import discovery
from core.apps import likenamed
from core.apps.common import discover_by
from core.apps.registry import get_app, protectable_app
from core.console.selection import PairSelection, check_server, ips_changed
from core.errors import AppmgrError, AuthFailed, InvalidInput, Unreachable
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.server import Server
from core.ports import DirectoryComputer
from tests.tui.tui_fake_base import FakeBase
from tests.tui.tui_fake_estate import LAB_PASSWORD, LAB_USER, SERVERS

#: the current lists a fresh fake starts with (the real console starts empty)
START_LISTS = {"fileprint": ["FS01", "FS02", "FS03"], "blackberry": ["BES01", "BES02"]}
#: the TTL of the lab's A records (what Update TTL starts from)
LAB_TTL = 1200


class FakeLists:
    """``core.server_lists.ServerLists`` in memory (what AppsSetupService uses)."""

    def __init__(self) -> None:
        self.lists = {app: list(names) for app, names in START_LISTS.items()}

    def current(self, app: str) -> list[str]:
        return sorted(self.lists.get(app, []))

    def add(self, app: str, name: str) -> list[str]:
        from core.server_lists import check_server_name

        entry = check_server_name(name).name
        names = self.lists.setdefault(app, [])
        if entry not in names:
            names.append(entry)
        return self.current(app)

    def remove(self, app: str, name: str) -> list[str]:
        key = name.strip().split(".", 1)[0].upper()
        self.lists[app] = [n for n in self.lists.get(app, []) if n != key]
        return self.current(app)


def lab_directory() -> Any:
    from core.lab.directory import lab_directory as build
    from core.lab.estate import load_estate

    return build(load_estate())


class FakeSetupMixin(FakeBase):
    calls: list[tuple[str, tuple[Any, ...]]]
    lists: FakeLists
    logged_in: set[str]
    _aliases: dict[str, str]
    _farms: dict[str, Any]

    # --- domain and discovery (F-5.1, F-5.2) ----------------------------------------
    def _remember_front_end(self, back_end: str, front_end: str) -> None:
        self._rec("remember_front_end", back_end, front_end)

    def default_domain(self, app: str) -> str:
        if not get_app(app).defaults.extra.get("forest_root"):
            return self.domain
        if self.directory_denied:
            raise AuthFailed("the cached credentials cannot read lab.example.com")
        return lab_directory().root_dse().forest_root.lower()

    def set_domain(self, name: str) -> str:
        self._rec("set_domain", name)
        self.domain = discovery.check_domain_name(name)
        return self.domain

    def domain_connection(self, domain: str) -> Any:
        from core.domains import DomainConnection

        return DomainConnection(domain.lower())

    def domain_login(self, domain: str, user: str, password: str, *, dc: str = "",
                     ca_file: str = "", tls: str = "starttls",
                     timeout: float | None = None) -> str:
        self._rec("domain_login", domain, user)
        self.last_domain_login = {"dc": dc, "ca_file": ca_file, "tls": tls}
        name = discovery.check_domain_name(domain)
        if not password:
            raise InvalidInput("password", "enter the password of this account")
        if password != LAB_PASSWORD:
            raise AuthFailed(f"directory server dc01.{name} rejected the login")
        self.directory_denied = False
        self.domain = name
        return name

    def _directory(self) -> Any:
        if self.directory_denied:
            raise AuthFailed("the cached credentials cannot read lab.example.com")
        return lab_directory()

    def discover(self, app: str, include_disabled: bool = False) -> list[DirectoryComputer]:
        self._rec("discover", app)
        if self.sql_scan_skipped(app):
            return []
        return get_app(app).discover(self._directory(), include_disabled=include_disabled)

    def sql_scan_skipped(self, app: str) -> bool:
        return self.nosqlsearch and getattr(get_app(app), "directory_query", "") == "sql_servers"

    #: computers the domain has besides the lab's (long names, disabled accounts)
    extra_computers: tuple[DirectoryComputer, ...] = ()

    def search(self, app: str, include_disabled: bool = False) -> list[DirectoryComputer]:
        self._rec("search", app, include_disabled)
        found = discover_by(self._directory(), "", include_disabled=include_disabled)
        found += [c for c in self.extra_computers if include_disabled or not c.disabled]
        return sorted(found, key=lambda c: c.name)

    def server_list(self, app: str) -> list[str]:
        return self.lists.current(get_app(app).id)

    def add_server(self, app: str, name: str) -> list[str]:
        self._rec("add_server", app, name)
        return self.lists.add(get_app(app).id, name)

    def remove_server(self, app: str, name: str) -> list[str]:
        self._rec("remove_server", app, name)
        return self.lists.remove(get_app(app).id, name)

    # --- credentials and inventories (F-5.4) ----------------------------------------
    def needs_login(self, server: str) -> bool:
        return self._aliases.get(server.upper(), server).upper() not in self.logged_in

    def login(self, server: str, user: str, password: str) -> Server:
        self._rec("login", server, user)
        inv = self.inventory(server, refresh=True)
        if password != LAB_PASSWORD:
            raise AuthFailed(f"{server} refused the user name or password of {user}.")
        self.logged_in.add(server.upper())
        return inv

    def lab_credentials(self) -> tuple[str, str] | None:
        return (LAB_USER, LAB_PASSWORD) if self.lab else None

    def inventory(self, server: str, refresh: bool = False) -> Server:
        key = self._aliases.get(server.upper(), server).upper()
        if key in self.down or key not in SERVERS:
            raise Unreachable(f"{key} does not answer (WinRM on {key} timed out)")
        return SERVERS[key]

    def pair_servers(self, cfg: ProtectionConfig) -> tuple[Server, Server]:
        """As the console: a SharePoint back end borrows the farm Get Config found."""
        src = self.inventory(cfg.source)
        farm = self._farms.get(cfg.source.upper())
        if getattr(get_app(cfg.app), "needs_farm", False) and src.apps.sharepoint is None and farm:
            src = dataclasses.replace(src, apps=dataclasses.replace(src.apps, sharepoint=farm))
        return src, self.inventory(cfg.target)

    # --- choosing a pair (F-5.5) -----------------------------------------------------
    def select_pair(self, pair: Pair) -> PairSelection:
        app, source, target = pair.parts
        self._rec("select_pair", app, source, target)
        app_id = protectable_app(app).id
        target, like_named = likenamed.parse_target(target)
        if source.upper() == target.upper():
            raise InvalidInput("target", "the target must be a different server from the source")
        sel = PairSelection(app_id, source.upper(), target.upper(), self.state,
                            like_named=like_named)
        src = tgt = None
        try:
            src = self.inventory(source)
        except AppmgrError as exc:
            sel.messages.append(f"{source.upper()} does not answer ({exc}). It may have failed "
                                f"over: select the target {target.upper()} to see its state.")
        if src is not None:
            check_server(app_id, src, "source")
        if like_named and target.upper() not in self._aliases:
            sel.messages.append(f"Set up the like-named cluster of {source.upper()}: a target "
                                "node, its network, the IP address to create, the subnet mask "
                                "and the storage resources.")
        else:
            try:
                tgt = self.inventory(target)
            except AppmgrError as exc:
                sel.messages.append(f"{target.upper()} does not answer: {exc}")
            if tgt is not None and not like_named:
                check_server(app_id, tgt, "target")
        if target.upper() == "FS03":
            sel.messages.append("FS03 has no E: volume; validation will say more.")
        saved = self._saved_config(app_id, source, target)
        if saved is not None:
            sel.reuse_offered = not ips_changed(saved, src, tgt)
        sel.reuse_offered = sel.reuse_offered or self.reuse_offered
        sel.draft = bool(self.drafts)
        return sel
