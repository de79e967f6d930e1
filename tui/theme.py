"""The console's calm colour theme (Nord-like, readable on dark terminals)."""

from __future__ import annotations

from textual.theme import Theme

APPMGR_THEME = Theme(
    name="appmgr",
    primary="#88c0d0",
    secondary="#81a1c1",
    accent="#b48ead",
    foreground="#d8dee9",
    background="#1f232b",
    surface="#2a2f3a",
    panel="#343b48",
    success="#a3be8c",
    warning="#ebcb8b",
    error="#bf616a",
    dark=True,
)
