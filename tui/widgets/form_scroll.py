"""A scrolling container for forms: not a Tab stop itself (its fields are)."""

from __future__ import annotations

from textual.containers import VerticalScroll


class FormScroll(VerticalScroll):
    can_focus = False
