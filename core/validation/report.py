"""What a validation run produces: the report (grouped, JSON) and the outcome of each Fix."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.validation.base import GROUPS, CheckResult, Status


@dataclass(frozen=True)
class FixOutcome:
    """One Fix of Fix All: did it run, what it said, and its check's status afterwards."""

    id: str
    title: str
    ok: bool
    message: str
    status: Status | None = None  # the check re-run after the Fix (None: the Fix failed)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "ok": self.ok, "message": self.message,
                "status": self.status.value if self.status else None}

    def __str__(self) -> str:
        if not self.ok:
            return f"Could not fix {self.title}: {self.message}"
        return f"Fixed: {self.title} (now {self.status.value if self.status else '?'})"


@dataclass(frozen=True)
class ValidationReport:
    results: tuple[CheckResult, ...]
    #: the fixes Fix All ran before this report, in the order it ran them
    fixes: tuple[FixOutcome, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no check reported an error (warnings do not block, SPEC F-7)."""
        return not self.errors

    @property
    def unreachable(self) -> list[CheckResult]:
        """Errors that are no finding: a server did not answer or refused the credentials."""
        return [r for r in self.errors if r.unreachable]

    @property
    def exit_code(self) -> int:
        """The CLI's code (README): 0 no error, 3 a server could not be asked, else 1."""
        if self.ok:
            return 0
        return 3 if self.unreachable else 1

    @property
    def errors(self) -> list[CheckResult]:
        return [r for r in self.results if r.status is Status.ERROR]

    @property
    def warnings(self) -> list[CheckResult]:
        return [r for r in self.results if r.status is Status.WARNING]

    @property
    def fixable(self) -> list[CheckResult]:
        return [r for r in self.results if r.fixable and r.status is not Status.PASSED]

    def result(self, check_id: str) -> CheckResult:
        return next(r for r in self.results if r.id == check_id)

    def grouped(self) -> dict[str, list[CheckResult]]:
        """Results by group, in :data:`GROUPS` order (empty groups left out)."""
        out: dict[str, list[CheckResult]] = {}
        for group in GROUPS:
            rows = [r for r in self.results if r.group == group]
            if rows:
                out[group] = rows
        return out

    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for r in self.results if r.status is s) for s in Status}

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "ok": self.ok, "counts": self.counts(),
            "groups": {g: {s.value: sum(1 for r in rows if r.status is s) for s in Status}
                       for g, rows in self.grouped().items()},
            "results": [r.to_dict() for r in self.results]}
        if self.fixes:
            doc["fixes"] = [f.to_dict() for f in self.fixes]
        return doc

    def to_json(self) -> str:
        """The stable export (``validate --json``, Save in the TUI)::

            {"ok": bool, "counts": {"passed": n, "warning": n, "error": n},
             "groups": {"servers": {"passed": n, …}, …},
             "results": [{"id", "title", "group", "status", "reason", "fixable"}],
             "fixes": [{"id", "title", "ok", "message", "status"}]   # after Fix All only
            }
        """
        return json.dumps(self.to_dict(), indent=2)
