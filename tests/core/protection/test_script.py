"""The failover script format: round trip and readable errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.protection.script import ScriptError, Step, parse, parse_line, render

# any one-line text (no control characters, no line or paragraph separators)
values = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)
verbs = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
keys = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
steps = st.builds(
    Step, verbs, st.lists(values, max_size=4).map(tuple), st.dictionaries(keys, values, max_size=3)
)


@given(st.lists(steps, max_size=6), st.lists(values.filter(lambda v: "\x85" not in v), max_size=3))
def test_render_parse_round_trip(plan: list[Step], comments: list[str]) -> None:
    text = render(plan, comments)
    assert parse(text, strict=False) == plan


@given(values)
def test_a_value_survives_as_argument_and_as_option(value: str) -> None:
    s = Step("publish-share", ("Data", value), {"description": value})
    assert parse_line(s.text()) == s


def test_windows_paths_need_no_escaping() -> None:
    line = r'publish-share "My Data" "E:\Shares\My Data" description="the ""big"" one"'
    s = parse_line(line)
    assert s == Step("publish-share", ("My Data", r"E:\Shares\My Data"), {"description": 'the "big" one'})
    assert s.text() == line
    assert parse_line(r"publish-share Data E:\Shares\Data") == Step(
        "publish-share", ("Data", r"E:\Shares\Data"))


def test_comments_blank_lines_and_quoted_option_lookalikes() -> None:
    text = "# header\n\n  start-service Spooler   # why: printing\nstop-service \"on=x\" on=source\n"
    assert parse(text) == [
        Step("start-service", ("Spooler",)),
        Step("stop-service", ("on=x",), {"on": "source"}),
    ]
    assert parse(text)[1].line == 4


@pytest.mark.parametrize(("text", "line", "what"), [
    ("start-service A\nstrat-service B", 2, "unknown verb 'strat-service'"),
    ('stop-replication "unclosed', 1, "quote opened at column 18 is not closed"),
    ("\n\npublish-share Data", 3, "publish-share needs more arguments"),
    ("dns-failover fs01.lab.example.com 127.0.10.11=nope", 1, "'nope' is not an IP address"),
    ("dns-failover fs01.lab.example.com", 1, "needs more arguments"),
    ("dns-failover fs01 127.0.10.11=127.0.10.12 ttl=5m", 1, "ttl=: '5m' is not a whole number"),
    ("start-service A on=both", 1, "'both' is not one of target, source"),
    ("start-service A on=x on=y", 1, "option on= is given twice"),
    ("withdraw-share A color=red", 1, "withdraw-share has no option color="),
    ("check-source extra", 1, "check-source takes 0 argument(s)"),
    ('"quoted-verb" x', 1, "is not a verb"),
    ("Start-Service A", 1, "is not a verb"),
    ("reprotect s compression=12", 1, "compression 12 is not 0-9"),
])
def test_parse_errors_name_the_line_and_the_problem(text: str, line: int, what: str) -> None:
    with pytest.raises(ScriptError) as err:
        parse(text)
    assert err.value.problems[0][0] == line
    assert what in err.value.problems[0][1]
    assert f"line {line}: " in str(err.value)


def test_every_bad_line_is_reported() -> None:
    with pytest.raises(ScriptError) as err:
        parse("bogus\ncheck-source\nwait soon\n")
    assert [n for n, _ in err.value.problems] == [1, 3]


def test_render_refuses_a_line_break_in_a_value() -> None:
    with pytest.raises(ValueError, match="line break"):
        render([Step("wait", ("1\n2",))])


def test_every_verb_has_an_implementation() -> None:
    from core.protection.step_table import STEPS
    from core.protection.verbs import VERBS

    assert set(STEPS) == set(VERBS)
