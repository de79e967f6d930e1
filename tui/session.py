"""What the main screen knows about the pair being set up (UI-side state).

Plain data; the façade stays the source of truth. ``reason`` answers
"may this action run now, and if not, why" from the cached
``allowed_actions`` plus the two rules the UI enforces itself (a pair must
be chosen; validation errors block Enable Protection).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.model.config import ProtectionConfig
from core.model.pair import Pair
from tui.actions import TWIN_OF, TWINS, UiAction
from tui.fmt import plural, state_name

TITLES = {"exchange": "Exchange", "sql": "SQL Server", "fileprint": "File Server",
          "sharepoint": "SharePoint", "blackberry": "BlackBerry"}


@dataclass
class Session:
    application: Any = None  # core Application
    source: str = ""
    target: str = ""
    selection: Any = None  # core PairSelection
    cfg: ProtectionConfig | None = None
    draft: ProtectionConfig | None = None  # unsaved changes kept on Cancel (F-6.6)
    results: list[Any] = field(default_factory=list)  # CheckResult rows of the last validation
    validated: bool = False
    status: Any = None  # core PairStatus
    allowed: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    settings: Any = None
    advanced: bool = False  # appmgr --advanced: the advanced options and actions show

    @property
    def app_id(self) -> str:
        return getattr(self.application, "id", "")

    @property
    def pair(self) -> Pair:
        """The chosen pair (empty names while none is chosen)."""
        return Pair(self.app_id, self.source, self.target)

    @property
    def has_pair(self) -> bool:
        return bool(self.source and self.target)

    @property
    def state(self) -> str:
        if self.status is not None:
            return state_name(self.status.state)
        if self.selection is not None:
            return state_name(getattr(self.selection, "state", None))
        return ""

    @property
    def state_label(self) -> str:
        """The state as a person reads it (the header): core's label where it has one
        ("Failed back (restore next)" rather than Restoring while no restore runs)."""
        label = getattr(self.status, "label", None)
        return str(label) if label else self.state

    @property
    def state_detail(self) -> str:
        """Why the pair is not Protected, in a few words for the header (the first
        degraded condition's name: "Target unreachable"), else ""."""
        for cond in getattr(self.status, "conditions", None) or []:
            if cond.name != "Mirroring":
                return str(cond.name)
        return ""

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.status == "error")

    def reset_pair(self) -> None:
        self.source = self.target = ""
        self.selection = self.cfg = self.draft = self.status = None
        self.results = []
        self.validated = False
        self.allowed = {}

    def label_and_reason(self, ua: UiAction) -> tuple[str, str | None]:
        """The action's current label and why it may not run (None = it may)."""
        if ua.later:
            return ua.label, ua.later
        if ua.apps and self.app_id not in ua.apps:
            names = " and ".join(TITLES.get(a, a) for a in ua.apps)
            return ua.label, f"{ua.label} is for {names} only."
        if ua.advanced and not self.advanced:
            return ua.label, f"{ua.label} is an advanced option: start appmgr with --advanced."
        if ua.pair is None:
            return ua.label, None
        if self.application is not None and not getattr(self.application, "protectable", True):
            return ua.label, getattr(self.application, "not_protectable_reason", "") or (
                "This application comes in a later release.")
        if not self.has_pair:
            return ua.label, "Select a source and a target server first."
        if ua.pair not in self.allowed:
            return ua.label, "Reading the pair's state…"
        label, reason = self.allowed[ua.pair]
        label = label or ua.label
        if ua.id == "enable" and reason is None:
            if self.errors:
                reason = (f"{plural(self.errors, 'validation error')} "
                          "must be fixed first (then validate again).")
            elif not self.validated and self.state in ("", "Unprotected"):
                reason = "Validate the configuration first (v)."
        return label, reason

    def shown(self, ua: UiAction) -> bool:
        """For actions sharing a key: is this one the one on show now?"""
        if ua.id not in TWIN_OF:
            return True
        if ua.id in TWINS:  # the primary shows unless its twin is allowed now
            twin = TWINS[ua.id]
            return not (twin in self.allowed and self.allowed[twin][1] is None)
        return ua.id in self.allowed and self.allowed[ua.id][1] is None
