"""Rules that name a target path: source ↔ target mapping, the target's view of
the set, the restore's reversed rules, and the rule's persisted form."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.engine.pathmap import MappedMatcher, PathMap, reverse_rules
from core.engine.rules import RuleMatcher
from core.model.rules import Rule

DB = [Rule("E:\\SQLData\\Sales.mdf", True, False, "F:\\FromSQL01\\Sales\\Sales.mdf"),
      Rule("E:\\SQLLogs\\Sales_log.ldf", True, False, "F:\\FromSQL01\\Sales\\Sales_log.ldf")]
NESTED = [Rule("E:\\Data", target="F:\\Remap"),
          Rule("E:\\Data\\Tmp", include=False),
          Rule("E:\\Data\\Deep", target="C:\\Elsewhere"),
          Rule("E:\\Data\\Plain"),
          Rule("E:\\Other")]


def test_file_rules_map_to_their_target_and_nothing_else_moves() -> None:
    pm = PathMap(DB)
    assert pm.to_target("E:\\SQLData\\Sales.mdf") == "F:\\FromSQL01\\Sales\\Sales.mdf"
    assert pm.to_target("E:\\SQLLogs\\Sales_log.ldf") == "F:\\FromSQL01\\Sales\\Sales_log.ldf"
    assert pm.to_target("E:\\SQLData\\HR.mdf") == "E:\\SQLData\\HR.mdf"
    assert pm.to_source("F:\\FromSQL01\\Sales\\Sales.mdf") == "E:\\SQLData\\Sales.mdf"
    assert pm.to_source("F:\\FromSQL01\\Sales\\other.txt") == "F:\\FromSQL01\\Sales\\other.txt"
    assert not pm.identity and PathMap([Rule("E:\\Data")]).identity


def test_most_specific_mapped_rule_wins_and_nested_rules_inherit() -> None:
    pm = PathMap(NESTED)
    assert pm.to_target("E:\\Data") == "F:\\Remap"
    assert pm.to_target("E:\\Data\\a\\b.txt") == "F:\\Remap\\a\\b.txt"
    assert pm.to_target("E:\\Data\\Plain\\p.txt") == "F:\\Remap\\Plain\\p.txt"  # no own target
    assert pm.to_target("E:\\Data\\Deep\\d.txt") == "C:\\Elsewhere\\d.txt"
    assert pm.to_target("E:\\DataX\\f") == "E:\\DataX\\f"  # a name prefix is not a parent
    assert pm.to_target("E:\\Other\\o.txt") == "E:\\Other\\o.txt"
    assert pm.to_source("C:\\Elsewhere\\d.txt") == "E:\\Data\\Deep\\d.txt"


def test_matching_ignores_case_and_keeps_the_rest_of_the_spelling() -> None:
    pm = PathMap(NESTED)
    assert pm.to_target("e:\\DATA\\Sub\\MiXeD.TXT") == "F:\\Remap\\Sub\\MiXeD.TXT"
    assert pm.to_source("f:\\remap\\Sub\\x") == "E:\\Data\\Sub\\x"


def test_an_exclude_rule_with_a_target_maps_nothing() -> None:
    assert PathMap([Rule("E:\\Data", include=False, target="F:\\X")]).identity


def test_target_view_lists_only_images_of_the_set() -> None:
    mm = MappedMatcher(RuleMatcher(NESTED), PathMap(NESTED))
    assert mm.includes("F:\\Remap\\a.txt")
    assert not mm.includes("F:\\Remap\\Tmp\\junk")  # excluded under the mapped rule
    assert not mm.includes("F:\\Remap\\Deep\\d.txt")  # Deep lands elsewhere, not here
    assert mm.includes("C:\\Elsewhere\\d.txt")
    assert not mm.includes("E:\\Data\\a.txt")  # the source path on the target is not the set's
    assert mm.includes("E:\\Other\\o.txt")
    assert mm.wants_dir("F:\\") and mm.wants_dir("C:\\")  # mapped targets lie below
    assert not mm.wants_dir("F:\\Remap\\Tmp") and not mm.wants_dir("E:\\Data")
    assert mm.roots() == ["C:\\Elsewhere", "E:\\Other", "F:\\Remap"]


def test_reverse_rules_send_from_where_the_data_landed() -> None:
    back = reverse_rules(NESTED)
    assert back[:5] == [
        Rule("F:\\Remap", target="E:\\Data"),
        Rule("F:\\Remap\\Tmp", include=False),
        Rule("C:\\Elsewhere", target="E:\\Data\\Deep"),
        Rule("F:\\Remap\\Plain"),
        Rule("E:\\Other"),
    ]
    # the source paths on the target hold nothing of the set: never restored from there
    assert back[5:] == [Rule("E:\\Data", include=False), Rule("E:\\Data\\Deep", include=False)]
    pm, m = PathMap(back), RuleMatcher(back)
    assert pm.to_target("F:\\Remap\\a.txt") == "E:\\Data\\a.txt"
    assert pm.to_target("C:\\Elsewhere\\d.txt") == "E:\\Data\\Deep\\d.txt"
    assert m.includes("F:\\Remap\\Plain\\p") and not m.includes("F:\\Remap\\Tmp\\x")
    assert reverse_rules([Rule("E:\\Data")]) == [Rule("E:\\Data")]  # unmapped: unchanged


def test_rule_dicts_stay_compatible() -> None:
    old = {"path": "E:\\Data", "include": True, "recursive": False}
    assert Rule.from_dict(old) == Rule("E:\\Data", True, False)
    assert Rule("E:\\Data", True, False).to_dict() == old  # no key when unmapped
    mapped = Rule("E:\\Data", target="F:\\X")
    assert Rule.from_dict(mapped.to_dict()) == mapped
    assert Rule.from_dict({"path": "E:\\D", "target": None}).target == ""


# --- property: mapping is a bijection between the set and its image ----------------
NAMES = st.sampled_from(["a", "B", "c"])
PARTS = st.lists(NAMES, max_size=3)


@settings(max_examples=200, deadline=None)
@given(rest=PARTS, depth=st.integers(0, 2), tgt=st.lists(st.sampled_from(["x", "y"]), max_size=2))
def test_to_source_inverts_to_target(rest: list[str], depth: int, tgt: list[str]) -> None:
    rule_parts = ["r", "s"][:depth]
    rule = Rule("E:\\" + "\\".join(rule_parts), target="F:\\" + "\\".join(["t", *tgt]))
    pm = PathMap([rule, Rule("E:\\other")])
    path = "E:\\" + "\\".join([*rule_parts, *rest])
    assert pm.to_source(pm.to_target(path)) == path
