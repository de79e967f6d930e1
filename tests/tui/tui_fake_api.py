"""A deterministic in-memory ConsoleApi for the TUI tests (the TUI's port double).

The estate is the default lab estate (all five applications, a cluster, a
like-named cluster; see tui_fake_estate.py). Setup, configuration and the
tab helpers behave like core's façade — the tab helpers and the
application Setup actions ARE core's services over this fake's inventories —
while the health check and protection are scripted (tui_fake_protect.py).
Every call the tests care about is recorded in ``calls`` as ``(method, args)``.
Time is fixed (``NOW``) so snapshots are stable.
"""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from core.apps import applications
from core.apps.registry import get_app
from core.console.apps_setup import AppsSetupService
from core.console.tabs import TabsService
from core.model.config import ProtectionConfig
from core.model.state import PairState as ST
from core.settings import Settings
from tests.tui.tui_fake_config import FakeConfigMixin
from tests.tui.tui_fake_dashboard import FakeDashboardMixin
from tests.tui.tui_fake_estate import NOW, FakeSettings
from tests.tui.tui_fake_protect import FakeProtectMixin
from tests.tui.tui_fake_setup import FakeLists, FakeSetupMixin
from tests.tui.tui_fake_tools import FakeToolsMixin

#: the Console's service attributes (and the session the services read)
SERVICES = ("session", "s", "options", "setup", "logins", "domains", "apps", "configure",
            "dns_account", "wmi_account", "tabs", "validation", "protection", "monitoring",
            "snapshots", "logs", "tools")

#: core's own methods whose calls are recorded too
RECORDED = ("test_sql", "sharepoint_get_config", "target_choices", "like_named_setup",
            "select_items", "set_sql_mode", "set_target_path", "add_service",
            "remove_service", "move_service", "add_app_services", "regenerate_plan",
            "protected_items", "monitoring_hints", "plan_stale", "generated_rules")


class FakeApi(FakeSetupMixin, FakeConfigMixin, FakeProtectMixin, FakeToolsMixin,
              FakeDashboardMixin, TabsService, AppsSetupService):
    lab = True
    advanced = False
    nosqlsearch = False
    alt_dns = False
    # the console's services, each this fake itself (see SERVICES; s and session are typed
    # by the core services the fake reuses)
    options: FakeApi
    logins: FakeApi
    domains: FakeApi
    apps: FakeApi
    dns_account: FakeApi
    wmi_account: FakeApi
    tabs: FakeApi
    validation: FakeApi
    protection: FakeApi
    monitoring: FakeApi
    snapshots: FakeApi
    logs: FakeApi
    tools: FakeApi

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.lock = threading.Lock()
        self.lists = FakeLists()
        self.logged_in: set[str] = set()
        self.down: set[str] = set()  # servers that do not answer
        self.domain = "lab.example.com"
        self.directory_denied = False  # the cached domain credentials are refused
        self.state = ST.UNPROTECTED
        self.monitoring_on = True  # not `monitoring`: that name is the monitoring service
        self.mirror_percent = 0.0
        self.fixed: set[str] = set()
        self.saved: list[ProtectionConfig] = []
        self.drafts: list[ProtectionConfig] = []
        self.dns_password_set = False
        self._settings = FakeSettings()
        self.reuse_offered = False
        #: compression per target and the other pairs to it (one setting per target)
        self.target_compression: dict[str, int] = {}
        self.other_pairs: dict[str, list[str]] = {}
        self._aliases: dict[str, str] = {}
        self._farms: dict[str, Any] = {}
        # what TabsService's plan helpers read from a Context
        self.ctx = SimpleNamespace(domain="lab.example.com", settings=Settings())
        # The console's services are attributes (``api.setup.discover``); core's services
        # the fake reuses read their session and sibling services the same way. Every one
        # of them is this one flat fake.
        for name in SERVICES:
            setattr(self, name, self)
        self.aliases, self.farms = self._aliases, self._farms

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [args for n, args in self.calls if n == name]

    def now(self) -> float:
        return NOW

    def applications(self) -> list[Any]:
        return applications()

    def advanced_shown(self, app: str) -> bool:
        return self.advanced or get_app(app).defaults.advanced_shown


def _recorded(name: str) -> Any:
    inner = getattr(FakeApi, name)

    def method(self: FakeApi, *args: Any, **kwargs: Any) -> Any:
        self._rec(name, *args)
        return inner(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = inner.__doc__
    return method


for _name in RECORDED:
    setattr(FakeApi, _name, _recorded(_name))
