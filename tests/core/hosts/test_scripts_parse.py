"""Every host operation's script, as the console sends it, parses as PowerShell.

No PowerShell runs on this machine (no pwsh in its registries), so the scripts are read
with tree-sitter's PowerShell grammar: a brace left open, a broken here-string or a
stray token is an ERROR or MISSING node. This is the syntax only; what the cmdlets do
on a real Windows server is not proven here.
"""

from __future__ import annotations

from functools import cache

import pytest
import tree_sitter_powershell
from tree_sitter import Language, Node, Parser

from core.hosts.ops import OPS, render_script, script_body

#: a parameter block with the characters that break a badly quoted literal
PARAMS = {"name": "O'Brien’s share", "path": "E:\\Shares\\$x", "list": ["a", "b"], "n": 3}


@cache
def _parser() -> Parser:
    return Parser(Language(tree_sitter_powershell.language()))


def problems(script: str) -> list[str]:
    """Where the grammar could not read ``script``: line:column and the text there."""
    out: list[str] = []

    def walk(node: Node) -> None:
        if node.type == "ERROR" or node.is_missing:
            row, col = node.start_point
            text = (node.text or b"").decode("utf-8", "replace")[:60]
            out.append(f"{row + 1}:{col + 1} {'missing ' + node.type if node.is_missing else text}")
        for child in node.children:
            walk(child)

    walk(_parser().parse(script.encode("utf-8")).root_node)
    return out


@pytest.mark.parametrize("op", sorted(OPS))
def test_the_script_sent_for_each_operation_parses(op: str) -> None:
    assert problems(render_script(op, PARAMS)) == []


@pytest.mark.parametrize("broken", [
    "if ($x) { Write-Output 1\n",                   # a brace left open
    "$a = @'\nnot closed\n",                          # a here-string never closed
    "function F( { }\n",                              # a parameter list cut
])
def test_the_check_finds_a_broken_script(broken: str) -> None:
    assert problems(script_body("path_exists") + broken)
