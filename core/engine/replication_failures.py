"""What a replication failure means: is the target engine down, and the sentence for it."""

from __future__ import annotations

import asyncio

from core.engine.channel import ChannelError
from core.engine.handshake import DeniedError, TlsFailed
from core.engine.protocol import FrameError


def target_down(exc: BaseException, told: ChannelError | None) -> bool:
    """Whether a failure means the target engine cannot be reached (not a local error,
    not an answer of a running target)."""
    if told or isinstance(exc, DeniedError | TlsFailed | ChannelError):
        return False
    return isinstance(exc, ConnectionError | TimeoutError | asyncio.TimeoutError | FrameError) or (
        isinstance(exc, OSError) and exc.filename is None)


def describe_failure(exc: BaseException, where: str) -> str:
    """The sentence for a failure of the data channel to ``where`` (target:port)."""
    if isinstance(exc, TlsFailed):
        return str(exc)
    if isinstance(exc, DeniedError):
        return f"the target engine on {where} refused the connection: {exc}"
    if isinstance(exc, ChannelError):
        return f"the target engine on {where} reported: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return f"the target engine on {where} refused the connection (is it running?)"
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return f"the target engine on {where} did not answer in time"
    if isinstance(exc, ConnectionError | FrameError):
        return f"the data channel to {where} broke: {exc}"
    if isinstance(exc, OSError):
        return f"replication failed: {exc.strerror or exc}" + (
            f" ({exc.filename})" if exc.filename else "")
    return f"replication failed: {exc}"
