"""Configuration half of the fake ConsoleApi (see tui_fake_api.py): load, apply,
save (with core's cross-field checks and the per-target compression notice),
drafts, the DNS and WMI accounts and the plan text."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from core.apps import likenamed
from core.apps.registry import get_app, protectable_app
from core.config.check import config_problems
from core.config.defaults import default_config
from core.config.edit import apply_assignments
from core.errors import AuthFailed, InvalidInput, StateError
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.state import PairState as ST
from tests.tui.tui_fake_base import FakeBase
from tests.tui.tui_fake_setup import LAB_TTL

#: the password the fake's source accepts for the WMI account
WMI_PASSWORD = "Wmi-S3cret!"


class FakeConfigMixin(FakeBase):
    saved: list[ProtectionConfig]
    drafts: list[ProtectionConfig]
    target_compression: dict[str, int]
    other_pairs: dict[str, list[str]]
    state: Any
    advanced: bool
    #: the WMI password in the fake credential cache (None: nothing cached)
    wmi_cached: str | None = None

    # --- configuration (F-6) ---------------------------------------------------------
    def _saved_config(self, app: str, source: str, target: str) -> ProtectionConfig | None:
        for cfg in reversed(self.saved):
            if (cfg.app, cfg.source, cfg.target) == (app, source.upper(), target.upper()):
                return deepcopy(cfg)
        return None

    def load_config(self, pair: Pair, *,
                    reuse: bool = True) -> ProtectionConfig:
        app, source, target = pair.parts
        self._rec("load_config", app, source, target, reuse)
        app_id = protectable_app(app).id
        target, like_named = likenamed.parse_target(target)
        saved = self._saved_config(app_id, source, target) if reuse else None
        if saved is not None:
            return saved
        src, tgt = self.pair_servers(ProtectionConfig(app_id, source, target))
        cfg = default_config(app_id, src, tgt, dns_ttl=LAB_TTL,
                             compression=self.target_compression.get(target.upper()))
        if like_named:
            cfg.target = target.upper()
            cfg.advanced.set_name = get_app(app_id).set_name(cfg.source, cfg.target)
            cfg.cluster = likenamed.choices(src, tgt).setup
        return cfg

    def apply(self, cfg: ProtectionConfig, assignments: list[str]) -> ProtectionConfig:
        self._rec("apply", [a for a in assignments if "password" not in a])
        return apply_assignments(cfg, assignments, advanced=self.advanced)

    def save_config(self, cfg: ProtectionConfig) -> list[str]:
        """As the console: refused while protected, first cross-field error raised,
        compression is one setting per target (the notice says so)."""
        self._rec("save_config", cfg.source, cfg.target)
        if self.state not in (ST.UNPROTECTED, ST.VALIDATED, ST.ERROR):
            raise StateError(f"the pair is {self.state.value}: disable protection before "
                             "changing its configuration")
        problems = config_problems(cfg, *self.pair_servers(cfg))
        if problems.errors:
            raise problems.errors[0]
        self.saved.append(deepcopy(cfg))
        self.drafts.clear()
        target = cfg.target.upper()
        before = self.target_compression.get(target)
        self.target_compression[target] = cfg.connection.compression
        others = self.other_pairs.get(target, [])
        if before is None or before == cfg.connection.compression or not others:
            return []
        level = cfg.connection.compression
        shown = "off" if level == 0 else f"level {level}"
        listed = ", ".join(f"{o} → {target} ({cfg.app})" for o in others)
        return [f"Compression is one setting per target: every pair to {target} now uses "
                f"{shown} ({listed}); protected pairs take it when enabled again."]

    def save_draft(self, cfg: ProtectionConfig) -> None:
        self._rec("save_draft", cfg.source, cfg.target)
        self.drafts.append(deepcopy(cfg))

    def discard_draft(self, cfg: ProtectionConfig) -> None:
        self._rec("discard_draft", cfg.source, cfg.target)
        self.drafts.clear()

    def load_draft(self, pair: Pair) -> ProtectionConfig | None:
        app, source, target = pair.parts
        self._rec("load_draft", app, source, target)
        return deepcopy(self.drafts[-1]) if self.drafts else None

    def config_warnings(self, cfg: ProtectionConfig) -> list[str]:
        return [str(w) for w in config_problems(cfg, *self.pair_servers(cfg)).warnings]

    def set_dns_credentials(self, cfg: ProtectionConfig, user: str,
                            password: str) -> ProtectionConfig:
        self._rec("set_dns_credentials", user)
        if not password:
            raise InvalidInput("failover.dns.password", "enter the DNS account's password")
        self.dns_password_set = True
        return apply_assignments(cfg, [f"failover.dns.user={user}"])

    def dns_test(self, cfg: ProtectionConfig) -> list[str]:
        self._rec("dns_test", cfg.failover.dns.user)
        if not cfg.failover.dns.servers:
            raise InvalidInput("failover.dns.servers", "add at least one DNS server")
        return [f"{s.ip}: answers for lab.example.com.; the DNS credentials may update it"
                for s in cfg.failover.dns.servers]

    # --- application monitoring's WMI account (F-6.2) --------------------------------------
    def set_wmi_credentials(self, cfg: ProtectionConfig, user: str,
                            password: str) -> ProtectionConfig:
        self._rec("set_wmi_credentials", user)  # never the password
        if not user.strip():
            raise InvalidInput("monitoring.application.wmi_user",
                               "enter a user name (DOMAIN\\user, user@domain or user)")
        if not password:
            raise InvalidInput("monitoring.application.wmi_password",
                               "enter the WMI user's password")
        new = apply_assignments(cfg, [f"monitoring.application.wmi_user={user}"],
                                advanced=self.advanced)
        self.wmi_cached = password
        return new

    def wmi_test(self, cfg: ProtectionConfig) -> list[str]:
        user = cfg.monitoring.application.wmi_user
        self._rec("wmi_test", user)
        if self.wmi_cached is None:
            raise InvalidInput("monitoring.application.wmi_password",
                               f"no WMI password is cached for {cfg.source}: enter the "
                               f"password of {user}")
        if self.wmi_cached != WMI_PASSWORD:
            self.wmi_cached = None
            raise AuthFailed(f"{cfg.source} refused the WMI login as {user}: wrong user name "
                             "or password. The cached WMI password was dropped; type it again")
        return [f"{cfg.source}: WMI login as {user} works; 2 services answered "
                "(MSSQLSERVER Running, SQLSERVERAGENT Running)"]

    def clear_wmi_credentials(self, cfg: ProtectionConfig) -> int:
        self._rec("clear_wmi_credentials", cfg.source)
        removed = 0 if self.wmi_cached is None else 1
        self.wmi_cached = None
        return removed

    def plan_text(self, cfg: ProtectionConfig, phase: str) -> str:
        from core.protection.plan import phase_text

        return phase_text(cfg, self._facts(cfg), phase)
