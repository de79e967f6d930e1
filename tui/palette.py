"""Command palette provider: every console action with its enabled state (F-3)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.hosts import main_screen


class ActionsProvider(Provider):
    """Lists the main screen's actions; a disabled one says why when chosen."""

    def _entries(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        entries = getattr(screen, "menu_entries", None)
        if entries is None:
            return []
        out = []
        for menu, action_id, label, key, reason in entries():
            text = f"{menu}: {label}"
            help_text = f"[{key}] " + (f"Unavailable — {reason}" if reason else "Available")
            out.append((text, action_id, help_text))
        return out

    async def discover(self) -> Hits:
        for text, action_id, help_text in self._entries():
            yield DiscoveryHit(text, partial(main_screen(self).run_ui_action, action_id),
                               help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, action_id, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text),
                          partial(main_screen(self).run_ui_action, action_id), help=help_text)
