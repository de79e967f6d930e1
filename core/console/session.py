"""What one administrator's console holds between calls, shared by the services.

The Context, the pair store, the options, the server lists, and the
inventories read so far (cached per server: the setup dialog, the tabs and
the health check read one server many times). The TUI calls the services
from several thread workers at once, so the settings and the inventory
cache are behind locks.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import TYPE_CHECKING

from core.apps.registry import get_app
from core.logs import setup_logging
from core.model.apps import SharePointFarm
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.protection.like_named import routed, saved_node
from core.server_lists import ServerLists
from core.settings import Settings, load_settings, save_settings
from core.store import PairStore

if TYPE_CHECKING:
    from core.context import Context


class Session:
    """One console's state over a Context (lab or real estate).

    ``advanced`` (--advanced) unlocks the advanced options, ``nosqlsearch``
    (--nosqlsearch) skips the automatic SQL scan, ``alt_dns`` (--altdns) says
    DNS updates use plain RFC 2136 (the Context's DNS adapter does it).
    """

    def __init__(self, ctx: Context, *, advanced: bool = False, debug: bool = False,
                 lab_account: tuple[str, str] | None = None, nosqlsearch: bool = False,
                 alt_dns: bool = False) -> None:
        self.ctx = ctx
        self.lab = ctx.lab
        self.nosqlsearch = nosqlsearch
        self.lab_account = lab_account
        #: like-named targets (``EVS1_LN``) -> the target cluster node they are read from
        self.aliases: dict[str, str] = {}
        #: SharePoint back ends -> the farm their front end's Get Config read
        self.farms: dict[str, SharePointFarm] = {}
        self.store = PairStore(ctx.paths)
        self.lists = ServerLists(ctx.paths.config / "server_lists.json")
        self._settings_path = ctx.paths.config / "settings.json"
        self._settings_lock = threading.Lock()
        self._settings: Settings = load_settings(self._settings_path)
        ctx.settings = self._settings
        self.advanced = advanced or self._settings.show_advanced
        self.alt_dns = alt_dns or self._settings.alt_dns
        self._inventories: dict[str, Server] = {}
        self._inv_lock = threading.Lock()
        setup_logging(ctx.paths.logs, max_bytes=self._settings.max_log_bytes,
                      verbose=self._settings.verbose_logging, debug=debug)

    # --- the domain queried -----------------------------------------------------------
    @property
    def domain(self) -> str:
        return self.ctx.domain

    @domain.setter
    def domain(self, name: str) -> None:
        self.ctx.domain = name

    # --- options ----------------------------------------------------------------------
    def settings(self) -> Settings:
        with self._settings_lock:
            return self._settings

    def update_settings(self, new: Settings) -> None:
        """Save ``new`` and use it from now on (the Context's copy too)."""
        with self._settings_lock:
            save_settings(new, self._settings_path)
            self._settings = new
            self.ctx.settings = new

    def advanced_shown(self, app: str) -> bool:
        """Whether the Advanced options show: --advanced, or SharePoint (always)."""
        return self.advanced or get_app(app).defaults.advanced_shown

    # --- servers and their inventories ------------------------------------------------
    def node_of(self, server: str) -> str | None:
        """The standby cluster node a like-named target is read from: the one just
        connected to in the setup dialog, else the pair's saved configuration's."""
        key = server.strip().upper()
        return self.aliases.get(key) or saved_node(self.store, key)

    def routed_ctx(self) -> Context:
        """The Context for validation and protection: a like-named target through its node."""
        return routed(self.ctx, self.node_of)

    def inventory(self, server: str, refresh: bool = False) -> Server:
        """A server's inventory (cached); a like-named target reads its cluster node."""
        key = (self.node_of(server) or server).upper()
        with self._inv_lock:
            if not refresh and key in self._inventories:
                return self._inventories[key]
        inv = self.ctx.host(key).inventory()
        self.remember_inventory(key, inv)
        return inv

    def remember_inventory(self, key: str, inv: Server) -> None:
        with self._inv_lock:
            self._inventories[key.upper()] = inv

    def cached_inventory(self, name: str) -> Server | None:
        """The inventory read earlier, if any (never a remote call)."""
        with self._inv_lock:
            return self._inventories.get(name.upper())

    def source_inventory(self, app: str, source: str) -> Server:
        """The source as its application sees it: a SharePoint back end carries the farm
        its front end's Get Config found."""
        inv = self.inventory(source)
        farm = self.farms.get(source.upper())
        if _needs_farm(app) and inv.apps.sharepoint is None and farm:
            inv = dataclasses.replace(inv, apps=dataclasses.replace(inv.apps, sharepoint=farm))
        return inv

    def pair_servers(self, cfg: ProtectionConfig) -> tuple[Server, Server]:
        """Both inventories of a pair (a SharePoint back end gets its farm from Get Config)."""
        return self.source_inventory(cfg.app, cfg.source), self.inventory(cfg.target)


def _needs_farm(app: str) -> bool:
    # only SharePoint's module has the attribute: the Application protocol leaves it out
    return bool(getattr(get_app(app), "needs_farm", False))
