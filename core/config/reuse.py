"""Whether a pair's saved configuration may be offered again (SPEC F-5.5).

A configuration is never reused when the servers' IPs changed since it was
saved (a server configured in a staging area and moved, say): its IP map,
route and monitored IPs would point at addresses that no longer exist.
"""

from __future__ import annotations

from core.config.defaults import server_ips
from core.model.config import ProtectionConfig
from core.model.server import Server


def reuse_problem(cfg: ProtectionConfig, source: Server, target: Server) -> str:
    """Why ``cfg`` cannot be reused for this pair now ("" when it can)."""
    src, tgt = set(server_ips(source)), set(server_ips(target))
    gone_src = [ip for ip in [*cfg.failover.dns.ip_map, *cfg.failover.identity.monitored_ips]
                if ip not in src]
    gone_tgt = [ip for ip in [*cfg.failover.dns.ip_map.values(), cfg.connection.route]
                if ip and ip not in tgt]
    parts = []
    if gone_src:
        parts.append(f"{source.name} no longer has {', '.join(dict.fromkeys(gone_src))}")
    if gone_tgt:
        parts.append(f"{target.name} no longer has {', '.join(dict.fromkeys(gone_tgt))}")
    if (cfg.source, cfg.target) != (source.name.upper(), target.name.upper()):
        parts.append(f"it was saved for {cfg.source} → {cfg.target}")
    return "; ".join(parts)


def can_reuse(cfg: ProtectionConfig, source: Server, target: Server) -> bool:
    """True when the saved configuration still fits both servers' IPs."""
    return reuse_problem(cfg, source, target) == ""
