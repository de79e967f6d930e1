"""The Exchange application (SPEC F-1, F-6 as they apply to ``exchange``).

Protected items: storage groups with their stores (all selected by default);
each selected group brings its log and system folders and its stores'
database files, and any selection brings the MTA and SMTP queue folders.
Services follow the Exchange version (2003, 2007, 2016/2019 sets), kept to
those both servers have; only services the user added may be removed. Failover rehomes the users of the
protected storage groups and the public folders in AD (forcing AD
replication by default, waiting at most 30 min, through a targeted domain
controller on Exchange 2003); the AD host SPNs must not move (a warning).
The target IP defaults to the target's first SMTP virtual server IP. The
replication set is ``xdag01_SRC_TGT``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from core.apps import support
from core.apps.base import ALL_PHASES, AppDefaults, PlanParts, Problems, TreeItem, spec
from core.apps.common import (
    AppBase,
    cluster_resources,
    covers,
    discover_by,
    folder_rules,
    item_steps,
    services,
    virtual_server,
    volumes_branch,
)
from core.errors import InvalidInput
from core.model.apps import StorageGroup
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.server import Server
from core.ports import Directory, DirectoryComputer

#: (service, must be stopped on the target) in start order, per Exchange generation
SERVICES_2003 = (("IISADMIN", False), ("MSExchangeSA", True), ("MSExchangeMTA", True),
                 ("MSExchangeIS", True), ("RESvc", False), ("SMTPSVC", False),
                 ("W3SVC", False), ("POP3Svc", False), ("IMAP4Svc", False))
SERVICES_2007 = (("MSExchangeADTopology", False), ("MSExchangeSA", True),
                 ("MSExchangeIS", True), ("MSExchangeMailSubmission", True),
                 ("MSExchangeMailboxAssistants", True), ("MSExchangeSearch", True),
                 ("msftesql-Exchange", True), ("MSExchangeRepl", False),
                 ("MSExchangeServiceHost", False), ("MSExchangeTransportLogSearch", False))
SERVICES_2016 = (("MSExchangeADTopology", False), ("MSExchangeIS", True),
                 ("MSExchangeMailboxAssistants", True), ("MSExchangeDelivery", True),
                 ("MSExchangeSubmission", True), ("MSExchangeFastSearch", True),
                 ("MSExchangeRepl", False), ("MSExchangeServiceHost", False),
                 ("MSExchangeTransport", False), ("MSExchangeFrontEndTransport", False))


def exchange_services(version: str) -> tuple[tuple[str, bool], ...]:
    if version.startswith("2003") or version.startswith("2000"):
        return SERVICES_2003
    if version.startswith("2007"):
        return SERVICES_2007
    return SERVICES_2016


@dataclass(frozen=True)
class ExchangeApp(AppBase):
    id: str = "exchange"
    title: str = "Exchange"
    task_label: str = "Protect Exchange Server"
    protectable: bool = True
    not_protectable_reason: str = ""
    set_prefix: str = "xdag01"
    plan_phases: tuple[str, ...] = ALL_PHASES
    selection_key: str = "connection.storage_groups"
    directory_query: str = "exchange_servers"  # server objects of the configuration NC
    defaults: AppDefaults = field(default_factory=lambda: AppDefaults(
        identity_ip=True, spn_warning=True, extra={"forest_root": True}))

    def discover(self, directory: Directory, *,
                 include_disabled: bool = False) -> list[DirectoryComputer]:
        """The forest's Exchange servers, each judged against the support matrix."""
        return [judged(c) for c in discover_by(directory, self.directory_query,
                                               include_disabled=include_disabled)]

    def version_of(self, server: Server) -> str:
        return server.apps.exchange.version if server.apps.exchange else ""

    def preferred_target_ips(self, target: Server) -> list[str]:
        """The first SMTP virtual server IP of the target is the default target IP (F-6.1)."""
        return list(target.apps.exchange.smtp_vs_ips) if target.apps.exchange else []

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        groups = _groups(source)
        chosen = ({g.name.upper() for g in groups} if config is None
                  else {n.upper() for n in config.connection.storage_groups})
        nodes = []
        for sg in groups:
            on = sg.name.upper() in chosen
            stores = tuple(TreeItem(f"store:{sg.name}/{st.name}",
                                    f"{st.name} ({st.kind}, {st.edb_path})", "store",
                                    st.edb_path, on) for st in sg.stores)
            label = f"{sg.name} (log prefix {sg.log_prefix}, logs {sg.log_path})"
            nodes.append(TreeItem(f"sg:{sg.name}", label, "storage-group", sg.log_path, on, stores))
        extra = list(config.connection.volume_paths) if config else []
        return TreeItem("root", f"Storage groups on {source.name}", "root", "", False,
                        (*nodes, volumes_branch(source, extra)))

    def default_selection(self, source: Server) -> dict[str, Any]:
        return {"storage_groups": [g.name for g in _groups(source)]}

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        if virtual_server(source) is not None:
            return cluster_resources(source, target)
        return services(installed(exchange_services(self.version_of(source)), source, target),
                        target)

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        inv = source.apps.exchange
        chosen = {n.upper() for n in config.connection.storage_groups}
        groups = [g for g in _groups(source) if g.name.upper() in chosen]
        folders = [p for g in groups for p in (g.log_path, g.system_path)]
        if groups and inv is not None:
            folders += [inv.mta_path, inv.queue_path]
        rules = folder_rules(folders + list(config.connection.volume_paths))
        for g in groups:
            for st in g.stores:
                rules += [Rule(p, True, False) for p in (st.edb_path, st.stm_path)
                          if p and not covers(rules, p)]
        return rules

    def selection_problems(self, config: ProtectionConfig, source: Server,
                           target: Server) -> Problems:
        conn, adv = config.connection, config.advanced
        known = {g.name.upper() for g in _groups(source)}
        errors = [InvalidInput("connection.storage_groups",
                               f"{source.name} has no storage group named {n!r}")
                  for n in conn.storage_groups if n.upper() not in known]
        if not adv.override_rules and not conn.storage_groups and not conn.volume_paths:
            errors.append(InvalidInput("connection.storage_groups",
                                       "nothing is selected to protect"))
        version = self.version_of(source)
        if adv.targeted_dc and version and not version.startswith("2003"):
            errors.append(InvalidInput("advanced.targeted_dc", "a targeted domain controller "
                                       f"is only for Exchange 2003 (this is Exchange {version})"))
        warnings = []
        moving = (config.failover.identity.spns if config.failover.type == "identity"
                  else adv.items_spns)
        if moving:
            field_key = ("failover.identity.spns" if config.failover.type == "identity"
                         else "advanced.items_spns")
            warnings.append(InvalidInput(field_key, "Exchange must not move the AD host SPNs: "
                                                    "leave SPNs off"))
        return errors, warnings

    def plan_facts(self, config: ProtectionConfig, source: Server,
                   target: Server) -> dict[str, Any]:
        inv = source.apps.exchange
        groups = config.connection.storage_groups
        return {"storage_groups": list(groups),
                "version": inv.version if inv else "",
                "admin_group": inv.admin_group if inv else "",
                # Verify Target Data checks these from the target's snapshot, source up or not
                "verify_stores": protected_stores(source, groups)}

    def plan_parts(self, config: ProtectionConfig, facts: Any) -> PlanParts:
        adv = config.advanced
        src, tgt = config.source.upper(), config.target.upper()
        groups = (getattr(facts, "app", {}) or {}).get("storage_groups",
                                                        config.connection.storage_groups)
        opts = {"sgs": "|".join(groups), "replicate": "on" if adv.force_ad_replication else "off",
                "wait": str(adv.ad_max_wait_min), "dc": adv.targeted_dc}
        start, stop = item_steps(config, facts)
        if config.cluster.like_named:
            # the virtual server itself moves to the standby cluster: its mailboxes keep
            # their store, so nothing is rehomed (the guide's like-named chapter)
            return PlanParts(after_start=start, after_stop=stop)
        return PlanParts(
            after_start=[spec("exchange-failover", src, tgt, **opts), *start],
            before_stop=[spec("exchange-failback", src, tgt, **opts)],
            after_stop=stop,
            post_restore=[spec("exchange-public-folders", src, dc=adv.targeted_dc)])


