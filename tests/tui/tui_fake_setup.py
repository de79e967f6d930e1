"""Setup and configuration half of the fake ConsoleApi (see tui_fake_api.py).

Domain, discovery (the lab's own mock directory, built from the estate),
current lists, logins, pair selection and the configuration's load / save /
drafts. The tab helpers (TabsMixin) and the application Setup actions
(AppsSetupMixin: Test SQL, Get Config, target choices, like-named setup)
are core's own, so what the TUI sees matches the real façade.
"""

from __future__ import annotations

import dataclasses
from copy import deepcopy
from typing import Any

from tui_fake_estate import LAB_PASSWORD, LAB_USER, SERVERS

from core import discovery
from core.apps import likenamed
from core.apps.common import discover_by
from core.apps.registry import get_app, protectable_app
from core.config.check import config_problems
from core.config.defaults import default_config
from core.config.edit import apply_assignments
from core.console.selection import PairSelection, check_server, ips_changed
from core.errors import AppmgrError, AuthFailed, InvalidInput, StateError, Unreachable
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.model.state import PairState as ST
from core.ports import DirectoryComputer

#: the current lists a fresh fake starts with (the real console starts empty)
START_LISTS = {"fileprint": ["FS01", "FS02", "FS03"], "blackberry": ["BES01", "BES02"]}
#: the TTL of the lab's A records (what Update TTL starts from)
LAB_TTL = 1200


class FakeLists:
    """``core.server_lists.ServerLists`` in memory (what AppsSetupMixin uses)."""

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


class FakeSetupMixin:
    calls: list[tuple[str, tuple[Any, ...]]]
    lists: FakeLists
    logged_in: set[str]
    _aliases: dict[str, str]
    _farms: dict[str, Any]

    # --- domain and discovery (F-5.1, F-5.2) ----------------------------------------
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

    def domain_login(self, domain: str, user: str, password: str) -> str:
        self._rec("domain_login", domain, user)
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

    def discover(self, app: str) -> list[DirectoryComputer]:
        self._rec("discover", app)
        application = get_app(app)
        if self.nosqlsearch and getattr(application, "directory_query", "") == "sql_servers":
            return []
        return application.discover(self._directory())

    def search(self, app: str) -> list[DirectoryComputer]:
        self._rec("search", app)
        return discover_by(self._directory(), "")

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
    def select_pair(self, app: str, source: str, target: str) -> PairSelection:
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

    # --- configuration (F-6) ---------------------------------------------------------
    def _saved_config(self, app: str, source: str, target: str) -> ProtectionConfig | None:
        for cfg in reversed(self.saved):
            if (cfg.app, cfg.source, cfg.target) == (app, source.upper(), target.upper()):
                return deepcopy(cfg)
        return None

    def load_config(self, app: str, source: str, target: str, *,
                    reuse: bool = True) -> ProtectionConfig:
        self._rec("load_config", app, source, target, reuse)
        app_id = protectable_app(app).id
        target, like_named = likenamed.parse_target(target)
        saved = self._saved_config(app_id, source, target) if reuse else None
        if saved is not None:
            return saved
        src, tgt = self.pair_servers(ProtectionConfig(app_id, source, target))
        cfg = default_config(app_id, src, tgt, dns_ttl=LAB_TTL,
                             compression=self.target_compression.get(target.upper()))
        if like_named:
            cfg.target = target.upper()
            cfg.advanced.set_name = get_app(app_id).set_name(cfg.source, cfg.target)
            cfg.cluster = likenamed.choices(src, tgt).setup
        return cfg

    def apply(self, cfg: ProtectionConfig, assignments: list[str]) -> ProtectionConfig:
        self._rec("apply", [a for a in assignments if "password" not in a])
        return apply_assignments(cfg, assignments, advanced=self.advanced)

    def save_config(self, cfg: ProtectionConfig) -> list[str]:
        """As the console: refused while protected, first cross-field error raised,
        compression is one setting per target (the notice says so)."""
        self._rec("save_config", cfg.source, cfg.target)
        if self.state not in (ST.UNPROTECTED, ST.VALIDATED, ST.ERROR):
            raise StateError(f"the pair is {self.state.value}: disable protection before "
                             "changing its configuration")
        problems = config_problems(cfg, *self.pair_servers(cfg))
        if problems.errors:
            raise problems.errors[0]
        self.saved.append(deepcopy(cfg))
        self.drafts.clear()
        target = cfg.target.upper()
        before = self.target_compression.get(target)
        self.target_compression[target] = cfg.connection.compression
        others = self.other_pairs.get(target, [])
        if before is None or before == cfg.connection.compression or not others:
            return []
        level = cfg.connection.compression
        shown = "off" if level == 0 else f"level {level}"
        listed = ", ".join(f"{o} → {target} ({cfg.app})" for o in others)
        return [f"Compression is one setting per target: every pair to {target} now uses "
                f"{shown} ({listed}); protected pairs take it when enabled again."]

    def save_draft(self, cfg: ProtectionConfig) -> None:
        self._rec("save_draft", cfg.source, cfg.target)
        self.drafts.append(deepcopy(cfg))

    def discard_draft(self, cfg: ProtectionConfig) -> None:
        self._rec("discard_draft", cfg.source, cfg.target)
        self.drafts.clear()

    def load_draft(self, app: str, source: str, target: str) -> ProtectionConfig | None:
        self._rec("load_draft", app, source, target)
        return deepcopy(self.drafts[-1]) if self.drafts else None

    def config_warnings(self, cfg: ProtectionConfig) -> list[str]:
        return [str(w) for w in config_problems(cfg, *self.pair_servers(cfg)).warnings]

    def set_dns_credentials(self, cfg: ProtectionConfig, user: str,
                            password: str) -> ProtectionConfig:
        self._rec("set_dns_credentials", user)
        if not password:
            raise InvalidInput("failover.dns.password", "enter the DNS account's password")
        self.dns_password_set = True
        return apply_assignments(cfg, [f"failover.dns.user={user}"])

    def dns_test(self, cfg: ProtectionConfig) -> list[str]:
        self._rec("dns_test", cfg.failover.dns.user)
        if not cfg.failover.dns.servers:
            raise InvalidInput("failover.dns.servers", "add at least one DNS server")
        return [f"{s.ip}: answers for lab.example.com.; the DNS credentials may update it"
                for s in cfg.failover.dns.servers]

    def plan_text(self, cfg: ProtectionConfig, phase: str) -> str:
        from core.protection.plan import phase_text

        return phase_text(cfg, self._facts(cfg), phase)
