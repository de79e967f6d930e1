"""Rules that span several pairs to one target (SPEC F-6.4).

- Compression is one setting per target: saving a pair with another level or
  method (zlib, zstd) changes every saved pair to that target (and their drafts)
  and says so.
- SQL database-only many-to-one: two sources may not bring a database of
  the same name into one target instance, and no two databases may put a
  file at the same place on the target.
"""

from __future__ import annotations

from collections.abc import Callable

from core.apps import sqlcommon as sq
from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.server import Server
from core.store import PairStore


def _same_target(a: ProtectionConfig, b: ProtectionConfig) -> bool:
    return a.target.upper() == b.target.upper() and (
        (a.app, a.source.upper()) != (b.app, b.source.upper()))


def target_compression(store: PairStore, target: str) -> int | None:
    """The compression level the target's saved pairs use (None: no pair yet)."""
    for cfg in store.configs():
        if cfg.target.upper() == target.upper():
            return cfg.connection.compression
    return None


def target_codec(store: PairStore, target: str) -> str | None:
    """The compression method the target's saved pairs use (None: no pair yet)."""
    for cfg in store.configs():
        if cfg.target.upper() == target.upper():
            return cfg.connection.codec
    return None


def apply_compression(store: PairStore, cfg: ProtectionConfig) -> list[str]:
    """Give every other saved pair to ``cfg.target`` its compression; the notices to show."""
    changed: list[str] = []
    level, method = cfg.connection.compression, cfg.connection.codec
    for other in store.configs():
        if not _same_target(cfg, other) or (
                other.connection.compression, other.connection.codec) == (level, method):
            continue
        draft = store.load_draft(other.pair)
        other.connection.compression, other.connection.codec = level, method
        store.save_config(other)  # discards the draft: put it back with the new level
        if draft is not None:
            draft.connection.compression, draft.connection.codec = level, method
            store.save_draft(draft)
        changed.append(f"{other.source} → {other.target} ({other.app})")
    if not changed:
        return []
    shown = "off" if level == 0 else f"{method} level {level}"
    return [f"Compression is one setting per target: every pair to {cfg.target} now uses "
            f"{shown} ({', '.join(changed)}); protected pairs take it when enabled again."]


def many_to_one_problems(cfg: ProtectionConfig, source: Server, store: PairStore,
                         inventory: Callable[[str], Server | None]) -> list[InvalidInput]:
    """Names and target files of this pair against the other many-to-one pairs to its target."""
    conn = cfg.connection
    if conn.sql_mode != "many-to-one":
        return []
    mine_names = {(sq.split_key(k)[0], sq.split_key(k)[1].lower()): k for k in conn.databases}
    mine_files = {p.upper(): k for k in conn.databases for p in sq.target_files(source, cfg, k)}
    out: list[InvalidInput] = []
    for other in store.configs():
        if not _same_target(cfg, other) or other.connection.sql_mode not in sq.DB_MODES:
            continue
        for k in other.connection.databases:
            inst, name = sq.split_key(k)
            if (inst, name.lower()) in mine_names:
                out.append(InvalidInput("connection.databases", f"{name} of {inst} is also "
                                        f"protected from {other.source} to {other.target}: the "
                                        "target can attach only one database of a name"))
        other_src = inventory(other.source)
        if other_src is None:
            continue
        for k in other.connection.databases:
            for path in sq.target_files(other_src, other, k):
                if path.upper() in mine_files:
                    out.append(InvalidInput("connection.target_paths", f"{path} on "
                                            f"{cfg.target} is also used by {k} of "
                                            f"{other.source}: give {mine_files[path.upper()]} a "
                                            "target path of its own"))
    return out
