"""``Pair``: a protected pair as one value — the application and its two servers.

Names are kept as typed (the store and the engines compare them without
regard to case); the key and the display are upper-case, as the guide
writes server names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Pair:
    """The application (``fileprint``) and the source and target server names."""

    app: str
    source: str
    target: str

    @cached_property  # asked for every pair at every poll of the dashboard
    def key(self) -> str:
        """The store's key of the pair (``fileprint_FS01_FS02``): one per pair."""
        return f"{self.app}_{self.source.upper()}_{self.target.upper()}"

    @property
    def parts(self) -> tuple[str, str, str]:
        """(app, source, target), for the core functions that take them apart."""
        return self.app, self.source, self.target

    def __str__(self) -> str:
        return f"{self.source.upper()} → {self.target.upper()} ({self.app})"
