"""``Console``: the façade over core that the TUI and the CLI call (see ``api``)."""

from __future__ import annotations

import threading
from typing import Any

from core.console.apps_setup import AppsSetupMixin
from core.console.configure import ConfigureMixin
from core.console.dns_account import DnsAccountMixin
from core.console.domain import DomainMixin
from core.console.protect import ProtectMixin
from core.console.setup import SetupMixin
from core.console.tabs import TabsMixin
from core.console.wmi_account import WmiAccountMixin
from core.context import Context
from core.logs import log_action as _log_action
from core.logs import setup_logging
from core.model.server import Server
from core.server_lists import ServerLists
from core.settings import Settings, load_settings, save_settings, set_option
from core.store import PairStore


class Console(SetupMixin, DomainMixin, AppsSetupMixin, ConfigureMixin, DnsAccountMixin,
              WmiAccountMixin, TabsMixin, ProtectMixin):
    """One administrator's session over a Context (lab or real estate).

    ``advanced`` (--advanced) unlocks the advanced options, ``nosqlsearch``
    (--nosqlsearch) skips the automatic SQL scan, ``alt_dns`` (--altdns)
    says DNS updates use plain RFC 2136 (the Context's DNS adapter does it).
    """

    def __init__(self, ctx: Context, *, advanced: bool = False, debug: bool = False,
                 lab_account: tuple[str, str] | None = None, nosqlsearch: bool = False,
                 alt_dns: bool = False) -> None:
        self.ctx = ctx
        self.lab = ctx.lab
        self.nosqlsearch = nosqlsearch
        self._aliases: dict[str, str] = {}
        self._farms: dict[str, object] = {}
        self.store = PairStore(ctx.paths)
        self._settings_path = ctx.paths.config / "settings.json"
        self._settings_lock = threading.Lock()
        self._settings: Settings = load_settings(self._settings_path)
        ctx.settings = self._settings
        self.advanced = advanced or self._settings.show_advanced
        self.alt_dns = alt_dns or self._settings.alt_dns
        self.domain = ctx.domain
        self.lab_account = lab_account
        self.lists = ServerLists(ctx.paths.config / "server_lists.json")
        self._inventories: dict[str, Server] = {}
        self._inv_lock = threading.Lock()
        self._log = setup_logging(ctx.paths.logs, max_bytes=self._settings.max_log_bytes,
                                  verbose=self._settings.verbose_logging, debug=debug)

    # --- options (F-4) ---------------------------------------------------------------
    def settings(self) -> Settings:
        with self._settings_lock:
            return self._settings

    def set_option(self, key: str, value: str) -> Settings:
        new = set_option(self.settings(), key, value)
        self._update_settings(new)
        _log_action("option", key=key)
        return new

    def set_options(self, values: dict[str, str]) -> Settings:
        """Validate every value first, then save once: all or nothing (F-4)."""
        new = self.settings()
        for key, value in values.items():
            new = set_option(new, key, value)
        self._update_settings(new)
        _log_action("options", keys=",".join(sorted(values)))
        return new

    def _update_settings(self, new: Settings) -> None:
        with self._settings_lock:
            save_settings(new, self._settings_path)
            self._settings = new
            self.ctx.settings = new

    def clear_credentials(self) -> int:
        n = self.ctx.secrets.clear()
        _log_action("clear cached credentials", removed=n)
        return n

    def log_action(self, text: str, **fields: Any) -> None:
        _log_action(text, **fields)
