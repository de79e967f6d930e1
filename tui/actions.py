"""The catalogue of console actions (SPEC F-3): one entry per menu item.

The main screen builds its key bindings, the F10 menu, the command palette
and the help screen from this one list, so a key, a label and a help text
are written once.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class UiAction:
    id: str  # action name on the main screen (``action_<id>``)
    key: str
    label: str  # menu / palette label (the footer uses ``short``)
    menu: str  # File | Tools | Actions | Help
    help: str  # one line, shown as tooltip and in the palette
    short: str = ""  # footer label
    pair: str | None = None  # key of ConsoleApi.allowed_actions that decides
    later: str = ""  # non-empty: not in this release, and why
    #: footer priority: 1 always shown, higher numbers left out first when the
    #: row is narrow (80 columns shows 1 and 2), 0 never (tui/widgets/action_footer.py)
    footer: int = 3
    #: non-empty: only for these applications (e.g. Manage SQL Servers)
    apps: tuple[str, ...] = ()
    #: only in the advanced context (``appmgr --advanced``), as the guide's Restore PF Tree
    advanced: bool = False

    @property
    def footer_label(self) -> str:
        return self.short or self.label


ACTIONS: tuple[UiAction, ...] = (
    UiAction("menu", "f10", "Menu", "Help", "Every action by menu, with why it is unavailable",
             footer=1),
    UiAction("configure", "c", "Configure Protection", "Actions",
             "Failover, monitoring, snapshots, connection and advanced settings",
             short="Configure", pair="configure", footer=2),
    UiAction("validate", "v", "Validate", "Actions",
             "Run the health check of the pair", pair="validate", footer=2),
    UiAction("enable", "e", "Enable Protection", "Actions",
             "Mirror the data and start protecting the source", short="Enable", pair="enable",
             footer=2),
    UiAction("disable", "e", "Disable Protection", "Actions",
             "Stop replication and remove the failover monitor", short="Disable",
             pair="disable", footer=2),
    UiAction("enable_monitoring", "m", "Enable Monitoring", "Actions",
             "Start the failover monitor on the target", short="Mon on",
             pair="enable_monitoring"),
    UiAction("disable_monitoring", "m", "Disable Monitoring", "Actions",
             "Stop the failover monitor on the target", short="Mon off",
             pair="disable_monitoring"),
    UiAction("failover", "F", "Failover", "Actions",
             "Move the source's clients to the target", pair="failover", footer=2),
    UiAction("failback", "F", "Failback", "Actions",
             "Give the source its name and clients back", pair="failback", footer=2),
    UiAction("restore", "r", "Restore", "Actions",
             "Copy the target's changes back to the source", pair="restore"),
    UiAction("abort", "A", "Abort Failover", "Actions",
             "End a failover or failback that stopped part-way", pair="abort", footer=0),
    UiAction("logs", "l", "View logs", "Actions", "Verbose, DFO and failover logs", short="Logs",
             footer=4),
    UiAction("options", "o", "Options", "Tools", "Preferences and cached credentials", footer=4),
    UiAction("domain_login", "d", "Domain login…", "Tools",
             "Log in to a domain: account, DC, CA file, LDAPS or StartTLS", footer=0),
    UiAction("welcome", "w", "View Welcome Page", "Help", "The first steps", footer=0),
    UiAction("help", "f1", "Help", "Help", "Keys and how to protect a server", footer=1),
    UiAction("new", "n", "New", "File", "Start a new source/target pair", footer=0),
    UiAction("quit", "q", "Exit", "File", "Leave appmgr (protection keeps running)", footer=1),
    UiAction("source_dfo_log", "s", "View source DFO log", "Actions",
             "DNS failover log of the source", footer=0),
    UiAction("target_dfo_log", "t", "View target DFO log", "Actions",
             "DNS failover log of the target", footer=0),
    UiAction("dashboard", "b", "Dashboard", "Actions",
             "Every protected pair at a glance, live; Enter opens one, f fails it over",
             footer=0),
    UiAction("refresh_status", "ctrl+r", "Refresh status", "Actions",
             "Poll the protection status now", footer=0),
    UiAction("about", "a", "About", "Help", "Version and mode", footer=0),
    UiAction("delegate_rights", "D", "Delegate Rights", "Tools",
             "Make an account an Exchange organization administrator", footer=0,
             apps=("exchange",)),
    UiAction("source_exch_log", "X", "View source ExchFailover log", "Actions",
             "Exchange failover log of the source (mailboxes and public folders moved)",
             footer=0, apps=("exchange",)),
    UiAction("target_exch_log", "Y", "View target ExchFailover log", "Actions",
             "Exchange failover log of the target (mailboxes and public folders moved)",
             footer=0, apps=("exchange",)),
    UiAction("manage_sql", "Q", "Manage SQL Servers", "Actions",
             "Search, add, remove and test SQL servers", footer=0,
             apps=("sql", "sharepoint")),
    UiAction("verify_target", "V", "Verify Target Data", "Actions",
             "Check a snapshot of the target's databases or stores; the mirror runs on",
             pair="snapshots", footer=0, apps=("sql", "exchange")),
    UiAction("restore_pf_tree", "P", "Restore PF Tree", "Actions",
             "Put the target back in the source's public folder tree", pair="snapshots",
             footer=0, apps=("exchange",), advanced=True),
    UiAction("manage_snapshots", "S", "Manage Snapshots", "Actions",
             "List, take and delete snapshots of the target's data", pair="snapshots",
             footer=0),
)

BY_ID: dict[str, UiAction] = {a.id: a for a in ACTIONS}

#: actions sharing a key: the second is shown while it is allowed, else the first
TWINS: dict[str, str] = {
    "enable": "disable",
    "enable_monitoring": "disable_monitoring",
    "failover": "failback",
}
TWIN_OF: dict[str, str] = {**TWINS, **{b: a for a, b in TWINS.items()}}

MENUS: tuple[str, ...] = ("File", "Tools", "Actions", "Help")


def bindings() -> list[BindingType]:
    return [
        Binding(a.key, a.id, a.footer_label, show=a.footer > 0, tooltip=a.help, id=f"appmgr.{a.id}")
        for a in ACTIONS
    ]
