"""The restore question (SPEC F-9.3): what the restore would overwrite, kept or discarded.

Shows how many source files (and bytes) differ from the target before the
restore runs. Three answers: restore keeping copies of them in a quarantine
folder on the source (the default, focused), restore discarding them (an
explicit choice), or cancel. With nothing differing: restore or cancel.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.protection.quarantine import human_bytes

KEEP, DISCARD = "keep", "discard"
#: files named in the dialog; the failover log lists all of them
SHOWN = 3


def restore_text(diff: Any) -> str:
    source, target = diff.source, diff.target
    head = f"Copy {target}'s data back to {source} and protect again?"
    if not diff.count:
        return f"{head}\n\nNo file on {source} differs from {target}: nothing is lost."
    lines = [head, "",
             f"{diff.count} file(s) on {source} ({human_bytes(diff.bytes)}) differ from "
             f"{target} and would be overwritten or deleted:"]
    lines += [f"  {f.path} ({f.why})" for f in diff.files[:SHOWN]]
    if diff.count > SHOWN:
        lines.append(f"  … and {diff.count - SHOWN} more (all listed in the failover log)")
    lines += ["", f"Keep copies on {source} (folder .appmgr-restore-<time> at the root "
                  "of each volume), or discard them?"]
    return "\n".join(lines)


class RestoreConfirmScreen(ModalScreen[str | None]):
    """Answers KEEP, DISCARD or None (cancel)."""

    BINDINGS = [Binding("escape", "answer(None)", "Cancel")]

    def __init__(self, diff: Any) -> None:
        super().__init__()
        self.diff = diff

    def compose(self) -> ComposeResult:
        with Vertical(id="restore-confirm", classes="dialog"):
            yield Static("Restore", classes="dialog-title")
            yield Static(restore_text(self.diff), id="restore-text", classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                if self.diff.count:
                    yield Button("Restore, keep copies", id=KEEP, variant="primary", compact=True)
                    yield Button("Restore, discard", id=DISCARD, variant="error", compact=True)
                else:
                    yield Button("Restore", id=KEEP, variant="primary", compact=True)
                yield Button("Cancel", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one(f"#{KEEP}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in (KEEP, DISCARD) else None)

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)
