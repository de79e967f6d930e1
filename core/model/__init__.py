"""Core data model: plain dataclasses, no I/O."""

from core.model.config import ProtectionConfig
from core.model.rules import Rule, set_name
from core.model.server import EngineInfo, Nic, Server, Service, Share, Volume
from core.model.state import PairState
from core.model.stats import JobStats

__all__ = [
    "EngineInfo",
    "JobStats",
    "Nic",
    "PairState",
    "ProtectionConfig",
    "Rule",
    "Server",
    "Service",
    "Share",
    "Volume",
    "set_name",
]
