"""Form plumbing shared by the Configure Protection tabs and dialogs.

A scalar setting at ``section.key`` (e.g. ``monitoring.interval``) is edited
by the widget with id ``f-monitoring-interval`` and its message shows in
``err-monitoring-interval``. On OK the changed values become
``section.key=value`` assignments for ``ConsoleApi.apply`` — the same
validation as ``appmgr protect --set`` — and an ``InvalidInput`` is shown
next to the field it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Select, Static, Switch

from core.errors import InvalidInput
from tui.fmt import plain


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")


def error_id(path: str) -> str:
    return "err-" + path.replace(".", "-")


def get_path(cfg: Any, path: str) -> Any:
    value = cfg
    for part in path.split("."):
        value = getattr(value, part)
    return value


def text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def widget_text(widget: Widget) -> str:
    if isinstance(widget, Input):
        return widget.value.strip()
    if isinstance(widget, Checkbox | Switch):
        return text_of(bool(widget.value))
    if isinstance(widget, Select):
        return "" if widget.value == Select.NULL else str(widget.value)
    if isinstance(widget, RadioSet):
        pressed = widget.pressed_button
        return (pressed.name or "") if pressed is not None else ""
    raise TypeError(f"no form value for {type(widget).__name__}")


def assignments(root: DOMNode, cfg: Any, paths: Iterable[str]) -> list[str]:
    """``path=value`` for every field under ``root`` whose value differs from ``cfg``."""
    out = []
    for path in paths:
        for widget in root.query(f"#{field_id(path)}"):
            value = widget_text(widget)
            if value != text_of(get_path(cfg, path)):
                out.append(f"{path}={value}")
    return out


def show_error(root: DOMNode, err: InvalidInput) -> Widget | None:
    """Put the message next to the named field; return that field (None if not here)."""
    parts = err.field.split(".")
    while parts:  # "failover.dns.ip_map.127.0.10.11" falls back to "failover.dns.ip_map"
        path = ".".join(parts)
        for line in root.query(f"#{error_id(path)}").results(Static):
            line.update(plain(err.message))
            line.add_class("-shown")
            fields = list(root.query(f"#{field_id(path)}"))
            return fields[0] if fields else line
        parts.pop()
    return None


def clear_errors(root: DOMNode) -> None:
    for line in root.query(".field-error").results(Static):
        line.update("")
        line.remove_class("-shown")


def radio(path: str, current: str, choices: list[tuple[str, str]]) -> RadioSet:
    buttons = [RadioButton(label, value == current, name=value, compact=True)
               for label, value in choices]
    return RadioSet(*buttons, id=field_id(path), compact=True, classes="inline")


def row(label: str, widget: Widget, path: str | None = None,
        suffix: str = "") -> Iterator[Widget]:
    """A labelled field row and, when ``path`` is given, its error line."""
    children: list[Widget] = [Label(label, classes="label-wide"), widget]
    if suffix:
        children.append(Label(suffix, classes="suffix"))
    yield Horizontal(*children, classes="row")
    if path is not None:
        yield Static("", id=error_id(path), classes="field-error")


def set_note(line: Static, text: str) -> None:
    """Show ``text`` on a note line; an empty note takes no room (80×24 is tight)."""
    line.update(plain(text))
    line.display = bool(text)


def error_line(path: str) -> Static:
    """The (hidden until needed) message line of the setting at ``path``."""
    return Static("", id=error_id(path), classes="field-error")


def number(path: str, cfg: Any) -> Input:
    return Input(text_of(get_path(cfg, path)), id=field_id(path), compact=True,
                 classes="number")


def check(label: str, path: str, cfg: Any) -> Checkbox:
    return Checkbox(label, bool(get_path(cfg, path)), id=field_id(path), compact=True)
