"""The log viewer (SPEC F-11, F-13): verbose, DFO, failover and (Exchange) ExchFailover
logs per server."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea
from textual.widgets.text_area import Selection

from tui.api_calls import ApiCaller, error_text
from tui.widgets.help_line import HelpLine, HelpLineHost


class LogViewerScreen(ApiCaller, HelpLineHost, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next match"),
    ]

    def __init__(self, servers: list[str], kind: str = "verbose",
                 server: str | None = None, *, exchange: bool = False) -> None:
        super().__init__()
        self.choices: list[tuple[str, str]] = [("Verbose log", "verbose:")]
        for name in servers:
            self.choices.append((f"DFO log {name}", f"dfo:{name}"))
            self.choices.append((f"Failover log {name}", f"failover:{name}"))
            if exchange:  # the ExchFailover log: mailboxes and public folders moved
                self.choices.append((f"ExchFailover log {name}", f"exchange:{name}"))
        self.initial = f"{kind}:{server or ''}"
        if self.initial not in [v for _, v in self.choices]:
            self.initial = "verbose:"
        self.query_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="logs", classes="dialog full"):
            with Horizontal(classes="row"):
                yield Static("Log", classes="label")
                yield Select(self.choices, id="log-kind", value=self.initial, allow_blank=False,
                             compact=True)
                yield Button("Reload", id="log-reload", compact=True)
                yield Button("Close", id="log-close", compact=True)
            yield TextArea("", id="log-text", read_only=True, soft_wrap=False)
            with Horizontal(classes="row", id="log-search-row"):
                yield Static("Find", classes="label")
                yield Input(id="log-search", compact=True, placeholder="text, then Enter")
                yield Static("", id="log-found")
            yield HelpLine("")

    def on_mount(self) -> None:
        self._load()
        self.query_one("#log-text", TextArea).focus()

    @on(Select.Changed, "#log-kind")
    @on(Button.Pressed, "#log-reload")
    def _load(self) -> None:
        value = str(self.query_one("#log-kind", Select).value)
        kind, _, server = value.partition(":")
        self.call_api("log_text", self.api.logs.log_text, kind, server or None)

    def api_log_text(self, text: str, _tag: Any) -> None:
        area = self.query_one("#log-text", TextArea)
        area.load_text(text or "(the log is empty)")
        # the newest lines, from column 0: the end of the last line would scroll a
        # long line's tail into view and hide every line's start
        area.move_cursor((area.document.line_count - 1, 0))
        area.scroll_end(animate=False, immediate=True, x_axis=False)

    def api_failed_log_text(self, err: BaseException, _tag: Any) -> None:
        self.query_one("#log-text", TextArea).load_text(f"Cannot read the log: {error_text(err)}")

    def action_search(self) -> None:
        self.query_one("#log-search", Input).focus()

    @on(Input.Submitted, "#log-search")
    def _search(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.query_one("#log-text", TextArea).focus()
        self.action_next_match()

    def action_next_match(self) -> None:
        area = self.query_one("#log-text", TextArea)
        found = self.query_one("#log-found", Static)
        if not self.query_text:
            return
        lines = area.text.split("\n")
        row, col = area.selection.end
        needle = self.query_text.lower()
        order = list(range(row, len(lines))) + list(range(0, row + 1))
        for index, r in enumerate(order):
            start = col if index == 0 else 0
            hit = lines[r].lower().find(needle, start)
            if hit >= 0:
                area.selection = Selection((r, hit), (r, hit + len(needle)))
                area.scroll_cursor_visible(center=True)
                found.update(f"line {r + 1}")
                return
        found.update("not found")

    @on(Button.Pressed, "#log-close")
    def action_close(self) -> None:
        self.dismiss(None)
