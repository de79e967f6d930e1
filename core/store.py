"""Persistence of pairs: saved configurations, drafts and lifecycle records.

Layout (all atomic JSON writes, rule 7):
- ``<config>/pairs/<app>_<SRC>_<TGT>.json`` — the saved ProtectionConfig
- ``<state>/drafts/<app>_<SRC>_<TGT>.json`` — an unsaved configuration (F-6.6)
- ``<state>/pairs/<app>_<SRC>_<TGT>.json`` — the PairRecord (state, token, …)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.atomic import read_json, write_json
from core.model.apps import APP_IDS
from core.model.config import ProtectionConfig
from core.model.state import PairState
from core.paths import AppPaths


def pair_key(app: str, source: str, target: str) -> str:
    return f"{app}_{source.upper()}_{target.upper()}"


@dataclass
class PairRecord:
    """What appmgr remembers about a pair between runs."""

    app: str
    source: str
    target: str
    state: str = PairState.UNPROTECTED.value
    #: engine-to-engine token for this pair's connection (an engine secret,
    #: not a user's; lives only in the state dir with mode 0600)
    token: str = ""
    source_ips: list[str] = field(default_factory=list)
    target_ips: list[str] = field(default_factory=list)
    last_error: str = ""
    updated: float = 0.0
    #: progress of a running plan phase, so a crash can resume it
    phase: str = ""
    steps_done: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: whether the target's failover monitor is on (F-8.2)
    monitoring: bool = False
    #: plan facts captured at Enable Protection (core.protection.facts.PlanFacts)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return pair_key(self.app, self.source, self.target)

    @property
    def pair_state(self) -> PairState:
        return PairState(self.state)


class PairStore:
    def __init__(self, paths: AppPaths) -> None:
        self._configs = paths.config / "pairs"
        self._drafts = paths.state / "drafts"
        self._records = paths.state / "pairs"

    # configurations
    def load_config(self, app: str, source: str, target: str) -> ProtectionConfig | None:
        d = read_json(self._configs / f"{pair_key(app, source, target)}.json")
        return ProtectionConfig.from_dict(d) if d else None

    def save_config(self, cfg: ProtectionConfig) -> None:
        write_json(self._configs / f"{pair_key(cfg.app, cfg.source, cfg.target)}.json", cfg.to_dict())
        self.discard_draft(cfg.app, cfg.source, cfg.target)

    def configs(self) -> list[ProtectionConfig]:
        """Every saved configuration (any application), in file-name order."""
        if not self._configs.exists():
            return []
        out = []
        for p in sorted(self._configs.glob("*.json")):
            d = read_json(p)
            if d:
                out.append(ProtectionConfig.from_dict(d))
        return out

    # drafts
    def load_draft(self, app: str, source: str, target: str) -> ProtectionConfig | None:
        d = read_json(self._drafts / f"{pair_key(app, source, target)}.json")
        return ProtectionConfig.from_dict(d) if d else None

    def save_draft(self, cfg: ProtectionConfig) -> None:
        write_json(self._drafts / f"{pair_key(cfg.app, cfg.source, cfg.target)}.json", cfg.to_dict())

    def discard_draft(self, app: str, source: str, target: str) -> None:
        (self._drafts / f"{pair_key(app, source, target)}.json").unlink(missing_ok=True)

    # lifecycle records
    def record(self, app: str, source: str, target: str) -> PairRecord:
        d = read_json(self._records / f"{pair_key(app, source, target)}.json")
        if not d:
            return PairRecord(app, source.upper(), target.upper())
        return PairRecord(**{k: v for k, v in d.items() if k in PairRecord.__dataclass_fields__})

    def save_record(self, rec: PairRecord) -> None:
        write_json(self._records / f"{rec.key}.json", asdict(rec), mode=0o600)

    def records(self) -> list[PairRecord]:
        out = []
        for p in sorted(self._records.glob("*.json")) if self._records.exists() else []:
            d = read_json(p) or {}
            out.append(PairRecord(**{k: v for k, v in d.items() if k in PairRecord.__dataclass_fields__}))
        return out

    def apps_of(self, source: str, target: str) -> list[str]:
        """The applications ``source`` → ``target`` is set up for (a pair set up as exchange
        needs no ``--app`` afterwards): those with a saved configuration, else those whose
        record went beyond a health check (validating alone records the pair too)."""
        saved = [app for app in APP_IDS
                 if (self._configs / f"{pair_key(app, source, target)}.json").exists()]
        if saved:
            return saved
        return [app for app in APP_IDS
                if (self._records / f"{pair_key(app, source, target)}.json").exists()
                and self.record(app, source, target).pair_state
                not in (PairState.UNPROTECTED, PairState.VALIDATED)]

    def knows(self, source: str, target: str) -> bool:
        """Whether appmgr has a configuration or any record (even a health check) of the pair."""
        # through load_config/records, not file names: those are the store's own business
        if any(self.load_config(app, source, target) is not None for app in APP_IDS):
            return True
        s, t = source.upper(), target.upper()
        return any(r.source.upper() == s and r.target.upper() == t for r in self.records())

    def pairs_with_target(self, target: str) -> list[PairRecord]:
        return [r for r in self.records() if r.target.upper() == target.upper()]

    def pairs_with_source(self, source: str) -> list[PairRecord]:
        return [r for r in self.records() if r.source.upper() == source.upper()]


