"""The readable failover script format: one step per line.

A line is a verb and its arguments separated by spaces; ``#`` starts a
comment (at the start of a word, outside quotes). An argument with spaces or
quotes is written in double quotes, a quote inside doubled (``""``);
backslashes are literal, so Windows paths need no escaping. ``key=value``
words are options; a quoted word is always a plain argument. Example::

    # post-failover: FS01 -> FS02
    stop-replication fileprint_FS01_FS02
    publish-share Data "E:\\Shares\\My Data" description="Department data"
    dns-failover fs01.lab.example.com 127.0.10.11=127.0.10.12 ttl=300
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.errors import InvalidInput
from core.protection.verbs import VERBS, check_step

_OPTION = re.compile(r"^([a-z][a-z0-9_-]*)=")
_VERB = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Step:
    """One step of a plan phase: ``verb arg… key=value…``."""

    verb: str
    args: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    line: int = field(default=0, compare=False)  # where it was parsed from (0 = generated)

    def text(self) -> str:
        """The step as one script line (no comment)."""
        words = [self.verb, *(_quote(a, plain=True) for a in self.args)]
        words += [f"{k}={_quote(v, plain=False)}" for k, v in self.options.items()]
        return " ".join(words)

    def opt(self, key: str, default: str | None = None) -> str | None:
        return self.options.get(key, default)


class ScriptError(InvalidInput):
    """A script that cannot be read; ``problems`` lists (line number, what is wrong)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        text = "; ".join(f"line {n}: {msg}" for n, msg in problems)
        super().__init__("script", text)


def _quote(value: str, plain: bool) -> str:
    if any(c in "\r\n" for c in value):
        raise ValueError("a script value cannot contain a line break")
    needs = (
        value == ""
        or '"' in value
        or value.startswith("#")
        or any(c.isspace() for c in value)
        or (plain and _OPTION.match(value) is not None)
    )
    return '"' + value.replace('"', '""') + '"' if needs else value


def render(steps: list[Step], comments: list[str] | tuple[str, ...] = ()) -> str:
    """The script text of a phase: comment lines first, then one line per step."""
    out = [f"# {c}" if c else "#" for c in comments]
    out += [s.text() for s in steps]
    return "\n".join(out) + "\n"


@dataclass
class _Word:
    value: str
    bare_prefix: str  # the unquoted characters before the first quote


def _words(line: str) -> list[_Word]:
    words: list[_Word] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] == "#":
            break
        value: list[str] = []
        prefix: list[str] = []
        quoted_seen = False
        while i < n and not line[i].isspace():
            if line[i] != '"':
                value.append(line[i])
                if not quoted_seen:
                    prefix.append(line[i])
                i += 1
                continue
            quoted_seen, start = True, i
            i += 1
            while True:
                if i >= n:
                    raise ValueError(f"the quote opened at column {start + 1} is not closed")
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        value.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                value.append(line[i])
                i += 1
        words.append(_Word("".join(value), "".join(prefix)))
    return words


def parse_line(line: str) -> Step | None:
    """One line to a Step (None for a blank or comment line); ValueError says what is wrong."""
    words = _words(line)
    if not words:
        return None
    head = words[0]
    if head.bare_prefix != head.value or not _VERB.match(head.value):
        raise ValueError(f"{head.value!r} is not a verb (a verb is lower-case, e.g. start-service)")
    args: list[str] = []
    options: dict[str, str] = {}
    for w in words[1:]:
        m = _OPTION.match(w.bare_prefix)
        if m is None:
            args.append(w.value)
            continue
        key = m.group(1)
        if key in options:
            raise ValueError(f"option {key}= is given twice")
        options[key] = w.value[len(key) + 1 :]
    return Step(head.value, tuple(args), options)


def parse(text: str, strict: bool = True) -> list[Step]:
    """Read a script; ScriptError lists every bad line with its number.

    ``strict`` also checks each verb and its arguments against the step
    registry (unknown verbs, missing arguments, bad IPs or numbers).
    """
    steps: list[Step] = []
    problems: list[tuple[int, str]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        try:
            step = parse_line(line.rstrip("\r"))
            if step is None:
                continue
            if strict:
                check_step(step.verb, step.args, step.options, VERBS)
        except ValueError as exc:
            problems.append((n, str(exc)))
            continue
        steps.append(Step(step.verb, step.args, step.options, line=n))
    if problems:
        raise ScriptError(problems)
    return steps
