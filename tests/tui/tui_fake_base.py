"""What the fake ConsoleApi's mixins share (see tui_fake_api.py).

FakeApi is one flat object made of mixins that read each other's state and
call each other's methods. Declaring that shared surface once lets mypy check
each mixin on its own; FakeApi's ``__init__`` gives the attributes their values.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from core.model.config import ProtectionConfig
from core.model.state import PairState

if TYPE_CHECKING:
    from core.model.server import Server
    from core.protection.facts import PlanFacts


class FakeBase:
    calls: list[tuple[str, tuple[Any, ...]]]
    lock: threading.Lock
    lab: bool
    nosqlsearch: bool
    down: set[str]
    state: PairState
    drafts: list[ProtectionConfig]
    reuse_offered: bool

    def _rec(self, name: str, *args: Any) -> None:
        """Records one call the tests look at (``FakeApi.called``)."""
        with self.lock:
            self.calls.append((name, args))

    if TYPE_CHECKING:
        # defined by a sibling mixin or by core's TabsService
        def inventory(self, server: str, refresh: bool = False) -> Server: ...
        def pair_servers(self, cfg: ProtectionConfig) -> tuple[Server, Server]: ...
        def _facts(self, cfg: ProtectionConfig) -> PlanFacts: ...
        def _saved_config(self, app: str, source: str,
                          target: str) -> ProtectionConfig | None: ...
