"""One-line help for every field (the guide's tooltips, SPEC F-3).

Keys are widget ids; the help line shows the text of the focused widget
(or of its nearest ancestor that has one).
"""

from __future__ import annotations

from collections.abc import Callable

#: the façade's help of one setting by key (``ConsoleApi.field_help``)
FieldHelp = Callable[[str], str]

HELP: dict[str, str] = {
    # main window
    "app-page": "←→ switch between Setup and Monitor; Tab moves into the page.",
    "cfg-tabs": "←→ tabs (ctrl+PgDn/PgUp from any field) · Tab: into the page · ctrl+s OK",
    "login-ok": "Check the account on the server and cache it.",
    "login-cancel": "Do not log in; the server is not selected.",
    "tasks": "Choose the application to protect; ↑↓ to move.",
    "domain": "The Active Directory domain to search, with a suffix (e.g. lab.example.com).",
    "source": "The server to protect. Enter opens the list; you log in the first time.",
    "target": "The server that takes over if the source fails.",
    "find": "Advanced Find: list every server of the domain and manage this list.",
    "front-end": "A SharePoint front end (web server); Get Config finds its back-end SQL server.",
    "get-config": "Read the front end's farm: its back-end SQL server becomes the source.",
    "btn-configure": "Open Configure Protection (c).",
    "btn-validate": "Run the health check of the pair (v).",
    "btn-enable": "Enable Protection once validation shows no errors (e).",
    "val-filter": "Show all results or only errors, warnings or passed checks.",
    "val-table": "Enter: details · f: fix the row · s: save as JSON · Fix All: fix what it can",
    "fix": "Repair the selected check, where the console can (f).",
    "fix-all": "Repair every fixable check, then validate again.",
    "mon-details": "Enter expands or collapses the protection details.",
    "mon-table": "Live counters of the pair, refreshed at the refresh interval.",
    # login
    "login-user": r"DOMAIN\user or user@domain; a bare name takes the server's DNS domain.",
    "login-password": "The password of that account; it goes to the credential cache only.",
    # the credential file's passphrase
    "pp-first": "The passphrase of the file that keeps saved passwords.",
    "pp-again": "The same passphrase again, to check it was typed as meant.",
    "pp-ok": "Unlock the saved passwords with this passphrase.",
    "pp-cancel": "Go on without saved passwords; asked again when needed.",
    # advanced find
    "find-search": "Search the directory for every server of the domain.",
    "find-results": "Servers found in the domain; Enter or 'Add' puts one on the current list.",
    "find-current": "The servers offered as source and target.",
    "find-name": "A server's name, to add it without searching.",
    "find-add-name": "Add the server named on the left to the current list.",
    "find-add": "Add the highlighted found server to the current list.",
    "find-remove": "Remove the highlighted server from the current list.",
    "find-test-sql": "Test SQL on the server named on the left, else the highlighted one.",
    # domain login
    "dlogin-domain": "The domain to read, with a suffix (e.g. lab.example.com).",
    "dlogin-user": r"An account that may read the domain: DOMAIN\user or user@domain.",
    "dlogin-password": "Its password; it goes to the credential cache only.",
    "dlogin-ok": "Check the account against the domain and cache it.",
    "dlogin-dc": "Optional DC: HOST or HOST:PORT; empty: found in DNS.",
    "dlogin-ca": "Optional: the domain's CA certificate file (PEM).",
    "dlogin-tls": "StartTLS on 389 or LDAPS on 636; the DC's cert is checked.",
    # like-named cluster
    "lnc-connect": "Connect to this node: read its networks and disks.",
    "lnc-drives": "Disk resources of the target cluster; locked ones hold the source's data.",
    "lnc-ok": "Save the like-named cluster setup with the pair's configuration.",
    # configure: failover
    "f-failover-type": "DNS failover rewrites the source's DNS records; Identity moves name and IP.",
    "dns-configure": "Configure DNS failover: DNS servers, IP mapping, TTL and DNS account.",
    "identity-configure": "Configure Identity failover (the target's engine runs it).",
    "services-list": "Services started on failover top-down and stopped bottom-up.",
    "service-choice": "The target's services not on the list yet; the one chosen goes to Add.",
    "services-app": "Add the application's own services (started on failover, stopped on failback).",
    "service-name": "A service of the target, or any service name, to add to the list.",
    "service-add": "Add the service named on the left.",
    "service-remove": "Remove the selected service (required ones stay; the message says why).",
    "service-up": "Start the selected service earlier.",
    "service-down": "Start the selected service later.",
    "service-must-stop": "The service must be stopped on the target while protected.",
    # configure: DNS failover dialog
    "dns-server-ip": "IP address of another DNS server to update on failover.",
    "dns-server-add": "Add the DNS server typed on the left.",
    "dns-servers": "DNS servers to update; the label says whose server it is.",
    "dns-server-delete": "Remove the highlighted DNS server.",
    "f-failover-dns-update_ttl": "Set this TTL on the source's records; 300 s or less recommended.",
    "f-failover-dns-ttl": "TTL in seconds for the source's records (1–86400).",
    "f-failover-dns-user": r"Account in DnsAdmins: DOMAIN\user or user@domain.",
    "dns-password": "Password of the DNS account (kept in the credential cache only).",
    "dns-test": "Prove the DNS servers answer and the account may update the zone.",
    "f-monitoring-application-wmi_password": "Password of the WMI account (kept in the "
                                             "credential cache only).",
    "wmi-test": "Log in to the source as the WMI account and query its services.",
    "wmi-clear": "Forget the WMI account cached for the source.",
    "f-failover-dns-client_server": "Advanced: which DNS server to update first.",
    # configure: identity dialog
    "f-failover-identity-target_nic": "The target NIC that takes the source's IP addresses.",
    "f-failover-identity-ip_address": "Move the monitored IP addresses to the target.",
    "f-failover-identity-server_name": "Add the source's name to the target on failover.",
    "f-failover-identity-shares": "Publish the source's shares on the target on failover.",
    "f-failover-identity-spns": "Move the source's host SPNs to the target in AD.",
    # configure: monitoring
    "f-monitoring-enabled": "Watch the source and declare a failure when it stops answering.",
    "f-monitoring-manual_intervention": "Ask before failing over (recommended).",
    "f-monitoring-method": "ICMP ping, or the engine's UDP heartbeat when ICMP is blocked.",
    "f-monitoring-interval": "Seconds between two checks of the source (default 5).",
    "f-monitoring-missed": "Missed replies before a failure is declared (default 5).",
    "f-monitoring-trigger": "Fail over when all monitored IPs fail, or when any one does.",
    # configure: snapshots
    "f-snapshots-enabled": "Take periodic snapshots of the target's data.",
    "f-snapshots-interval_min": "Minutes between snapshots (15 or more).",
    "snap-start": "Take the first snapshot now, or at the date and time below.",
    # configure: connection
    "f-connection-route": "The target IP address the replicated data goes through.",
    "items-tree": "Space toggles an item; an instance toggles its databases; Volumes: any data.",
    "tp-database": "Database only: the database whose files go to another folder on the target.",
    "tp-path": r"The folder on the target for its files, e.g. F:\SQL\Sales (empty: same path).",
    "tp-set": "Map the database to the folder (empty folder: back to the same path).",
    "volume-path": r"A path on the source to protect as well, e.g. E:\Apps\Data.",
    "volume-add": "Add the path typed on the left under Volumes.",
    "items-refresh": "Read the source's shares and volumes again.",
    "f-connection-mirror_type": "Checksum sends only differing blocks; Full copies everything.",
    "f-connection-compression": "Compression for every pair to this target (0 = off, 1–9).",
    "f-connection-codec": "zstd: the same levels, several times faster than zlib (both ends).",
    # configure: advanced
    "f-advanced-override_rules": "Edit the replication set rules instead of generating them.",
    "rules-table": "Replication set rules: path, include or exclude, recursive.",
    "rule-path": r"A Windows path on the source, e.g. E:\Shares\Data\tmp.",
    "rule-include": "Include or exclude the path.",
    "rule-recursive": "Apply the rule to subfolders too.",
    "rule-add": "Add the rule.",
    "rule-remove": "Remove the selected rule.",
    "rule-reset": "Throw away your rules and use the generated ones.",
    "f-advanced-set_name": "Name of the replication set on the engines.",
    "plan-phase": "Which failover script to show.",
    "plan-text": "The script that runs for this phase (read-only here: Edit opens $EDITOR).",
    "plan-edit": "Edit this script in $EDITOR; your edit is kept with the configuration.",
    "plan-regenerate": "Replace your edit of this script by the generated one (asked first).",
    "f-advanced-create_set": "Advanced: create the replication set on enable.",
    "f-advanced-create_scripts": "Advanced: write the failover scripts on enable.",
    "f-advanced-create_connection": "Advanced: create the connection (start the mirror).",
    "f-advanced-create_monitor": "Advanced: create the failover monitor on the target.",
    # options
    "opt-service_port": "Engine service port, 1–65535; must match the engine on both servers.",
    "opt-refresh_auto": "Poll fast while something changes and slowly when idle.",
    "opt-refresh_interval": "Seconds between status refreshes when auto-adjust is off (1–30000).",
    "opt-max_log_kb": "Size at which the verbose log is rotated: KB, or MB as in 5 MB.",
    "opt-verbose_logging": "Log every user action and remote operation (never secrets).",
    "opt-always_show_details": "Open the Monitor tab with the protection details expanded.",
    "opt-stats_in_bytes": "Show counters in bytes instead of KB/MB/GB/TB.",
    "opt-load_last_pair": "Reopen the last source and target on start.",
    "opt-alt_dns": "Use plain RFC 2136 DNS updates from the next start (as --altdns).",
    "opt-show_advanced": "Show advanced options from the next start (as --advanced).",
    "opt-clear": "Forget every cached user name and password.",
    # log viewer
    "log-kind": "Which log to read.",
    "log-text": "The log; / searches, n finds the next match.",
    "log-search": "Text to find; Enter finds the next match.",
}


