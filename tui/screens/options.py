"""Tools → Options (SPEC F-4): every option, its rule, and the credential cache."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from core.errors import InvalidInput
from core.settings import Settings, set_option
from tui.api_calls import ApiCaller, error_text
from tui.fmt import plain
from tui.screens.confirm import ConfirmScreen
from tui.widgets.form_scroll import FormScroll
from tui.widgets.help_line import HelpLine, HelpLineHost

#: (settings key, label, kind, default, (min, max) for numbers)
OPTIONS: tuple[tuple[str, str, str, Any, tuple[int, int] | None], ...] = (
    ("service_port", "Service listen port", "int", 6320, (1, 65535)),
    ("refresh_auto", "Adjust the refresh interval automatically", "bool", True, None),
    ("refresh_interval", "Refresh interval (s)", "int", 5, (1, 30000)),
    ("max_log_kb", "Max verbose log size", "text", 1024, None),
    ("verbose_logging", "Verbose logging", "bool", True, None),
    ("always_show_details", "Always show protection details", "bool", False, None),
    ("stats_in_bytes", "Statistics in bytes", "bool", False, None),
    ("load_last_pair", "Load the last pair on startup", "bool", False, None),
    ("alt_dns", "Alternative DNS (from the next start)", "bool", False, None),
    ("show_advanced", "Display advanced options (from the next start)", "bool", False, None),
)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class OptionsScreen(ApiCaller, HelpLineHost, ModalScreen[Any]):
    """Dismisses with the new settings object, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, settings: Any) -> None:
        super().__init__()
        self.settings = settings

    def _value(self, key: str, default: Any) -> Any:
        return getattr(self.settings, key, default)

    def compose(self) -> ComposeResult:
        with Vertical(id="options", classes="dialog"):
            yield Static("Options", classes="dialog-title")
            with FormScroll(classes="dialog-scroll"):
                for key, label, kind, default, _ in OPTIONS:
                    value = self._value(key, default)
                    if kind == "bool":
                        yield Checkbox(label, bool(value), id=f"opt-{key}", compact=True)
                    else:
                        with Horizontal(classes="row"):
                            yield Label(label, classes="label-option")
                            yield Input(str(value), id=f"opt-{key}", compact=True,
                                        classes="number")
                            if key == "max_log_kb":
                                yield Label("KB (or e.g. 5 MB)", classes="suffix")
                    yield Static("", id=f"err-opt-{key}", classes="field-error")
                yield Button("Clear cached credentials", id="opt-clear", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", id="opt-ok", variant="primary", compact=True)
                yield Button("Cancel", id="opt-cancel", compact=True)
            yield HelpLine("")

    def on_mount(self) -> None:
        self._sync_interval()
        self.query_one("#opt-service_port", Input).focus()

    @on(Checkbox.Changed, "#opt-refresh_auto")
    def _sync_interval(self) -> None:
        auto = self.query_one("#opt-refresh_auto", Checkbox).value
        self.query_one("#opt-refresh_interval", Input).disabled = auto

    def _form(self) -> dict[str, str]:
        out = {}
        for key, _label, kind, _default, _ in OPTIONS:
            value = (self.query_one(f"#opt-{key}", Checkbox).value if kind == "bool"
                     else self.query_one(f"#opt-{key}", Input).value)
            out[key] = _text(bool(value)) if kind == "bool" else str(value).strip()
        return out

    def _precheck(self, changed: dict[str, str]) -> InvalidInput | None:
        """Catch bad values before anything is saved, so nothing is saved half-way: the
        parsers of core.settings, the same that ``set_options`` applies (issue 11)."""
        for key, text in changed.items():
            try:
                set_option(Settings(), key, text)
            except InvalidInput as err:
                return err
        return None

    @on(Button.Pressed, "#opt-ok")
    def _ok(self) -> None:
        self._clear_errors()
        form = self._form()
        changed = {k: v for k, v in form.items()
                   if v != _text(self._value(k, dict((o[0], o[3]) for o in OPTIONS)[k]))}
        problem = self._precheck(changed)
        if problem is not None:
            self._show_error(problem)
            return
        if not changed:
            self.dismiss(None)
            return
        api = self.api

        def save() -> Any:
            return api.options.set_options(changed)

        self.call_api("save", save)

    def api_save(self, settings: Any, _tag: Any) -> None:
        self.notify("Options saved.")
        self.dismiss(settings)

    def api_failed_save(self, err: BaseException, _tag: Any) -> None:
        if isinstance(err, InvalidInput):
            self._show_error(err)
        else:
            self.notify(error_text(err), severity="error")

    def _show_error(self, err: InvalidInput) -> None:
        key = err.field.removeprefix("options.")
        for line in self.query(f"#err-opt-{key}").results(Static):
            line.update(plain(err.message))
            line.add_class("-shown")
            self.query_one(f"#opt-{key}").focus()
            return
        self.notify(str(err), severity="error")

    def _clear_errors(self) -> None:
        for line in self.query(".field-error").results(Static):
            line.update("")
            line.remove_class("-shown")

    @on(Button.Pressed, "#opt-clear")
    def _clear_credentials(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.call_api("clear_credentials", self.api.options.clear_credentials)

        self.app.push_screen(ConfirmScreen(
            "Clear cached credentials", "Forget every cached user name and password?\n"
            "You will be asked to log in to each server again.", yes="Clear"), answered)

    def api_clear_credentials(self, count: int, _tag: Any) -> None:
        self.notify(f"Removed {count} cached credential{'s' if count != 1 else ''}.")

    @on(Button.Pressed, "#opt-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
