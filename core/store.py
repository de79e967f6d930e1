"""Persistence of pairs: saved configurations, drafts and lifecycle records.

Layout (all atomic JSON writes, rule 7):
- ``<config>/pairs/<app>_<SRC>_<TGT>.json`` — the saved ProtectionConfig
- ``<state>/drafts/<app>_<SRC>_<TGT>.json`` — an unsaved configuration (F-6.6)
- ``<state>/pairs/<app>_<SRC>_<TGT>.json`` — the PairRecord (state, token, …)
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.errors import InvalidInput
from core.model.apps import APP_IDS
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.model.state import PairState
from core.paths import AppPaths
from core.visible import quoted

#: a NetBIOS computer name; the like-named cluster's temporary target adds "_LN"
NETBIOS_MAX, DNS_MAX, LABEL_MAX = 15, 253, 63
_LIKE_NAMED = "_LN"
_NAME_CHARS = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)
#: file names kept as they are (older files keep being found); longer or odd ones are hashed
_SAFE_FILE = re.compile(r"[A-Za-z0-9_.-]{1,120}", re.ASCII)


def check_pair_name(name: str, field: str = "server") -> str:
    """A source or target name as a pair is kept: a NetBIOS name (at most 15 characters),
    a DNS name (at most 253, labels at most 63) or an IP address. Refused here, before any file is
    named after it: a 240-character name was an OSError "File name too long" (issue 11)."""
    text = str(name).strip().rstrip(".")
    try:  # a server added by its address (IPv4 or IPv6) is kept under that address
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    rule = (f"a NetBIOS name has 1 to {NETBIOS_MAX} characters, a DNS name at most "
            f"{DNS_MAX} (each label 1 to {LABEL_MAX}): letters, digits and hyphens")
    if "." in text:
        labels = text.split(".")
        ok = len(text) <= DNS_MAX and all(
            0 < len(label) <= LABEL_MAX and _NAME_CHARS.fullmatch(label) for label in labels)
    else:
        short = text[:-len(_LIKE_NAMED)] if text.upper().endswith(_LIKE_NAMED) else text
        ok = 0 < len(short) <= NETBIOS_MAX and bool(_NAME_CHARS.fullmatch(short))
    if not ok:
        raise InvalidInput(field, f"{quoted(name)} is not a server name: {rule}")
    return text


def pair_key(pair: Pair) -> str:
    return pair.key


def pair_file_name(pair: Pair) -> str:
    """The JSON file name of a pair: its key when that is a short, plain file name (as
    always), else a readable prefix and a hash of the key, so no name a store is handed
    can make a path too long or step out of the folder."""
    key = pair.key
    if _SAFE_FILE.fullmatch(key) and key.strip(".") == key:
        return f"{key}.json"
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", key, flags=re.ASCII)[:60]
    return f"{prefix}~{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()[:20]}.json"


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
    def pair(self) -> Pair:
        """The pair this record is of."""
        return Pair(self.app, self.source, self.target)

    @property
    def key(self) -> str:
        return self.pair.key

    @property
    def pair_state(self) -> PairState:
        return PairState(self.state)


class PairStore:
    def __init__(self, paths: AppPaths) -> None:
        self._configs = paths.config / "pairs"
        self._drafts = paths.state / "drafts"
        self._records = paths.state / "pairs"

    @staticmethod
    def _file(folder: Path, pair: Pair) -> Path:
        check_pair_name(pair.source, "source")
        check_pair_name(pair.target, "target")
        return folder / pair_file_name(pair)

    # configurations
    def load_config(self, pair: Pair) -> ProtectionConfig | None:
        d = read_json(self._file(self._configs, pair))
        return ProtectionConfig.from_dict(d) if d else None

    def save_config(self, cfg: ProtectionConfig) -> None:
        write_json(self._file(self._configs, cfg.pair), cfg.to_dict())
        self.discard_draft(cfg.pair)

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
    def load_draft(self, pair: Pair) -> ProtectionConfig | None:
        d = read_json(self._file(self._drafts, pair))
        return ProtectionConfig.from_dict(d) if d else None

    def save_draft(self, cfg: ProtectionConfig) -> None:
        write_json(self._file(self._drafts, cfg.pair), cfg.to_dict())

    def discard_draft(self, pair: Pair) -> None:
        (self._file(self._drafts, pair)).unlink(missing_ok=True)

    # lifecycle records
    def record(self, pair: Pair) -> PairRecord:
        app, source, target = pair.parts
        d = read_json(self._file(self._records, pair))
        if not d:
            return PairRecord(app, source.upper(), target.upper())
        return PairRecord(**{k: v for k, v in d.items() if k in PairRecord.__dataclass_fields__})

    def save_record(self, rec: PairRecord) -> None:
        write_json(self._file(self._records, rec.pair), asdict(rec), mode=0o600)

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
                 if (self._file(self._configs, Pair(app, source, target))).exists()]
        if saved:
            return saved
        return [app for app in APP_IDS
                if (self._file(self._records, Pair(app, source, target))).exists()
                and self.record(Pair(app, source, target)).pair_state
                not in (PairState.UNPROTECTED, PairState.VALIDATED)]

    def knows(self, source: str, target: str) -> bool:
        """Whether appmgr has a configuration or any record (even a health check) of the pair."""
        # through load_config/records, not file names: those are the store's own business
        if any(self.load_config(Pair(app, source, target)) is not None for app in APP_IDS):
            return True
        s, t = source.upper(), target.upper()
        return any(r.source.upper() == s and r.target.upper() == t for r in self.records())

    def pairs_with_target(self, target: str) -> list[PairRecord]:
        return [r for r in self.records() if r.target.upper() == target.upper()]

    def pairs_with_source(self, source: str) -> list[PairRecord]:
        return [r for r in self.records() if r.source.upper() == source.upper()]


