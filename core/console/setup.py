"""Setup half of the console façade (SPEC F-5): domain, discovery, logins, pairs."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from core import discovery
from core.apps import likenamed
from core.apps.registry import applications, get_app, protectable_app
from core.console.selection import (
    PairSelection,
    check_roles,
    check_server,
    ips_changed,
    source_unreachable_note,
)
from core.credentials.usernames import parse_user, same_user
from core.dns.names import is_ip
from core.errors import AppmgrError, AuthFailed, InvalidInput
from core.logs import log_action
from core.model.server import Server
from core.model.state import PairState
from core.ports import Credential, DirectoryComputer
from core.protection.like_named import routed, saved_node
from core.server_lists import ListedServer, check_server_name
from core.settings import with_last_pair

if TYPE_CHECKING:
    from core.console.console import Console
    from core.context import Context


class SetupMixin:
    _inventories: dict[str, Server]
    _inv_lock: threading.Lock
    #: like-named targets (``EVS1_LN``) -> the target cluster node they are read from
    _aliases: dict[str, str]

    # --- domain and servers ----------------------------------------------------------
    def applications(self: Console) -> list:
        return applications()

    def default_domain(self: Console, app: str) -> str:
        """The domain prefilled on Setup; Exchange: the forest root, where its objects
        live (F-5.1). AuthFailed when the cached credentials cannot read the directory
        (the domain login dialog asks for others)."""
        if not get_app(app).defaults.extra.get("forest_root"):
            return self.domain
        try:
            directory = self.ctx.directory()
            try:
                root = directory.root_dse().forest_root
            finally:
                directory.close()
        except AuthFailed:
            raise
        except AppmgrError:
            return self.domain
        return root.lower() or self.domain

    def set_domain(self: Console, name: str) -> str:
        """Use ``name`` for discovery and the checks from now on (Setup's Domain field)."""
        self.domain = discovery.check_domain_name(name)
        self.ctx.domain = self.domain
        return self.domain

    def discover(self: Console, app: str, include_disabled: bool = False) -> list[DirectoryComputer]:
        """The application's servers (F-5.2), cluster nodes hidden, disabled computers
        hidden unless asked for; with --nosqlsearch the SQL scan (SQL, SharePoint back
        ends) is skipped (:meth:`sql_scan_skipped`): use Advanced Find."""
        application = get_app(app)
        if self.sql_scan_skipped(app):
            log_action("discover skipped (--nosqlsearch)", app=application.id)
            return []
        directory = self.ctx.directory()
        try:
            found = application.discover(directory, include_disabled=include_disabled)
        finally:
            directory.close()
        log_action("discover", app=application.id, found=len(found))
        return found

    def sql_scan_skipped(self: Console, app: str) -> bool:
        """True when --nosqlsearch keeps :meth:`discover` from scanning for ``app``."""
        return bool(self.nosqlsearch) and getattr(get_app(app), "directory_query",
                                                  "") == "sql_servers"

    def search(self: Console, app: str, include_disabled: bool = False) -> list[DirectoryComputer]:
        """Advanced Find "Search": every server of the domain, cluster nodes hidden,
        disabled computer accounts only with ``include_disabled``."""
        directory = self.ctx.directory()
        try:
            found = discovery.discover(directory, get_app(app).id,
                                       include_disabled=include_disabled)
        finally:
            directory.close()
        log_action("search", app=app, found=len(found))
        return found

    def server_list(self: Console, app: str) -> list[str]:
        """The current list, plus the servers of pairs this application already has
        (a pair protected headless shows up in the console without Find…)."""
        app_id = get_app(app).id
        paired = {n for r in self.store.records() if r.app == app_id for n in (r.source, r.target)}
        return sorted(set(self.lists.current(app_id)) | paired)

    def add_server(self: Console, app: str, name: str) -> list[str]:
        """Add a server by name, or by IPv4/IPv6 address: listed under its DNS name where
        a reverse lookup finds one (reached at the address typed), else by the address."""
        app_id = get_app(app).id
        entry = check_server_name(name)
        if is_ip(entry.name):
            entry = self._named_address(entry)
        log_action("add server", app=app_id, server=entry.name)
        return self.lists.add_entry(app_id, entry)

    def _named_address(self: Console, entry: ListedServer) -> ListedServer:
        reverse = self.ctx.reverse
        fqdn = reverse(entry.name) if reverse is not None else None
        if fqdn:
            try:
                named = check_server_name(fqdn)
            except InvalidInput:  # a PTR name that is no computer name: keep the address
                return entry
            if named.fqdn:
                return named
        return entry

    def add_discovered(self: Console, app: str, computers: list[DirectoryComputer]) -> list[str]:
        return self.lists.add_discovered(get_app(app).id, computers)

    def remove_server(self: Console, app: str, name: str) -> list[str]:
        return self.lists.remove(get_app(app).id, name)

    # --- credentials and inventories ------------------------------------------------
    def needs_login(self: Console, server: str) -> bool:
        return self.ctx.secrets.get("server", self._node_of(server) or server) is None

    def _node_of(self: Console, server: str) -> str | None:
        """The standby cluster node a like-named target is read from: the one just
        connected to in the setup dialog, else the pair's saved configuration's."""
        key = server.strip().upper()
        return self._aliases.get(key) or saved_node(self.store, key)

    def _routed_ctx(self: Console) -> Context:
        """The Context for validation and protection: a like-named target through its node."""
        return routed(self.ctx, self._node_of)

    def login(self: Console, server: str, user: str, password: str) -> Server:
        """The server login dialog (F-5.4): check the account on ``server``, then cache it.
        Only what the server accepted is cached: an unreachable server, a rejected
        password or an account outside the engine's admin group leaves the cache as it was."""
        domain, name = parse_user(user, self.domain)
        if not password:
            raise InvalidInput("password", "enter the password of this account")
        cred = Credential(f"{domain}\\{name}" if "." not in domain else f"{name}@{domain}",
                          password)
        key = (self._node_of(server) or server).upper()
        inv = self._inventory_as(server, key, cred)
        members = inv.admin_group_members
        if members and not any(same_user(cred.user, m, self.domain) for m in members):
            raise AuthFailed(f"{cred.user} is not in the engine's admin group on {server.upper()}")
        self.ctx.secrets.put("server", server, cred)
        with self._inv_lock:
            self._inventories[key] = inv
        log_action("login", server=server, user=cred.user)
        return inv

    def _inventory_as(self: Console, server: str, key: str, cred: Credential) -> Server:
        """``key``'s inventory read with ``cred`` (not the cached credential)."""
        if self.ctx.host_as is not None:
            return self.ctx.host_as(key, cred).inventory()
        # A Context without host_as (test doubles): try the credential in the cache and
        # put the old one back whatever the outcome but success.
        old = self.ctx.secrets.get("server", server)
        self.ctx.secrets.put("server", server, cred)
        try:
            return self.ctx.host(key).inventory()
        finally:
            if old is None:
                self.ctx.secrets.delete("server", server)
            else:
                self.ctx.secrets.put("server", server, old)

    def lab_credentials(self: Console) -> tuple[str, str] | None:
        return self.lab_account

    def inventory(self: Console, server: str, refresh: bool = False) -> Server:
        """A server's inventory (cached); a like-named target reads its cluster node."""
        key = (self._node_of(server) or server).upper()
        with self._inv_lock:
            if not refresh and key in self._inventories:
                return self._inventories[key]
        inv = self.ctx.host(key).inventory()
        with self._inv_lock:
            self._inventories[key] = inv
        return inv

    def select_pair(self: Console, app: str, source: str, target: str) -> PairSelection:
        """Choose a pair: the selection rules of F-5.5 (and F-5.6 like-named targets)."""
        app_id = protectable_app(app).id
        target, like_named = likenamed.parse_target(target)
        check_roles(self.store, app_id, source, target)
        rec = self.store.record(app_id, source, target)
        sel = PairSelection(app_id, source.upper(), target.upper(), rec.pair_state,
                            like_named=like_named)
        src_inv = tgt_inv = None
        try:
            src_inv = self.inventory(source)
        except AppmgrError as exc:
            sel.messages.append(source_unreachable_note(source, target, exc))
        if src_inv is not None:
            check_server(app_id, src_inv, "source")
            if like_named and not likenamed.offers_like_named(src_inv):
                raise InvalidInput("target", f"{src_inv.name} is not an Exchange 2003 virtual "
                                             "server: like-named clusters are for Exchange 2003")
        if like_named and self._node_of(target) is None:
            sel.messages.append(f"Set up the like-named cluster of {source.upper()}: a target "
                                "node, its network, the IP address to create, the subnet mask "
                                "and the storage resources.")
        else:
            try:
                tgt_inv = self.inventory(target)
            except AppmgrError as exc:
                sel.messages.append(f"{target.upper()} does not answer: {exc}")
            if tgt_inv is not None and not like_named:
                check_server(app_id, tgt_inv, "target")
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
