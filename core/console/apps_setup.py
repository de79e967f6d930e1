"""Application-specific Setup actions (SPEC F-5.3, F-5.6, SharePoint front end).

- Test SQL (Manage SQL Servers): is SQL Server installed and reachable.
- SharePoint "Get Config": the front end's farm names its back-end SQL
  server, which becomes the source.
- Target choices: the current list without the source, plus the source's
  like-named cluster for an Exchange 2003 virtual server; its setup dialog,
  and the same setup headless (``like_named_save``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.apps import likenamed
from core.apps.farm_memory import remember_front_ends
from core.apps.registry import get_app, protectable_app
from core.apps.sharepoint import backend_of
from core.apps.support import check_like_named
from core.console.configure import ConfigChange, ConfigureService
from core.console.selection import check_roles
from core.errors import AppmgrError, NotFound
from core.logs import log_action
from core.model.apps import SharePointFarm
from core.model.pair import Pair

if TYPE_CHECKING:
    from core.console.session import Session
    from core.console.setup import SetupService


@dataclass(frozen=True)
class SharePointSource:
    """What Get Config found: the back end to protect and the farm."""

    front_end: str
    source: str  # the back-end SQL server (the pair's source)
    instance: str  # its SQL instance holding the farm ("MSSQLSERVER" or a name)
    farm: SharePointFarm


class AppsSetupService:
    """Setup's per-application actions: Test SQL, Get Config, like-named targets."""

    def __init__(self, session: Session, setup: SetupService,
                 configure: ConfigureService) -> None:
        self.s = session
        self.setup = setup
        self.configure = configure

    def test_sql(self, server: str) -> list[str]:
        """One line per SQL Server instance; NotFound when none answers."""
        inv = self.s.inventory(server, refresh=True)
        if not inv.apps.sql:
            raise NotFound(f"{inv.name}: SQL Server is not installed or does not answer")
        lines = []
        for inst in inv.apps.sql:
            kind = "default instance" if inst.default else "named instance"
            line = (f"{inv.name}\\{inst.name} ({kind}): SQL Server {inst.version} "
                    f"{inst.edition} ({inst.bits} bit), {len(inst.databases)} databases")
            missing = [p for p in ("tcp", "np") if p not in inst.protocols]
            if missing:
                line += (f"; enable {' and '.join({'tcp': 'TCP/IP', 'np': 'Named Pipes'}[p] for p in missing)} "
                         "for remote connections")
            lines.append(line)
        log_action("test sql", server=server, instances=len(lines))
        return lines

    def sharepoint_get_config(self, front_end: str) -> SharePointSource:
        """Get Config: read the front end's farm; its back-end SQL server is the source."""
        inv = self.s.inventory(front_end, refresh=True)
        host, inst, farm = backend_of(inv)
        self.s.farms[host.upper()] = farm
        self._remember_front_end(host, inv.name)
        self.s.lists.add("sharepoint", host)
        log_action("sharepoint get config", front_end=front_end, source=host)
        return SharePointSource(inv.name.upper(), host.upper(), inst, farm)

    def _remember_front_end(self, back_end: str, front_end: str) -> None:
        """Keep where ``back_end``'s front end is, so that a later health check (even in
        another process) asks that front end instead of every server of the domain."""
        remember_front_ends(self.s.ctx.paths, {back_end: front_end})

    def target_choices(self, app: str, source: str,
                       candidates: list[str] | None = None) -> list[str]:
        """Targets to offer for ``source``: the candidates (default: the current list)
        without the source; an Exchange 2003 virtual server adds ``NAME (like-named)``."""
        app_id = get_app(app).id
        names = candidates if candidates is not None else self.setup.server_list(app_id)
        out = [n for n in names if n.upper() != source.upper()]
        try:
            inv = self.s.inventory(source)
        except AppmgrError:
            return out
        version = get_app(app_id).version_of(inv)
        if likenamed.offers_like_named(inv) and not check_like_named(app_id, version):
            out.append(likenamed.label(inv.name))
        return out

    def like_named_setup(self, source: str, node: str) -> likenamed.LikeNamedChoices:
        """Connect to a node of the target cluster: the setup dialog's defaults and choices.

        From now on the like-named target ``SOURCE_LN`` is read from ``node``.
        """
        src = self.s.inventory(source)
        node_inv = self.s.inventory(node, refresh=True)
        choices = likenamed.choices(src, node_inv)
        problems = [p for p in likenamed.problems(choices.setup, src, node_inv)
                    if p.field in ("cluster.like_named", "cluster.target_node")]
        if problems:
            raise problems[0]
        self.s.aliases[f"{source.upper()}{likenamed.TEMP_SUFFIX}"] = node_inv.name.upper()
        log_action("like-named setup", source=source, node=node)
        return choices

    def like_named_save(self, app: str, source: str, node: str, ip: str,
                        network: str = "", subnet_mask: str = "",
                        storage: list[str] | None = None) -> ConfigChange:
        """The like-named setup dialog without the dialog (headless, F-5.6): connect to
        ``node`` (:meth:`like_named_setup`), then apply the network, the IP address to
        create, the subnet mask and the storage resources with the form's validation, and
        save the pair ``SOURCE -> SOURCE_LN``. Empty network, mask and ``storage=None``
        take the dialog's defaults (the node's first network, its mask, the drives locked
        on both clusters). InvalidInput names the field (``cluster.ip`` …); nothing is
        saved when any value is refused."""
        app_id = protectable_app(app).id
        target = likenamed.temp_name(source)
        check_roles(self.s.store, Pair(app_id, source, target))
        choices = self.like_named_setup(source, node)
        setup = choices.setup
        drives = setup.storage if storage is None else storage
        assignments = [f"cluster.target_node={setup.target_node}",
                       f"cluster.network={network or setup.network}", f"cluster.ip={ip}",
                       f"cluster.subnet_mask={subnet_mask or setup.subnet_mask}",
                       f"cluster.storage={','.join(drives)}"]
        # another node's configuration maps the DNS failover to that node: start afresh
        saved = self.s.store.load_config(Pair(app_id, source, target))
        reuse = saved is not None and saved.cluster.target_node.upper() == setup.target_node
        cfg = self.configure.apply(
            self.configure.load_config(Pair(app_id, source, target), reuse=reuse), assignments)
        notices = self.configure.save_config(cfg)
        log_action("like-named setup saved", source=source, node=setup.target_node)
        return ConfigChange(cfg, notices, self.configure.config_warnings(cfg))
