"""The five applications of SPEC F-1, in task-list order.

Only File server is protectable in this release; the others are listed so
the task list is complete and say plainly that they come later.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from core.apps.base import AppDefaults, Application, TreeItem
from core.apps.fileserver import FileServerApp
from core.errors import InvalidInput
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.rules import set_name as _set_name
from core.model.server import Server
from core.ports import Directory, DirectoryComputer


@dataclass(frozen=True)
class PendingApplication:
    """An application listed in the task list but not protectable yet."""

    id: str
    title: str
    task_label: str
    set_prefix: str
    protectable: bool = False
    plan_phases: tuple[str, ...] = ("post-failover", "pre-failback", "post-restore")
    defaults: AppDefaults = field(default_factory=AppDefaults)
    #: the Directory query that finds this application's servers ("" for none yet)
    directory_query: str = ""

    @property
    def not_protectable_reason(self) -> str:
        return f"{self.title} protection comes in a later release"

    def discover(self, directory: Directory) -> list[DirectoryComputer]:
        """The servers running the application (F-5.2), cluster nodes hidden, by name."""
        if not self.directory_query:
            return []
        found: list[DirectoryComputer] = getattr(directory, self.directory_query)()
        unique: dict[str, DirectoryComputer] = {}
        for c in found:
            if not c.is_cluster_node:
                unique.setdefault(c.name, c)
        return sorted(unique.values(), key=lambda c: c.name)

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        return TreeItem("root", self.not_protectable_reason, "root")

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        return []

    def removable_service(self, item: ServiceItem) -> bool:
        return item.user_added

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        return []

    def set_name(self, source: str, target: str) -> str:
        return _set_name(self.set_prefix, source, target)


_APPS: tuple[Application, ...] = (
    # Exchange server objects of the configuration NC; SQL by MSSQLSvc SPNs (F-5.2)
    PendingApplication("exchange", "Exchange", "Protect Exchange Server", "xdag01",
                       directory_query="exchange_servers"),
    PendingApplication("sql", "SQL Server", "Protect SQL Server", "sqldag01",
                       directory_query="sql_servers"),
    FileServerApp(),
    # the guide names no prefix for these two; ours, alike the others
    PendingApplication("sharepoint", "SharePoint", "Protect SharePoint Server", "spdag01"),
    PendingApplication("blackberry", "BlackBerry", "Protect BlackBerry Server", "bbdag01"),
)
_BY_ID = {a.id: a for a in _APPS}
#: launch flags and common spellings (SPEC F-2 uses --fileprint)
_ALIASES = {"file": "fileprint", "fileserver": "fileprint", "fs": "fileprint",
            "mssql": "sql", "sqlserver": "sql", "bes": "blackberry", "moss": "sharepoint",
            "wss": "sharepoint", "exch": "exchange"}


def applications() -> list[Application]:
    """All five applications in task-list order."""
    return list(_APPS)


def get_app(app_id: str) -> Application:
    """The application with this id (or alias); InvalidInput naming the choices otherwise."""
    key = (app_id or "").strip().lower()
    key = _ALIASES.get(key, key)
    if key in _BY_ID:
        return _BY_ID[key]
    close = difflib.get_close_matches(key, list(_BY_ID), n=2)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise InvalidInput("app", f"unknown application {app_id!r}{hint}; "
                              f"choose one of {', '.join(_BY_ID)}")


def protectable_app(app_id: str) -> Application:
    """Like :func:`get_app`, but InvalidInput when the application cannot be protected yet."""
    app = get_app(app_id)
    if not app.protectable:
        raise InvalidInput("app", app.not_protectable_reason)
    return app
