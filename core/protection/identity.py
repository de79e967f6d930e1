"""Identity failover from the console's side (SPEC F-9.5): register it, run its steps.

The target's engine executes identity failover (core.engine.identity): at
enable the console registers with it what the target takes over (the
monitored source IPs, the source's name, its shares, as chosen on the
Identity failover dialog) and whether it does so by itself when its monitor
declares the failure (manual intervention off). The failover plan's
``take-identity`` step asks for it too (it is done at once when the engine
already took over; with manual intervention on, that is where it happens),
and failback's ``give-back-identity`` has the target give it all back. The
AD host SPNs are moved by the plan (``move-spns``), from the console.
"""

from __future__ import annotations

from typing import Any

from core.context import Context
from core.errors import AppmgrError, NotFound, Refused
from core.model.config import ProtectionConfig
from core.ports import Engine
from core.protection.env import PairEnv
from core.protection.facts import PlanFacts
from core.store import PairRecord, PairStore


class Unread:
    """A configuration not read yet (None is a pair without one)."""


UNREAD = Unread()


def is_identity(cfg: ProtectionConfig) -> bool:
    return cfg.failover.type == "identity"


def identity_args(cfg: ProtectionConfig, facts: PlanFacts) -> dict[str, Any]:
    """What the target takes over, as the engine's ``set_identity`` takes it; the IPs keep
    the source NIC's subnet prefix."""
    ident = cfg.failover.identity
    return {
        "ips": list(facts.source_ips) if ident.ip_address else [],
        "prefix": facts.source_prefix,
        "nic": ident.target_nic,
        "server_name": cfg.source.upper() if ident.server_name else "",
        "shares": [{"name": s.name, "path": s.path, "description": s.description,
                    "grants": ";".join(s.grants)}
                   for s in facts.shares] if ident.shares else [],
        "auto": not cfg.monitoring.manual_intervention,
    }


def register(engine: Engine, cfg: ProtectionConfig, facts: PlanFacts) -> None:
    a = identity_args(cfg, facts)
    engine.set_identity(facts.set_name, a["ips"], a["prefix"], a["nic"], a["server_name"],
                        a["shares"], a["auto"])


def read_identity(ctx: Context, store: PairStore, rec: PairRecord, name: str,
                  cfg: ProtectionConfig | None | Unread = UNREAD) -> dict[str, Any] | None:
    """The target engine's identity record of an identity failover pair (``status``);
    None for a DNS failover pair or when none is registered. ``cfg``: the pair's
    configuration when the caller read it already."""
    if isinstance(cfg, Unread):
        cfg = store.load_config(rec.pair)
    if cfg is None or not is_identity(cfg):
        return None
    engine = ctx.engine(rec.target)
    try:
        out = engine.identity_status(name)
    except NotFound:
        return None
    except AppmgrError as exc:
        return {"state": "unknown", "error": str(exc), "done": [], "at": None}
    finally:
        engine.close()
    out["text"] = taken_text(out, rec.target.upper())
    return out


def taken_text(rec: dict[str, Any], target: str) -> str:
    """One line of what the engine took (or why it could not)."""
    parts = [d.split(":", 1)[1] if d.startswith("ip:") else d.replace(":", " ", 1)
             for d in rec.get("done", [])]
    what = ", ".join(parts) or "nothing"
    if rec.get("state") == "failed":
        return f"{target} could not take over the whole identity: {rec.get('error')} " \
               f"(taken so far: {what})"
    if rec.get("state") == "taken":
        return f"{target} answers as the source: its engine took over {what}"
    return f"{target} holds none of the source's identity"


def take_step(env: PairEnv, name: str) -> str:
    tgt = env.engine("target")
    register(tgt, env.cfg, env.facts)  # the configuration of this plan decides what moves
    rec = tgt.take_identity(name)
    if rec.get("state") != "taken":
        raise Refused(taken_text(rec, env.cfg.target.upper()))
    return taken_text(rec, env.cfg.target.upper())


def give_back_step(env: PairEnv, name: str) -> str:
    rec = env.engine("target").release_identity(name)
    if rec.get("state") == "failed":
        raise Refused(f"{env.cfg.target.upper()} could not give the identity back: "
                      f"{rec.get('error')}")
    return f"{env.cfg.target.upper()} gave {env.cfg.source.upper()}'s identity back"
