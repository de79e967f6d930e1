"""The replication engine (service) and its client.

The service runs on each protected server (``python -m core.engine``); the
console talks to it only through :class:`EngineClient`, which implements
the ``Engine`` port of :mod:`core.ports`.
"""

from core.engine.client import EngineClient
from core.engine.heartbeat import heartbeat

__all__ = ["EngineClient", "heartbeat"]
