"""Configuration half of the console façade (SPEC F-6): load, edit, save, show.

Saving is all or nothing: the pair must be editable (protection disabled),
every cross-field rule must hold (the first error is raised, naming its
field) and the SQL many-to-one rules across pairs must hold; then the
configuration is written atomically and the pairs to the same target get
its compression (one setting per target), which the returned notices say.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.apps import likenamed
from core.apps.registry import get_app, protectable_app
from core.config.check import ConfigProblems, config_problems
from core.config.defaults import default_config
from core.config.edit import apply_assignments, as_assignments
from core.console.targets import apply_compression, many_to_one_problems, target_compression
from core.errors import AppmgrError, InvalidInput, StateError
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.model.state import PairState
from core.settings import remember_pair_defaults

if TYPE_CHECKING:
    from core.console.console import Console

#: states in which the configuration may be edited (F-6.6)
EDITABLE = {PairState.UNPROTECTED, PairState.VALIDATED, PairState.ERROR}


@dataclass
class ConfigChange:
    """The outcome of ``config_set``: the saved configuration and what to tell."""

    config: ProtectionConfig
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class ConfigureMixin:
    _farms: dict[str, Any]

    # --- inventories as the application sees them -------------------------------------
    def pair_servers(self: Console, cfg: ProtectionConfig) -> tuple[Server, Server]:
        """Both inventories of a pair (a SharePoint back end gets its farm from Get Config)."""
        return self._source_inventory(cfg.app, cfg.source), self.inventory(cfg.target)

    def _source_inventory(self: Console, app: str, source: str) -> Server:
        inv = self.inventory(source)
        farm = self._farms.get(source.upper())
        if getattr(get_app(app), "needs_farm", False) and inv.apps.sharepoint is None and farm:
            inv = dataclasses.replace(inv, apps=dataclasses.replace(inv.apps, sharepoint=farm))
        return inv

    # --- load ---------------------------------------------------------------------
    def load_config(self: Console, app: str, source: str, target: str, *,
                    reuse: bool = True) -> ProtectionConfig:
        app_id = protectable_app(app).id
        target, _ = likenamed.parse_target(target)
        if reuse:
            saved = self.store.load_config(app_id, source, target)
            if saved is not None:
                return saved
        return self.default_config(app_id, source, target)

    def load_draft(self: Console, app: str, source: str, target: str) -> ProtectionConfig | None:
        return self.store.load_draft(get_app(app).id, source, target)

    def default_config(self: Console, app: str, source: str, target: str) -> ProtectionConfig:
        target, like_named = likenamed.parse_target(target)
        if like_named and self._node_of(target) is None:
            raise InvalidInput("target", f"{target.upper()} is the like-named cluster of "
                                         f"{likenamed.source_of(target)} and is not set up yet: "
                                         "set it up first (Setup's like-named dialog, or "
                                         f"`appmgr config like-named {likenamed.source_of(target)}"
                                         " --node NODE --ip IP`)")
        src, tgt = self._source_inventory(app, source), self.inventory(target)
        cfg = default_config(app, src, tgt, dns_ttl=self._current_ttl(src),
                             pair_defaults=self.settings().pair_defaults,
                             compression=target_compression(self.store, target))
        if like_named:
            cfg.target = target.upper()
            cfg.advanced.set_name = get_app(app).set_name(cfg.source, cfg.target)
            cfg.cluster = likenamed.choices(src, tgt).setup
        return cfg

    def _current_ttl(self: Console, src: Server) -> int | None:
        for ip in src.dns_servers:
            try:
                rr = self.ctx.dns(ip, None).lookup(src.fqdn, "A")
            except AppmgrError:
                continue
            return rr.ttl if rr else None
        return None

    # --- edit and check -------------------------------------------------------------
    def apply(self: Console, cfg: ProtectionConfig, assignments: list[str]) -> ProtectionConfig:
        """A new config with ``section.key=value`` applied; advanced-only fields need
        --advanced (or an application that shows them, SharePoint). InvalidInput names
        the field."""
        return apply_assignments(cfg, assignments, advanced=self.advanced_shown(cfg.app))

    def config_problems(self: Console, cfg: ProtectionConfig) -> ConfigProblems:
        return config_problems(cfg, *self.pair_servers(cfg))

    def config_warnings(self: Console, cfg: ProtectionConfig) -> list[str]:
        return [str(w) for w in self.config_problems(cfg).warnings]

    # --- save --------------------------------------------------------------------
    def save_config(self: Console, cfg: ProtectionConfig) -> list[str]:
        """Check and save; returns notices (compression changed for the target's pairs)."""
        state = self.store.record(cfg.app, cfg.source, cfg.target).pair_state
        if state not in EDITABLE:
            raise StateError(f"the pair is {state.value}: disable protection before changing "
                             "its configuration")
        src, tgt = self.pair_servers(cfg)
        probs = config_problems(cfg, src, tgt)
        if probs.errors:
            raise probs.errors[0]
        crossing = many_to_one_problems(cfg, src, self.store, self._cached_inventory)
        if crossing:
            raise crossing[0]
        self.store.save_config(cfg)
        notices = apply_compression(self.store, cfg)
        self._update_settings(remember_pair_defaults(self.settings(), cfg))
        log_action("save configuration", pair=f"{cfg.source}->{cfg.target}")
        return notices

    def _cached_inventory(self: Console, name: str) -> Server | None:
        with self._inv_lock:
            return self._inventories.get(name.upper())

    def save_draft(self: Console, cfg: ProtectionConfig) -> None:
        self.store.save_draft(cfg)

    def discard_draft(self: Console, cfg: ProtectionConfig) -> None:
        self.store.discard_draft(cfg.app, cfg.source, cfg.target)

    # --- headless (F-15): config show / set ---------------------------------------
    def config_show(self: Console, app: str, source: str, target: str) -> dict[str, Any]:
        """The configuration a pair would use (saved, else the defaults) as a dict,
        with ``"saved"`` (bool) and ``"assignments"`` (``key=value`` lines)."""
        app_id = protectable_app(app).id
        target, _ = likenamed.parse_target(target)
        saved = self.store.load_config(app_id, source, target)
        cfg = saved if saved is not None else self.default_config(app_id, source, target)
        return {"config": cfg.to_dict(), "saved": saved is not None,
                "assignments": as_assignments(cfg)}

    def config_set(self: Console, app: str, source: str, target: str,
                   assignments: list[str]) -> ConfigChange:
        """Apply ``section.key=value`` edits and save, with the form's validation and
        messages; nothing is saved when any of them is refused."""
        if not assignments:
            raise InvalidInput("config", "name at least one section.key=value to set")
        cfg = self.load_config(app, source, target)
        new = self.apply(cfg, assignments)
        notices = self.save_config(new)
        return ConfigChange(new, notices, self.config_warnings(new))