#: help of widgets made one per item (``dns-mon-0``, ``lnc-drive-E``), by id prefix
PREFIX_HELP: dict[str, str] = {
    "dns-mon-": "Monitor this source IP; on failover its DNS records point at the target IP.",
    "dns-map-": "The target IP this source IP fails over to (each needs its own).",
    "ident-mon-": "Monitor this source IP; identity failover moves it to the target NIC.",
    "lnc-drive-": "A disk resource of the target cluster for the like-named virtual server.",
}


def field_help_of(widget_id: str, field_help: FieldHelp | None) -> str:
    """Core's one-line help of the setting edited by ``f-section-key`` ("" if none), asked
    through the façade's ``field_help`` (ConsoleApi.field_help)."""
    if field_help is None or not widget_id.startswith("f-"):
        return ""
    return field_help(widget_id[2:].replace("-", "."))


def help_for(widget: object, field_help: FieldHelp | None = None) -> str:
    """The help text of ``widget`` or of its nearest ancestor that has one: a setting's
    own help from core first (SPEC F-3: ``field_help``, the façade's), else the UI's
    text for the widget."""
    node = widget
    while node is not None:
        wid = getattr(node, "id", None)
        core_help = field_help_of(wid, field_help) if wid else ""
        if core_help:
            return core_help
        if wid and wid in HELP:
            return HELP[wid]
        prefix = next((p for p in PREFIX_HELP if wid and wid.startswith(p)), None)
        if prefix is not None:
            return PREFIX_HELP[prefix]
        tip = getattr(node, "tooltip", None)
        if isinstance(tip, str) and tip:
            return tip
        node = getattr(node, "parent", None)
    return ""
