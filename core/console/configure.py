"""Configuration half of the console façade (SPEC F-6): load, edit, save, show.

Saving is all or nothing: the pair must be editable (protection disabled),
every cross-field rule must hold (the first error is raised, naming its
field) and the SQL many-to-one rules across pairs must hold; then the
configuration is written atomically and the pairs to the same target get
its compression (one setting per target), which the returned notices say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.apps import likenamed
from core.apps.registry import get_app, protectable_app
from core.config.check import ConfigProblems, config_problems
from core.config.defaults import default_config
from core.config.edit import apply_assignments, as_assignments
from core.console.targets import (
    apply_compression,
    many_to_one_problems,
    target_codec,
    target_compression,
)
from core.errors import AppmgrError, InvalidInput, StateError
from core.logs import log_action
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.server import Server
from core.model.state import PairState
from core.settings import remember_pair_defaults

if TYPE_CHECKING:
    from core.console.session import Session

#: states in which the configuration may be edited (F-6.6)
EDITABLE = {PairState.UNPROTECTED, PairState.VALIDATED, PairState.ERROR}


@dataclass(frozen=True)
class ConfigView:
    """What ``config show`` prints: the configuration a pair would use."""

    config: ProtectionConfig
    saved: bool  # False: the defaults, not saved yet
    assignments: list[str]  # ``section.key=value`` lines, as ``config set`` takes them

    def to_dict(self) -> dict[str, object]:
        return {"config": self.config.to_dict(), "saved": self.saved,
                "assignments": list(self.assignments)}


@dataclass
class ConfigChange:
    """The outcome of ``config_set``: the saved configuration and what to tell."""

    config: ProtectionConfig
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class ConfigureService:
    """Load, edit, check and save a pair's configuration."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # --- load ---------------------------------------------------------------------
    def load_config(self, pair: Pair, *,
                    reuse: bool = True) -> ProtectionConfig:
        app, source, target = pair.parts
        app_id = protectable_app(app).id
        target, _ = likenamed.parse_target(target)
        if reuse:
            saved = self.s.store.load_config(Pair(app_id, source, target))
            if saved is not None:
                return saved
        return self.default_config(Pair(app_id, source, target))

    def load_draft(self, pair: Pair) -> ProtectionConfig | None:
        app, source, target = pair.parts
        return self.s.store.load_draft(Pair(get_app(app).id, source, target))

    def default_config(self, pair: Pair) -> ProtectionConfig:
        app, source, target = pair.parts
        target, like_named = likenamed.parse_target(target)
        if like_named and self.s.node_of(target) is None:
            raise InvalidInput("target", f"{target.upper()} is the like-named cluster of "
                                         f"{likenamed.source_of(target)} and is not set up yet: "
                                         "set it up first (Setup's like-named dialog, or "
                                         f"`appmgr config like-named {likenamed.source_of(target)}"
                                         " --node NODE --ip IP`)")
        src, tgt = self.s.source_inventory(app, source), self.s.inventory(target)
        cfg = default_config(app, src, tgt, dns_ttl=self._current_ttl(src),
                             pair_defaults=self.s.settings().pair_defaults,
                             compression=target_compression(self.s.store, target),
                             codec=target_codec(self.s.store, target))
        if like_named:
            cfg.target = target.upper()
            cfg.advanced.set_name = get_app(app).set_name(cfg.source, cfg.target)
            cfg.cluster = likenamed.choices(src, tgt).setup
        return cfg

    def _current_ttl(self, src: Server) -> int | None:
        for ip in src.dns_servers:
            try:
                rr = self.s.ctx.dns(ip, None).lookup(src.fqdn, "A")
            except AppmgrError:
                continue
            return rr.ttl if rr else None
        return None

    # --- edit and check -------------------------------------------------------------
    def apply(self, cfg: ProtectionConfig, assignments: list[str]) -> ProtectionConfig:
        """A new config with ``section.key=value`` applied; advanced-only fields need
        --advanced (or an application that shows them, SharePoint). InvalidInput names
        the field."""
        return apply_assignments(cfg, assignments, advanced=self.s.advanced_shown(cfg.app))

    def config_problems(self, cfg: ProtectionConfig) -> ConfigProblems:
        return config_problems(cfg, *self.s.pair_servers(cfg))

    def config_warnings(self, cfg: ProtectionConfig) -> list[str]:
        return [str(w) for w in self.config_problems(cfg).warnings]

    # --- save --------------------------------------------------------------------
    def save_config(self, cfg: ProtectionConfig) -> list[str]:
        """Check and save; returns notices (compression changed for the target's pairs)."""
        state = self.s.store.record(cfg.pair).pair_state
        if state not in EDITABLE:
            raise StateError(f"the pair is {state.value}: disable protection before changing "
                             "its configuration")
        src, tgt = self.s.pair_servers(cfg)
        probs = config_problems(cfg, src, tgt)
        if probs.errors:
            raise probs.errors[0]
        crossing = many_to_one_problems(cfg, src, self.s.store, self.s.cached_inventory)
        if crossing:
            raise crossing[0]
        self.s.store.save_config(cfg)
        notices = apply_compression(self.s.store, cfg)
        self.s.update_settings(remember_pair_defaults(self.s.settings(), cfg))
        log_action("save configuration", pair=f"{cfg.source}->{cfg.target}")
        return notices

    def save_draft(self, cfg: ProtectionConfig) -> None:
        self.s.store.save_draft(cfg)

    def discard_draft(self, cfg: ProtectionConfig) -> None:
        self.s.store.discard_draft(cfg.pair)

    # --- headless (F-15): config show / set ---------------------------------------
    def config_show(self, pair: Pair) -> ConfigView:
        """The configuration a pair would use (saved, else the defaults)."""
        app, source, target = pair.parts
        app_id = protectable_app(app).id
        target, _ = likenamed.parse_target(target)
        saved = self.s.store.load_config(Pair(app_id, source, target))
        cfg = saved if saved is not None else self.default_config(Pair(app_id, source, target))
        return ConfigView(cfg, saved is not None, as_assignments(cfg))

    def config_set(self, pair: Pair,
                   assignments: list[str]) -> ConfigChange:
        """Apply ``section.key=value`` edits and save, with the form's validation and
        messages; nothing is saved when any of them is refused."""
        if not assignments:
            raise InvalidInput("config", "name at least one section.key=value to set")
        cfg = self.load_config(pair)
        new = self.apply(cfg, assignments)
        notices = self.save_config(new)
        return ConfigChange(new, notices, self.config_warnings(new))
