"""Setup and configuration half of the console façade (SPEC F-5, F-6)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from core import discovery
from core.apps.registry import applications, get_app, protectable_app
from core.config.check import config_problems
from core.config.defaults import default_config
from core.config.edit import apply_assignments
from core.console.selection import (
    PairSelection,
    check_roles,
    ips_changed,
    source_unreachable_note,
)
from core.credentials.usernames import parse_user, same_user
from core.errors import AppmgrError, AuthFailed, InvalidInput, StateError
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.model.state import PairState
from core.ports import Credential, DirectoryComputer
from core.protection.pair import plan_text
from core.protection.plan import phases_of
from core.settings import remember_pair_defaults, with_last_pair

if TYPE_CHECKING:
    from core.console.console import Console

#: states in which the configuration may be edited (F-6.6)
EDITABLE = {PairState.UNPROTECTED, PairState.VALIDATED, PairState.ERROR}


class SetupMixin:
    _inventories: dict[str, Server]
    _inv_lock: threading.Lock

    # --- domain and servers ----------------------------------------------------------
    def applications(self: Console) -> list:
        return applications()

    def default_domain(self: Console, app: str) -> str:
        return self.domain

    def set_domain(self: Console, name: str) -> str:
        self.domain = discovery.check_domain_name(name)
        return self.domain

    def discover(self: Console, app: str) -> list[DirectoryComputer]:
        directory = self.ctx.directory()
        try:
            found = discovery.discover(directory, get_app(app).id)
        finally:
            directory.close()
        log_action("discover", app=app, found=len(found))
        return found

    def server_list(self: Console, app: str) -> list[str]:
        return self.lists.current(get_app(app).id)

    def add_server(self: Console, app: str, name: str) -> list[str]:
        return self.lists.add(get_app(app).id, name)

    def add_discovered(self: Console, app: str, computers: list[DirectoryComputer]) -> list[str]:
        return self.lists.add_discovered(get_app(app).id, computers)

    def remove_server(self: Console, app: str, name: str) -> list[str]:
        return self.lists.remove(get_app(app).id, name)

    # --- credentials and inventories ------------------------------------------------
    def needs_login(self: Console, server: str) -> bool:
        return self.ctx.secrets.get("server", server) is None

    def login(self: Console, server: str, user: str, password: str) -> Server:
        domain, name = parse_user(user, self.domain)
        if not password:
            raise InvalidInput("password", "enter the password of this account")
        cred = Credential(f"{domain}\\{name}" if "." not in domain else f"{name}@{domain}",
                          password)
        old = self.ctx.secrets.get("server", server)
        self.ctx.secrets.put("server", server, cred)
        try:
            inv = self.inventory(server, refresh=True)
        except AuthFailed:
            if old is None:
                self.ctx.secrets.delete("server", server)
            else:
                self.ctx.secrets.put("server", server, old)
            raise
        members = inv.admin_group_members
        if members and not any(same_user(cred.user, m, self.domain) for m in members):
            raise AuthFailed(f"{cred.user} is not in the engine's admin group on {server.upper()}")
        log_action("login", server=server, user=cred.user)
        return inv

    def lab_credentials(self: Console) -> tuple[str, str] | None:
        return self.lab_account

    def inventory(self: Console, server: str, refresh: bool = False) -> Server:
        key = server.upper()
        with self._inv_lock:
            if not refresh and key in self._inventories:
                return self._inventories[key]
        inv = self.ctx.host(server).inventory()
        with self._inv_lock:
            self._inventories[key] = inv
        return inv

    def select_pair(self: Console, app: str, source: str, target: str) -> PairSelection:
        app_id = protectable_app(app).id
        check_roles(self.store, app_id, source, target)
        rec = self.store.record(app_id, source, target)
        sel = PairSelection(app_id, source.upper(), target.upper(), rec.pair_state)
        src_inv = tgt_inv = None
        try:
            src_inv = self.inventory(source)
        except AppmgrError as exc:
            sel.messages.append(source_unreachable_note(source, target, exc))
        try:
            tgt_inv = self.inventory(target)
        except AppmgrError as exc:
            sel.messages.append(f"{target.upper()} does not answer: {exc}")
        if rec.pair_state == PairState.FAILURE_DETECTED:
            sel.failover_offered = True
            sel.messages.append(f"{target.upper()}'s monitor has declared {source.upper()} "
                                "failed: fail over now?")
        saved = self.store.load_config(app_id, source, target)
        if saved is not None:
            sel.reuse_offered = not ips_changed(saved, src_inv, tgt_inv)
            if not sel.reuse_offered:
                sel.messages.append("The servers' addresses changed since this pair was "
                                    "configured: its previous configuration is not reused.")
        sel.draft = self.store.load_draft(app_id, source, target) is not None
        self._update_settings(with_last_pair(self.settings(), app_id, source, target))
        log_action("select pair", app=app_id, source=source, target=target)
        return sel

    # --- configuration ---------------------------------------------------------------
    def load_config(self: Console, app: str, source: str, target: str, *,
                    reuse: bool = True) -> ProtectionConfig:
        app_id = protectable_app(app).id
        if reuse:
            saved = self.store.load_config(app_id, source, target)
            if saved is not None:
                return saved
        return self.default_config(app_id, source, target)

    def load_draft(self: Console, app: str, source: str, target: str) -> ProtectionConfig | None:
        return self.store.load_draft(get_app(app).id, source, target)

    def default_config(self: Console, app: str, source: str, target: str) -> ProtectionConfig:
        src, tgt = self.inventory(source), self.inventory(target)
        return default_config(app, src, tgt, dns_ttl=self._current_ttl(src),
                              pair_defaults=self.settings().pair_defaults)

    def _current_ttl(self: Console, src: Server) -> int | None:
        for ip in src.dns_servers:
            try:
                rr = self.ctx.dns(ip, None).lookup(src.fqdn, "A")
            except AppmgrError:
                continue
            return rr.ttl if rr else None
        return None

    def apply(self: Console, cfg: ProtectionConfig, assignments: list[str]) -> ProtectionConfig:
        return apply_assignments(cfg, assignments)

    def config_warnings(self: Console, cfg: ProtectionConfig) -> list[str]:
        probs = config_problems(cfg, self.inventory(cfg.source), self.inventory(cfg.target))
        return [str(w) for w in probs.warnings]

    def save_config(self: Console, cfg: ProtectionConfig) -> None:
        state = self.store.record(cfg.app, cfg.source, cfg.target).pair_state
        if state not in EDITABLE:
            raise StateError(f"the pair is {state.value}: disable protection before changing "
                             "its configuration")
        probs = config_problems(cfg, self.inventory(cfg.source), self.inventory(cfg.target))
        if probs.errors:
            raise probs.errors[0]
        self.store.save_config(cfg)
        self._update_settings(remember_pair_defaults(self.settings(), cfg))
        log_action("save configuration", pair=f"{cfg.source}->{cfg.target}")

    def save_draft(self: Console, cfg: ProtectionConfig) -> None:
        self.store.save_draft(cfg)

    def discard_draft(self: Console, cfg: ProtectionConfig) -> None:
        self.store.discard_draft(cfg.app, cfg.source, cfg.target)

    def plan_text(self: Console, cfg: ProtectionConfig, phase: str) -> str:
        return plan_text(self.ctx, self.store, cfg, phase)

    def plan_phases(self: Console, cfg: ProtectionConfig) -> list[str]:
        return list(phases_of(cfg))

    def dns_test(self: Console, cfg: ProtectionConfig) -> list[str]:
        from core.validation.context import dns_credential

        src = self.inventory(cfg.source)
        cred = dns_credential(self.ctx, cfg, self.domain)
        lines = []
        for entry in cfg.failover.dns.servers:
            addr = entry.ip if entry.port == 53 else f"{entry.ip}:{entry.port}"
            dns = self.ctx.dns(addr, cred)
            zone = dns.zone_of(src.fqdn)
            dns.probe_update(zone)
            lines.append(f"{addr}: answers for {zone}; the DNS credentials may update it")
        if not lines:
            raise InvalidInput("failover.dns.servers", "add at least one DNS server")
        return lines
