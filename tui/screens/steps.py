"""Progress of a long operation (enable, failover, failback, restore), step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, RichLog, Static

from tui.api_calls import ApiCaller, error_text
from tui.fmt import plain


class StepsScreen(ApiCaller, ModalScreen[bool]):
    """Runs ``job(progress)`` in a thread worker and lists each step's outcome."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, title: str, job: Callable[[Callable[[str], None]], Any]) -> None:
        super().__init__()
        self.title_text = title
        self.job = job
        self.ok: bool | None = None
        self._pending = ""  # the step announced last ("…"), awaiting its outcome
        self._pending_at = 0  # its line
        self._lines: list[Text] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="steps", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            # min_width: RichLog wraps at max(its width, min_width=78) and crops the rest, so
            # a long step lost its middle in a dialog narrower than 78 columns
            yield RichLog(id="steps-log", wrap=True, markup=False, min_width=20)
            yield Static("Running…", id="steps-state")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="steps-close", compact=True, disabled=True)

    def on_mount(self) -> None:
        self.call_api("steps", self.job, progress=True)

    def progress_steps(self, text: str) -> None:
        line = Text(f"· {text}", style="#d8dee9")
        # "create set…" then "create set: ok": the outcome replaces the announcement, also
        # when the step said something in between (its detail lines stay below it)
        if self._pending and text.startswith(self._pending):
            self._lines[self._pending_at] = line
            log = self.query_one(RichLog)
            log.clear()
            for old in self._lines:
                log.write(old)
            self._pending = ""
        else:
            self._lines.append(line)
            self.query_one(RichLog).write(line)
            if text.endswith("…"):
                self._pending, self._pending_at = text[:-1], len(self._lines) - 1

    def api_steps(self, result: Any, _tag: Any) -> None:
        log = self.query_one(RichLog)
        ok = True
        for step in result if isinstance(result, list) else []:
            ok = ok and bool(step.ok)
            glyph, colour = ("✔", "#a3be8c") if step.ok else ("✖", "#bf616a")
            line = Text(f"{glyph} ", style=colour)
            line.append(step.step, style="bold")
            if step.message:
                line.append(f" — {step.message}")
            log.write(line)
        self._finish(ok, "Done." if ok else "Stopped: a step failed (see above).")

    def api_failed_steps(self, err: BaseException, _tag: Any) -> None:
        self.query_one(RichLog).write(Text(f"✖ {error_text(err)}", style="#bf616a"))
        self._finish(False, "Stopped. What was done is listed above.")

    def _finish(self, ok: bool, text: str) -> None:
        self.ok = ok
        state = self.query_one("#steps-state", Static)
        state.update(plain(text))
        state.set_class(not ok, "-error")
        button = self.query_one("#steps-close", Button)
        button.disabled = False
        button.focus()

    @on(Button.Pressed, "#steps-close")
    def action_close(self) -> None:
        if self.ok is not None:
            self.dismiss(self.ok)
