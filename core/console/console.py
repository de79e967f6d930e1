"""``Console``: the façade the TUI and the CLI call — it only composes the services.

Each service is one file with one reason to change (``setup``, ``configure``,
``protection`` …); they share one :class:`~core.console.session.Session`.
Callers name the service: ``console.protection.failover(...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.console.apps_setup import AppsSetupService
from core.console.configure import ConfigureService
from core.console.dns_account import DnsAccountService
from core.console.domain import DomainService
from core.console.logs import LogsService
from core.console.monitoring import MonitoringService
from core.console.options import OptionsService
from core.console.protection import ProtectionService
from core.console.server_login import ServerLoginService
from core.console.session import Session
from core.console.setup import SetupService
from core.console.snapshots import SnapshotsService
from core.console.tabs import TabsService
from core.console.tools import ToolsService
from core.console.validation import ValidationService
from core.console.wmi_account import WmiAccountService

if TYPE_CHECKING:
    from core.context import Context
    from core.server_lists import ServerLists
    from core.store import PairStore


class Console:
    """One administrator's session over a Context (lab or real estate).

    ``advanced`` (--advanced) unlocks the advanced options, ``nosqlsearch``
    (--nosqlsearch) skips the automatic SQL scan, ``alt_dns`` (--altdns)
    says DNS updates use plain RFC 2136 (the Context's DNS adapter does it).
    """

    def __init__(self, ctx: Context, *, advanced: bool = False, debug: bool = False,
                 lab_account: tuple[str, str] | None = None, nosqlsearch: bool = False,
                 alt_dns: bool = False) -> None:
        s = Session(ctx, advanced=advanced, debug=debug, lab_account=lab_account,
                    nosqlsearch=nosqlsearch, alt_dns=alt_dns)
        self.session = s
        self.options = OptionsService(s)
        self.setup = SetupService(s)
        self.logins = ServerLoginService(s)
        self.domains = DomainService(s)
        self.configure = ConfigureService(s)
        self.apps = AppsSetupService(s, self.setup, self.configure)
        self.dns_account = DnsAccountService(s)
        self.wmi_account = WmiAccountService(s, self.configure)
        self.tabs = TabsService(s, self.configure)
        self.validation = ValidationService(s)
        self.protection = ProtectionService(s, self.configure, self.validation)
        self.monitoring = MonitoringService(s)
        self.snapshots = SnapshotsService(s)
        self.tools = ToolsService(s)
        self.logs = LogsService(s)

    # what the TUI's title, help and tests read of the session
    @property
    def lab(self) -> bool:
        return self.session.lab

    @property
    def advanced(self) -> bool:
        return self.session.advanced

    @property
    def nosqlsearch(self) -> bool:
        return self.session.nosqlsearch

    @property
    def alt_dns(self) -> bool:
        return self.session.alt_dns

    @property
    def domain(self) -> str:
        return self.session.domain

    @property
    def ctx(self) -> Context:
        return self.session.ctx

    @property
    def store(self) -> PairStore:
        return self.session.store

    @property
    def lists(self) -> ServerLists:
        return self.session.lists
