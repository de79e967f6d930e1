"""Rule matching: include/exclude, recursive or not, most specific rule wins."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.rules import RuleMatcher
from core.model.rules import Rule


def m(*rules: Rule) -> RuleMatcher:
    return RuleMatcher(rules)


def test_recursive_include() -> None:
    r = m(Rule("E:\\Data"))
    assert r.includes("E:\\Data") and r.includes("E:\\Data\\a\\b\\c.txt")
    assert not r.includes("E:\\Other\\x") and not r.includes("E:\\")
    assert not r.includes("E:\\DataX\\f")  # a prefix of the name is not a parent


def test_non_recursive_covers_direct_children_only() -> None:
    r = m(Rule("E:\\Data", recursive=False))
    assert r.includes("E:\\Data\\f.txt")
    assert not r.includes("E:\\Data\\sub\\f.txt")
    assert not r.wants_dir("E:\\Data\\sub")


def test_most_specific_wins_both_ways() -> None:
    r = m(Rule("E:\\Data"), Rule("E:\\Data\\Tmp", include=False), Rule("E:\\Data\\Tmp\\Keep"))
    assert r.includes("E:\\Data\\a.txt")
    assert not r.includes("E:\\Data\\Tmp\\junk")
    assert r.includes("E:\\Data\\Tmp\\Keep\\k.txt")
    assert r.wants_dir("E:\\Data\\Tmp")  # must descend to reach Keep


def test_tie_exclude_wins_and_case_insensitive() -> None:
    r = m(Rule("E:\\Data"), Rule("e:\\data", include=False))
    assert not r.includes("E:\\DATA\\x")
    assert m(Rule("E:\\Data")).includes("e:\\data\\X.TXT")


def test_non_recursive_exclude_inside_recursive_include() -> None:
    r = m(Rule("E:\\D"), Rule("E:\\D\\A", include=False, recursive=False))
    assert not r.includes("E:\\D\\A\\f")
    assert r.includes("E:\\D\\A\\B\\f")  # deeper than the non-recursive rule reaches
    assert r.wants_dir("E:\\D\\A")


def test_roots() -> None:
    r = m(Rule("E:\\Data"), Rule("E:\\Data\\Sub"), Rule("C:\\X"), Rule("E:\\Ex", include=False))
    assert r.roots() == ["C:\\X", "E:\\Data"]


# --- properties -----------------------------------------------------------------
NAMES = st.sampled_from(["a", "b", "c", "D"])
PATHS = st.lists(NAMES, min_size=0, max_size=4).map(lambda ps: "E:\\" + "\\".join(ps))
RULES = st.lists(st.builds(Rule, PATHS, st.booleans(), st.booleans()), min_size=1, max_size=6)


def ancestors(path: str) -> list[str]:
    parts = path[3:].split("\\") if len(path) > 3 else []
    return ["E:\\" + "\\".join(parts[:i]) for i in range(len(parts))]


@settings(max_examples=300, deadline=None)
@given(RULES, PATHS)
def test_scan_reaches_every_included_path(rules: list[Rule], path: str) -> None:
    """Scanner completeness: an included path lies under a root, and every
    directory between that root and the path is one the scanner enters."""
    r = RuleMatcher(rules)
    if not r.includes(path):
        return
    roots = [x.lower() for x in r.roots()]
    chain = [a for a in ancestors(path) if any(a.lower().startswith(x) for x in roots)]
    assert any(path.lower() == x or path.lower().startswith(x.rstrip("\\") + "\\") for x in roots)
    for a in chain:
        if a.lower() in roots or any(a.lower().startswith(x.rstrip("\\") + "\\") for x in roots):
            assert r.wants_dir(a), (rules, path, a)


@settings(max_examples=200, deadline=None)
@given(RULES, PATHS, st.randoms())
def test_rule_order_does_not_matter(rules: list[Rule], path: str, rnd: random.Random) -> None:
    shuffled = list(rules)
    rnd.shuffle(shuffled)
    assert RuleMatcher(rules).includes(path) == RuleMatcher(shuffled).includes(path)


@settings(max_examples=200, deadline=None)
@given(RULES, PATHS, st.booleans())
def test_exact_rule_decides_its_own_path(rules: list[Rule], path: str, include: bool) -> None:
    r = RuleMatcher([*[x for x in rules if x.path.lower() != path.lower()], Rule(path, include)])
    assert r.includes(path) == include
    assert r.includes(path.upper()) == include


def test_a_directory_whose_children_all_belong_is_known_as_such() -> None:
    from core.engine.rules import child_included
    m = RuleMatcher([Rule("E:\\Data"), Rule("E:\\Data\\Logs", include=False),
                     Rule("E:\\Flat", recursive=False), Rule("E:\\Data\\Keep\\x.bin")])
    assert m.children_included("E:\\Data\\Sub")
    assert m.children_included("E:\\Flat")
    assert not m.children_included("E:\\Flat\\Sub")  # a flat rule: not its grandchildren
    assert not m.children_included("E:\\Data")  # rules below it decide for some children
    assert not m.children_included("E:\\Data\\Logs")
    assert not m.children_included("E:\\Data\\Keep")
    assert not m.children_included("E:\\Other")
    assert not m.children_included("E:\\Data\\.appmgr-restore-1\\x")
    # judged by name, a child is what the rules say it is
    for d in ("E:\\Data\\Sub", "E:\\Flat"):
        for name in ("a.bin", ".appmgr-restore-2", ".APPMGR-RESTORE-3", "b c"):
            assert child_included(name) == m.includes(f"{d}\\{name}")
    assert child_included("a\\.appmgr-restore-1") is None  # two parts: the rules tell


@settings(max_examples=400, deadline=None)
@given(RULES, PATHS, NAMES | st.sampled_from([".appmgr-restore-1", ".Appmgr-Restore-x"]))
def test_a_child_judged_by_name_is_judged_as_the_rules_judge_it(
        rules: list[Rule], directory: str, name: str) -> None:
    from core.engine.rules import child_included
    r = RuleMatcher(rules)
    if r.children_included(directory):
        assert child_included(name) == r.includes(directory.rstrip("\\") + "\\" + name)
