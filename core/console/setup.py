"""Setup half of the console façade (SPEC F-5): domain, discovery, logins, pairs."""

from __future__ import annotations

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
from core.dns.names import is_ip
from core.errors import AppmgrError, AuthFailed, InvalidInput
from core.logs import log_action
from core.model.pair import Pair
from core.model.state import PairState
from core.ports import DirectoryComputer
from core.server_lists import ListedServer, check_server_name
from core.settings import with_last_pair

if TYPE_CHECKING:
    from core.apps.base import Application
    from core.console.session import Session


class SetupService:
    """Setup's choices: applications, the domain, the server lists, the pair."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # --- domain and servers ----------------------------------------------------------
    def applications(self) -> list[Application]:
        return applications()

    def default_domain(self, app: str) -> str:
        """The domain prefilled on Setup; Exchange: the forest root, where its objects
        live (F-5.1). AuthFailed when the cached credentials cannot read the directory
        (the domain login dialog asks for others)."""
        if not get_app(app).defaults.extra.get("forest_root"):
            return self.s.domain
        try:
            directory = self.s.ctx.directory()
            try:
                root = directory.root_dse().forest_root
            finally:
                directory.close()
        except AuthFailed:
            raise
        except AppmgrError:
            return self.s.domain
        return root.lower() or self.s.domain

    def set_domain(self, name: str) -> str:
        """Use ``name`` for discovery and the checks from now on (Setup's Domain field)."""
        self.s.domain = discovery.check_domain_name(name)
        self.s.ctx.domain = self.s.domain
        return self.s.domain

    def discover(self, app: str, include_disabled: bool = False) -> list[DirectoryComputer]:
        """The application's servers (F-5.2), cluster nodes hidden, disabled computers
        hidden unless asked for; with --nosqlsearch the SQL scan (SQL, SharePoint back
        ends) is skipped (:meth:`sql_scan_skipped`): use Advanced Find."""
        application = get_app(app)
        if self.sql_scan_skipped(app):
            log_action("discover skipped (--nosqlsearch)", app=application.id)
            return []
        directory = self.s.ctx.directory()
        try:
            found = application.discover(directory, include_disabled=include_disabled)
        finally:
            directory.close()
        log_action("discover", app=application.id, found=len(found))
        return found

    def sql_scan_skipped(self, app: str) -> bool:
        """True when --nosqlsearch keeps :meth:`discover` from scanning for ``app``."""
        return bool(self.s.nosqlsearch) and getattr(get_app(app), "directory_query",
                                                  "") == "sql_servers"

    def search(self, app: str, include_disabled: bool = False) -> list[DirectoryComputer]:
        """Advanced Find "Search": every server of the domain, cluster nodes hidden,
        disabled computer accounts only with ``include_disabled``."""
        directory = self.s.ctx.directory()
        try:
            found = discovery.discover(directory, get_app(app).id,
                                       include_disabled=include_disabled)
        finally:
            directory.close()
        log_action("search", app=app, found=len(found))
        return found

    def server_list(self, app: str) -> list[str]:
        """The current list, plus the servers of pairs this application already has
        (a pair protected headless shows up in the console without Find…)."""
        app_id = get_app(app).id
        paired = {n for r in self.s.store.records() if r.app == app_id for n in (r.source, r.target)}
        return sorted(set(self.s.lists.current(app_id)) | paired)

    def add_server(self, app: str, name: str) -> list[str]:
        """Add a server by name, or by IPv4/IPv6 address: listed under its DNS name where
        a reverse lookup finds one (reached at the address typed), else by the address."""
        app_id = get_app(app).id
        entry = check_server_name(name)
        if is_ip(entry.name):
            entry = self._named_address(entry)
        log_action("add server", app=app_id, server=entry.name)
        return self.s.lists.add_entry(app_id, entry)

    def _named_address(self, entry: ListedServer) -> ListedServer:
        reverse = self.s.ctx.reverse
        fqdn = reverse(entry.name) if reverse is not None else None
        if fqdn:
            try:
                named = check_server_name(fqdn)
            except InvalidInput:  # a PTR name that is no computer name: keep the address
                return entry
            if named.fqdn:
                return named
        return entry

    def add_discovered(self, app: str, computers: list[DirectoryComputer]) -> list[str]:
        return self.s.lists.add_discovered(get_app(app).id, computers)

    def remove_server(self, app: str, name: str) -> list[str]:
        return self.s.lists.remove(get_app(app).id, name)

    def select_pair(self, pair: Pair) -> PairSelection:
        """Choose a pair: the selection rules of F-5.5 (and F-5.6 like-named targets)."""
        app, source, target = pair.parts
        app_id = protectable_app(app).id
        target, like_named = likenamed.parse_target(target)
        check_roles(self.s.store, Pair(app_id, source, target))
        rec = self.s.store.record(Pair(app_id, source, target))
        sel = PairSelection(app_id, source.upper(), target.upper(), rec.pair_state,
                            like_named=like_named)
        src_inv = tgt_inv = None
        try:
            src_inv = self.s.inventory(source)
        except AppmgrError as exc:
            sel.messages.append(source_unreachable_note(source, target, exc))
        if src_inv is not None:
            check_server(app_id, src_inv, "source")
            if like_named and not likenamed.offers_like_named(src_inv):
                raise InvalidInput("target", f"{src_inv.name} is not an Exchange 2003 virtual "
                                             "server: like-named clusters are for Exchange 2003")
        if like_named and self.s.node_of(target) is None:
            sel.messages.append(f"Set up the like-named cluster of {source.upper()}: a target "
                                "node, its network, the IP address to create, the subnet mask "
                                "and the storage resources.")
        else:
            try:
                tgt_inv = self.s.inventory(target)
            except AppmgrError as exc:
                sel.messages.append(f"{target.upper()} does not answer: {exc}")
            if tgt_inv is not None and not like_named:
                check_server(app_id, tgt_inv, "target")
        if rec.pair_state == PairState.FAILURE_DETECTED:
            sel.failover_offered = True
            sel.messages.append(f"{target.upper()}'s monitor has declared {source.upper()} "
                                "failed: fail over now?")
        saved = self.s.store.load_config(Pair(app_id, source, target))
        if saved is not None:
            sel.reuse_offered = not ips_changed(saved, src_inv, tgt_inv)
            if not sel.reuse_offered:
                sel.messages.append("The servers' addresses changed since this pair was "
                                    "configured: its previous configuration is not reused.")
        sel.draft = self.s.store.load_draft(Pair(app_id, source, target)) is not None
        self.s.update_settings(with_last_pair(self.s.settings(), Pair(app_id, source, target)))
        log_action("select pair", app=app_id, source=source, target=target)
        return sel
