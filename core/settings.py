"""Options (SPEC F-4), persisted per user as JSON under the config directory.

``max_log_kb`` holds the verbose log's size limit in KiB (default 1024 =
1 MB); the Options field also accepts ``5 MB``. ``pair_defaults`` keeps the
non-machine settings last chosen in Configure Protection (monitoring
interval, missed heartbeats, …), as ``"section.key": value``; they become
the next pair's defaults. ``set_option`` validates one typed value and
returns a new ``Settings``; ``save_settings`` writes atomically, so nothing
is saved half-way.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.atomic import read_json, write_json
from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.pair import Pair

log = logging.getLogger("appmgr.settings")

FILE_NAME = "settings.json"
MAX_LOG_KB = 1024 * 1024  # 1 GiB


@dataclass(frozen=True)
class LastPair:
    app: str
    source: str
    target: str


@dataclass(frozen=True)
class Settings:
    service_port: int = 6320
    refresh_auto: bool = True
    refresh_interval: int = 5  # seconds, used when refresh_auto is off
    max_log_kb: int = 1024
    verbose_logging: bool = True
    always_show_details: bool = False
    stats_in_bytes: bool = False
    load_last_pair: bool = False
    alt_dns: bool = False
    show_advanced: bool = False
    last_pair: LastPair | None = None
    pair_defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def max_log_bytes(self) -> int:
        return self.max_log_kb * 1024


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    help: str
    parse: Callable[[str], Any]


def _whole(label: str, lo: int, hi: int, unit: str = "") -> Callable[[str], int]:
    rule = f"{label} must be a whole number{unit} from {lo} to {hi}"

    def parse(text: str) -> int:
        t = text.strip().replace("_", "")
        if not re.fullmatch(r"[+]?[0-9]{1,12}", t):
            raise ValueError(rule)
        n = int(t)
        if not lo <= n <= hi:
            raise ValueError(rule)
        return n

    return parse


def _boolean(label: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        t = text.strip().lower()
        if t in ("on", "true", "yes", "1"):
            return True
        if t in ("off", "false", "no", "0"):
            return False
        raise ValueError(f"{label} must be on or off")

    return parse


def parse_log_size(text: str) -> int:
    """``1024``, ``1024 KB`` or ``5 MB`` -> KiB (1 to 1,048,576)."""
    rule = f"max verbose log size must be a whole number of KB from 1 to {MAX_LOG_KB} (or MB, e.g. 5 MB)"
    m = re.fullmatch(r"\s*([0-9]{1,12})\s*(kb|k|kib|mb|m|mib)?\s*", text.lower())
    if not m:
        raise ValueError(rule)
    n = int(m.group(1)) * (1024 if (m.group(2) or "k").startswith("m") else 1)
    if not 1 <= n <= MAX_LOG_KB:
        raise ValueError(rule)
    return n


OPTIONS: dict[str, Option] = {o.key: o for o in (
    Option("service_port", "Service listen port",
           "Port of the replication engine; must equal the engine port on both servers.",
           _whole("service listen port", 1, 65535)),
    Option("refresh_auto", "Automatic refresh interval",
           "Adjust the Monitor refresh interval automatically.", _boolean("automatic refresh")),
    Option("refresh_interval", "Refresh interval (s)",
           "Seconds between Monitor refreshes when automatic adjustment is off.",
           _whole("refresh interval", 1, 30000, " of seconds")),
    Option("max_log_kb", "Max verbose log size (KB)",
           "On overflow appmgr.verbose.log becomes appmgr.verbose.prev.log.", parse_log_size),
    Option("verbose_logging", "Verbose logging", "Log every user action and remote operation.",
           _boolean("verbose logging")),
    Option("always_show_details", "Always show protection details",
           "Open the Monitor tab with the details expanded.", _boolean("always show details")),
    Option("stats_in_bytes", "Statistics in bytes",
           "Show counters in bytes instead of KB/MB/GB/TB.", _boolean("statistics in bytes")),
    Option("load_last_pair", "Load last pair on startup",
           "Reopen the last source/target pair when appmgr starts.", _boolean("load last pair")),
    Option("alt_dns", "Alternative DNS", "Start next time as with --altdns (plain RFC 2136 updates).",
           _boolean("alternative DNS")),
    Option("show_advanced", "Display advanced options", "Start next time as with --advanced.",
           _boolean("display advanced options")),
)}


def set_option(settings: Settings, key: str, text: str) -> Settings:
    """A copy of ``settings`` with option ``key`` set from the typed ``text``.

    Raises InvalidInput(key, rule) and leaves ``settings`` untouched on bad input.
    """
    name = key.strip().lower().replace("-", "_")
    opt = OPTIONS.get(name)
    if opt is None:
        raise InvalidInput("option", f"unknown option {key!r}; options: {', '.join(OPTIONS)}")
    try:
        value = opt.parse(str(text))
    except ValueError as exc:
        raise InvalidInput(name, str(exc)) from None
    return dataclasses.replace(settings, **{name: value})


def option_text(settings: Settings, key: str) -> str:
    """The value of an option as the Options dialog shows it."""
    value = getattr(settings, key)
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


def with_last_pair(settings: Settings, pair: Pair) -> Settings:
    app, source, target = pair.parts
    return dataclasses.replace(settings, last_pair=LastPair(app, source.upper(), target.upper()))


# --- pair defaults (F-4: non-machine settings carry over) -------------------
PAIR_DEFAULT_KEYS = (
    "monitoring.enabled", "monitoring.manual_intervention", "monitoring.method",
    "monitoring.interval", "monitoring.missed", "monitoring.trigger",
    "snapshots.enabled", "snapshots.interval_min",
    "connection.mirror_type", "connection.compression",
    "failover.dns.update_ttl", "failover.dns.ttl",
)


def _walk(obj: Any, dotted: str) -> tuple[Any, str]:
    *parents, leaf = dotted.split(".")
    for p in parents:
        obj = getattr(obj, p)
    return obj, leaf


def remember_pair_defaults(settings: Settings, cfg: ProtectionConfig) -> Settings:
    """Settings whose ``pair_defaults`` are taken from ``cfg`` (after Configure Protection)."""
    values = {}
    for key in PAIR_DEFAULT_KEYS:
        holder, leaf = _walk(cfg, key)
        values[key] = getattr(holder, leaf)
    return dataclasses.replace(settings, pair_defaults=values)


def apply_pair_defaults(settings: Settings, cfg: ProtectionConfig) -> ProtectionConfig:
    """A copy of a new pair's ``cfg`` with the remembered defaults applied.

    A remembered value whose type no longer matches the field is skipped.
    """
    out = copy.deepcopy(cfg)
    for key, value in settings.pair_defaults.items():
        if key not in PAIR_DEFAULT_KEYS:
            continue
        holder, leaf = _walk(out, key)
        current = getattr(holder, leaf)
        if type(value) is type(current):
            setattr(holder, leaf, value)
    return out


# --- persistence ---------------------------------------------------------------
def load_settings(path: Path) -> Settings:
    """Read settings; a missing file gives the defaults, a bad value its default."""
    try:
        data = read_json(path, {})
    except (OSError, ValueError):
        log.warning("cannot read %s; using default options", path)
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    kwargs: dict[str, Any] = {}
    for key, opt in OPTIONS.items():
        if key not in data:
            continue
        raw = data[key]
        text = ("on" if raw else "off") if isinstance(raw, bool) else str(raw)
        try:
            kwargs[key] = opt.parse(text)
        except ValueError as exc:
            log.warning("ignoring option %s in %s: %s", key, path, exc)
    lp = data.get("last_pair")
    if isinstance(lp, dict) and all(isinstance(lp.get(k), str) for k in ("app", "source", "target")):
        kwargs["last_pair"] = LastPair(lp["app"], lp["source"], lp["target"])
    pd = data.get("pair_defaults")
    if isinstance(pd, dict):
        kwargs["pair_defaults"] = {k: v for k, v in pd.items() if k in PAIR_DEFAULT_KEYS}
    return Settings(**kwargs)


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically (temp file, fsync, rename)."""
    data = {key: getattr(settings, key) for key in OPTIONS}
    data["last_pair"] = dataclasses.asdict(settings.last_pair) if settings.last_pair else None
    data["pair_defaults"] = dict(settings.pair_defaults)
    write_json(path, data)
