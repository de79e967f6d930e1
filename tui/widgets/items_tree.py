"""The protected-items tree of the Connection tab (SPEC F-6.4).

Shows core's ``TreeItem`` tree (shares; storage groups and their stores;
SQL instances and their databases; the Volumes branch) with check marks.
Space (or Enter) on a node posts :class:`ItemsTree.Toggled`; ``toggle``
says which selection keys that gives, by the rules of the tree: a store
comes with its storage group, an instance selects or clears its databases,
a locked node (a required system database) cannot be cleared.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

#: the kinds whose keys ``ConsoleApi.select_items`` takes
UNITS = ("share", "storage-group", "database", "volume", "folder")


def selected_units(root: Any) -> list[str]:
    return [n.key for n in root.walk() if n.kind in UNITS and n.selected]


def toggle(root: Any, item: Any) -> tuple[list[str] | None, str]:
    """The keys after toggling ``item`` and a note; (None, why) when it cannot toggle."""
    keys = selected_units(root)
    if item.locked:
        return None, (f"{item.label.split(' (')[0]} is required: it is protected with its "
                      "instance (only tempdb may be left out).")
    if item.kind in UNITS:
        return ([k for k in keys if k != item.key] if item.selected else [*keys, item.key]), ""
    if item.kind == "store":
        group = "sg:" + item.key.removeprefix("store:").split("/", 1)[0]
        on = group in keys
        return ([k for k in keys if k != group] if on else [*keys, group],
                "A store is protected with its storage group.")
    if item.kind == "instance":
        children = [c for c in item.children if c.kind == "database"]
        if any(c.selected and not c.locked for c in children):
            drop = {c.key for c in children if not c.locked}
            return [k for k in keys if k not in drop], ""
        return list(dict.fromkeys([*keys, *(c.key for c in children)])), ""
    return None, ""


class ItemsTree(Tree[Any]):
    """Space toggles the item under the cursor (Enter too)."""

    BINDINGS = [Binding("space", "toggle_item", "Toggle", show=False)]

    class Toggled(Message):
        def __init__(self, item: Any) -> None:
            super().__init__()
            self.item = item

    def action_toggle_item(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None:
            self.post_message(self.Toggled(node.data))

    def action_select_cursor(self) -> None:
        self.action_toggle_item()

    def show(self, root: Any) -> None:
        """Render ``root`` (a TreeItem), keeping the cursor on the same key."""
        cursor = self.cursor_node.data.key if self.cursor_node and self.cursor_node.data else None
        self.clear()
        self.root.set_label(_label(root))
        self.root.data = root
        self.root.expand()
        for child in root.children:
            self._add(self.root, child)
        if cursor is not None:
            self.call_after_refresh(self._cursor_to, cursor)

    def _cursor_to(self, key: str) -> None:
        node = next((n for n in self._tree_nodes.values()
                     if n.data is not None and n.data.key == key), None)
        if node is not None and node.line >= 0:
            self.cursor_line = node.line

    def _add(self, parent: TreeNode[Any], item: Any) -> None:
        label = _label(item)
        if not item.children:
            parent.add_leaf(label, data=item)
            return
        node = parent.add(label, data=item, expand=True)
        for child in item.children:
            self._add(node, child)


def _label(item: Any) -> Text:
    """Plain text (a path's backslash or bracket is no markup)."""
    if item.kind in ("root", "volumes"):
        return Text(item.label, style="bold")
    mark = "☑" if item.selected else "☐"
    if not item.locked:
        return Text(f"{mark} {item.label}")
    name, sep, rest = item.label.partition(" (")
    return Text.assemble(f"{mark} {name} ", ("required", "italic"),
                         f"{' (' if sep else ''}{rest}")
