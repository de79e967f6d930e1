"""What the Configure Protection tabs ask the console (SPEC F-6), beyond load/save.

Every method returns a NEW configuration (or a value to show) and goes
through the same field parsers as ``apply``, so the form, the CLI and these
helpers refuse the same things with the same messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.apps import TreeItem, apply_selection
from core.apps.registry import get_app
from core.apps.sqlcommon import MODES
from core.config.check import failure_after_text
from core.config.check_rules import cushion_warning
from core.config.edit import field_help
from core.config.field_parsers import fmt_services
from core.config.fields import FIELDS, applies
from core.errors import InvalidInput
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.protection.facts import PlanFacts, facts_from
from core.protection.pair import plan_text
from core.protection.plan import generated_text, phase_text, phases_of, stale_edits

if TYPE_CHECKING:
    from core.console.configure import ConfigureService
    from core.console.session import Session


class TabsService:
    """What the Configure tabs ask beyond load and save: trees, lists, hints, the plan."""

    def __init__(self, session: Session, configure: ConfigureService) -> None:
        self.s = session
        self.configure = configure

    # --- what the form shows ---------------------------------------------------------
    def graceful_failover(self, app: str) -> bool:
        """Whether a graceful (soft) failover is offered (not SharePoint, not File server)."""
        return get_app(app).defaults.graceful_failover

    def field_help(self, key: str) -> str:
        """The one-line help of setting ``key`` (``monitoring.interval``), shown while its
        field has focus (SPEC F-3); "" when ``key`` names no setting. Pure and quick."""
        try:
            return field_help(key)
        except InvalidInput:
            return ""

    def editable_keys(self, cfg: ProtectionConfig) -> list[str]:
        """The fields of this pair's application the user may change now."""
        shown = self.s.advanced_shown(cfg.app)  # SharePoint: advanced options always shown
        return [k for k, s in FIELDS.items() if applies(s, cfg.app) and (shown or not s.advanced)]

    # --- Connection tab: protected items --------------------------------------------
    def protected_items(self, cfg: ProtectionConfig, refresh: bool = False) -> TreeItem:
        """The protected-items tree with the config's selection (Refresh re-reads the source)."""
        if refresh:
            self.s.inventory(cfg.source, refresh=True)
        source, _target = self.s.pair_servers(cfg)
        return get_app(cfg.app).protected_items(source, cfg)

    def select_items(self, cfg: ProtectionConfig, keys: list[str]) -> ProtectionConfig:
        """A config whose protected items are the tree nodes ``keys`` (locked ones stay)."""
        source, _target = self.s.pair_servers(cfg)
        return apply_selection(cfg, keys, source)

    def sql_modes(self, cfg: ProtectionConfig) -> list[str]:
        """The protection modes this pair may use (SQL: three; SharePoint, BES: instance)."""
        return list(MODES) if applies(FIELDS["connection.sql_mode"], cfg.app) else ["instance"]

    def set_sql_mode(self, cfg: ProtectionConfig, mode: str) -> ProtectionConfig:
        return self.configure.apply(cfg, [f"connection.sql_mode={mode}"])

    def set_target_path(self, cfg: ProtectionConfig, database: str,
                        path: str) -> ProtectionConfig:
        """Map a database (``INSTANCE/name``) to a target folder; an empty path unmaps it."""
        paths = {k: v for k, v in cfg.connection.target_paths.items()
                 if k.upper() != database.upper()}
        if path.strip():
            paths[database] = path
        text = ";".join(f"{k}={v}" for k, v in paths.items())
        return self.configure.apply(cfg, [f"connection.target_paths={text}"])

    # --- Advanced tab: replication set rules ------------------------------------------
    def generated_rules(self, cfg: ProtectionConfig) -> list[Rule]:
        """The rules generated from the protected items (what "reset to generated" gives)."""
        source, _target = self.s.pair_servers(cfg)
        return get_app(cfg.app).generate_rules(cfg, source)

    # --- Failover tab: services / resources --------------------------------------------
    def service_choices(self, cfg: ProtectionConfig) -> list[str]:
        """The target's services not in the list yet (the Add Service drop-down)."""
        have = {s.name.upper() for s in cfg.failover.services}
        return sorted(s.name for s in self.s.inventory(cfg.target).services
                      if s.name.upper() not in have)

    def removable_service(self, cfg: ProtectionConfig, name: str) -> bool:
        item = next((s for s in cfg.failover.services if s.name.upper() == name.upper()), None)
        return item is not None and get_app(cfg.app).removable_service(item)

    def _services(self, cfg: ProtectionConfig, items: list[ServiceItem]) -> ProtectionConfig:
        return self.configure.apply(cfg, [f"failover.services={fmt_services(items)}"])

    def add_service(self, cfg: ProtectionConfig, name: str,
                    must_stop: bool = True) -> ProtectionConfig:
        if any(s.name.upper() == name.strip().upper() for s in cfg.failover.services):
            raise InvalidInput("failover.services", f"{name.strip()} is already in the list")
        return self._services(cfg, [*cfg.failover.services,
                                    ServiceItem(name.strip(), True, must_stop)])

    def remove_service(self, cfg: ProtectionConfig, name: str) -> ProtectionConfig:
        kept = [s for s in cfg.failover.services if s.name.upper() != name.upper()]
        if len(kept) == len(cfg.failover.services):
            raise InvalidInput("failover.services", f"{name} is not in the list")
        return self._services(cfg, kept)

    def move_service(self, cfg: ProtectionConfig, name: str, up: bool) -> ProtectionConfig:
        """Move a service one place up (starts earlier) or down."""
        items = list(cfg.failover.services)
        i = next((n for n, s in enumerate(items) if s.name.upper() == name.upper()), None)
        if i is None:
            raise InvalidInput("failover.services", f"{name} is not in the list")
        j = i - 1 if up else i + 1
        if 0 <= j < len(items):
            items[i], items[j] = items[j], items[i]
        return self._services(cfg, items)

    def add_app_services(self, cfg: ProtectionConfig) -> ProtectionConfig:
        """"Add SharePoint services": the application's optional services, appended."""
        source, target = self.s.pair_servers(cfg)
        extra = get_app(cfg.app).optional_services(source, target)
        if not extra:
            raise InvalidInput("failover.services", f"{get_app(cfg.app).title} has no "
                                                    "services to add")
        have = {s.name.upper() for s in cfg.failover.services}
        items = [*cfg.failover.services, *(s for s in extra if s.name.upper() not in have)]
        return self._services(cfg, items)

    # --- Monitoring tab ------------------------------------------------------------
    def monitoring_hints(self, cfg: ProtectionConfig) -> list[str]:
        """The live line ("failure declared after 25 s") and the cluster-cushion warning."""
        out = [failure_after_text(cfg.monitoring.interval, cfg.monitoring.missed)]
        cushion = cushion_warning(cfg, *self.s.pair_servers(cfg))
        return [*out, cushion] if cushion else out

    def failure_after_text(self, interval: int, missed: int) -> str:
        """The live hint as the user types: ``failure declared after 25 s``. Pure and quick."""
        return failure_after_text(interval, missed)

    # --- Advanced tab: the plan ----------------------------------------------------
    def plan_text(self, cfg: ProtectionConfig, phase: str) -> str:
        """A phase's script to show or edit (the written one once protection is on)."""
        return plan_text(self.s.routed_ctx(), self.s.store, cfg, phase)

    def plan_phases(self, cfg: ProtectionConfig) -> list[str]:
        return list(phases_of(cfg))

    def _facts(self, cfg: ProtectionConfig) -> PlanFacts:
        source, target = self.s.pair_servers(cfg)
        return facts_from(cfg, source, target, self.s.ctx.domain, self.s.ctx.settings.service_port)

    def plan_all(self, cfg: ProtectionConfig) -> dict[str, str]:
        """Every phase's script as it would run (user edits where made)."""
        facts = self._facts(cfg)
        return {p: phase_text(cfg, facts, p) for p in phases_of(cfg)}

    def plan_stale(self, cfg: ProtectionConfig) -> list[str]:
        """Phases whose user edits regenerating would overwrite (ask before doing it)."""
        if not any(t.strip() for t in cfg.advanced.plan_edits.values()):
            return []
        return stale_edits(cfg, self._facts(cfg))

    def regenerate_plan(self, cfg: ProtectionConfig,
                        phases: list[str] | None = None) -> ProtectionConfig:
        """Drop the user's edits of ``phases`` (all when None): they are generated again."""
        chosen = phases_of(cfg) if phases is None else phases
        return self.configure.apply(cfg, [f"advanced.plan_edits.{p}=" for p in chosen])

    def generated_plan(self, cfg: ProtectionConfig, phase: str) -> str:
        """The generated text of a phase (to start an edit from)."""
        return generated_text(cfg, self._facts(cfg), phase)
