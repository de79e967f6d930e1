"""The Options dialog (SPEC F-4) and the cached credentials' Clear."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.logs import log_action
from core.settings import Settings, set_option

if TYPE_CHECKING:
    from core.console.session import Session


class OptionsService:
    """The console's options, validated and saved all or nothing (read: ``session.settings``)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def set_option(self, key: str, value: str) -> Settings:
        new = set_option(self.s.settings(), key, value)
        self.s.update_settings(new)
        log_action("option", key=key)
        return new

    def set_options(self, values: dict[str, str]) -> Settings:
        """Validate every value first, then save once: all or nothing (F-4)."""
        new = self.s.settings()
        for key, value in values.items():
            new = set_option(new, key, value)
        self.s.update_settings(new)
        log_action("options", keys=",".join(sorted(values)))
        return new

    def clear_credentials(self) -> int:
        """Forget every cached credential; how many were removed."""
        n = self.s.ctx.secrets.clear()
        log_action("clear cached credentials", removed=n)
        return n