def protected_stores(source: Server, groups: Iterable[str]) -> list[dict[str, Any]]:
    """The stores of ``groups`` on ``source``, with their files and their group's logs:
    Verify Target Data's list."""
    inv, chosen = source.apps.exchange, set(groups)
    return [{"name": f"{g.name}\\{st.name}",
             "files": [x for x in (st.edb_path, st.stm_path) if x],
             "logs": g.log_path, "prefix": g.log_prefix}
            for g in (inv.storage_groups if inv else ()) if g.name in chosen for st in g.stores]


def installed(names: tuple[tuple[str, bool], ...], *servers: Server) -> list[tuple[str, bool]]:
    """The version's services that each server has (every one when a server's inventory
    lists no services): a name either lacks would stop failover or restore part-way."""
    out = list(names)
    for server in servers:
        have = {s.name.upper() for s in server.services}
        if have:
            out = [(n, stop) for n, stop in out if n.upper() in have]
    return out


def judged(c: DirectoryComputer) -> DirectoryComputer:
    """``supported`` per the support matrix (F-1.1) from the version the directory gives
    (serialNumber); an Edge Transport server never is (mailbox servers only)."""
    version = c.app_version
    if not version or not version.isdigit():
        why, ok = f"Exchange version unknown ({version or 'no serialNumber'})", None
    elif support.version_row("exchange", version) is None:
        why, ok = (f"Exchange {version} is not supported (supported: "
                   f"{', '.join(support.versions('exchange'))})"), False
    elif c.role == "edge":
        why, ok = "an Edge Transport server is not protected (mailbox servers only)", False
    else:
        why, ok = "", True
    return replace(c, supported=ok, note="; ".join(x for x in (c.note, why) if x))


def _groups(source: Server) -> tuple[StorageGroup, ...]:
    return source.apps.exchange.storage_groups if source.apps.exchange else ()
