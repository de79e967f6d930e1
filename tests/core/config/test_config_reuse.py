"""Reuse of a saved configuration (SPEC F-5.5): never when the IPs changed."""

from __future__ import annotations

import dataclasses

from core.config import can_reuse, default_config, reuse_problem
from tests.core.doubles import lab_servers

S = lab_servers()


def test_a_saved_config_is_reusable_while_the_ips_hold() -> None:
    cfg = default_config("fileprint", S["FS01"], S["FS02"])
    assert can_reuse(cfg, S["FS01"], S["FS02"]) and reuse_problem(cfg, S["FS01"], S["FS02"]) == ""


def test_not_reusable_when_the_source_or_target_ips_changed() -> None:
    cfg = default_config("fileprint", S["FS01"], S["FS02"])
    moved_src = dataclasses.replace(S["FS01"], ips=("10.1.0.11",), nics=())
    assert reuse_problem(cfg, moved_src, S["FS02"]) == "FS01 no longer has 127.0.10.11"
    moved_tgt = dataclasses.replace(S["FS02"], ips=("10.1.0.12",), nics=())
    assert reuse_problem(cfg, S["FS01"], moved_tgt) == "FS02 no longer has 127.0.10.12"
    assert not can_reuse(cfg, S["FS01"], S["FS03"])
