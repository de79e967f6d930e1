"""The one façade the TUI (and the headless CLI) call: ``ConsoleApi``.

The façade is a set of use-case services sharing one session; a caller
names the service: ``api.protection.failover(...)``, ``api.setup.discover(...)``.
Every service method is synchronous, thread-safe and may take seconds
(remote calls): the TUI calls them from thread workers only, except the
few documented "pure and quick" ones (``tabs.field_help``,
``tabs.failure_after_text``, ``validation.fix_order``). Errors are the typed
errors of :mod:`core.errors`; ``str(err)`` is the message to show. Each
method's return type is in its signature: concrete values, never ``Any``.

Which service holds what:
- ``session``: the domain, the options' values, server inventories (cached),
  a pair's two inventories, whether the advanced options show.
- ``options``: the Options dialog; ``logs``: the log viewer, the verbose log.
- ``setup``: applications, domain, discovery, server lists, the pair chosen.
- ``logins``: server logins; ``domains``: domain logins.
- ``apps``: Test SQL, SharePoint Get Config, like-named targets.
- ``configure``: load, edit, check and save a configuration (and drafts).
- ``tabs``: what the Configure tabs ask (trees, services, plan, hints).
- ``dns_account``, ``wmi_account``: the two accounts the configuration names.
- ``validation``: the health check and its fixes.
- ``protection``: enable, disable, fail over, abort, fail back, restore.
- ``monitoring``: status, the pairs, the Monitoring toggle.
- ``snapshots``: Manage Snapshots (list, take, delete).
- ``tools``: Verify Target Data, Delegate Rights, Restore Public Folder Tree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
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

Progress = Callable[[str], None]


class ConsoleApi(Protocol):
    """What the TUI and the CLI are written against (tests pass a fake of it)."""

    session: Session
    options: OptionsService
    setup: SetupService
    logins: ServerLoginService
    domains: DomainService
    apps: AppsSetupService
    configure: ConfigureService
    dns_account: DnsAccountService
    wmi_account: WmiAccountService
    tabs: TabsService
    validation: ValidationService
    protection: ProtectionService
    monitoring: MonitoringService
    snapshots: SnapshotsService
    tools: ToolsService
    logs: LogsService

    @property
    def lab(self) -> bool: ...
    @property
    def advanced(self) -> bool: ...
    @property
    def nosqlsearch(self) -> bool: ...
    @property
    def alt_dns(self) -> bool: ...
    @property
    def domain(self) -> str: ...
