"""Helpers for the validation tests: a pair's config and one check's result."""

from __future__ import annotations

from core.config import apply_assignments, default_config
from core.model.config import ProtectionConfig
from core.validation import CheckResult, get_check, validate
from tests.core.doubles import FakeWorld


def config_for(world: FakeWorld, source: str = "FS01", target: str = "FS02",
               *assignments: str) -> ProtectionConfig:
    """The default File server config of a pair of the fake estate, with edits."""
    cfg = default_config("fileprint", world.servers[source], world.servers[target], dns_ttl=300)
    return apply_assignments(cfg, list(assignments))


def run_check(world: FakeWorld, cfg: ProtectionConfig, check_id: str,
              timeout: float = 2.0) -> CheckResult:
    """Run one registered check through the real runner."""
    report = validate(world.ctx, cfg, checks=[get_check(check_id)], timeout=timeout)
    return report.result(check_id)
