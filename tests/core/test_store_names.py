"""Issue 11: a server name is checked before a file is named after it, and the pair
store's file names are safe whatever it is handed."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.console import Console
from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.paths import AppPaths
from core.store import PairRecord, PairStore, check_pair_name, pair_file_name
from tests.core.doubles import FakeWorld
from tui.cli import main as cli

LONG = "A" * 240  # was: OSError "File name too long" from the pair store


@pytest.fixture
def store(tmp_path: Path) -> PairStore:
    return PairStore(AppPaths(config=tmp_path / "config", state=tmp_path / "state",
                              logs=tmp_path / "logs", lab=tmp_path / "lab"))


@pytest.mark.parametrize("name", ["FS01", "fs-01", "EVS1_LN", "A" * 15,
                                  "fs01.lab.example.com", ".".join(["a" * 63] * 3) + ".com",
                                  "fs01.lab.example.com.", "127.0.72.11", "fd00::11"])
def test_real_server_names_pass(name: str) -> None:
    assert check_pair_name(name) == name.rstrip(".")


def test_a_pair_of_servers_added_by_address_is_stored(store: PairStore) -> None:
    cfg = ProtectionConfig(app="fileprint", source="fd00::11", target="127.0.72.12")
    store.save_config(cfg)
    assert store.load_config(Pair("fileprint", "fd00::11", "127.0.72.12")) == cfg


@pytest.mark.parametrize("name", [LONG, "A" * 16, "", "fs 01", "..", "a/b", "a\\b", "a\x1bc",
                                  "x" * 64 + ".example.com", ".".join(["a" * 60] * 5),
                                  "fs01..example.com", "ＦＳ01"])
def test_other_names_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_pair_name(name, "source")
    assert caught.value.field == "source"
    assert "at most 15 characters" in caught.value.message or "NetBIOS" in caught.value.message
    assert len(caught.value.message) < 250


def test_the_store_refuses_a_long_name_instead_of_failing_on_the_file(store: PairStore) -> None:
    for call in (lambda: store.load_config(Pair("fileprint", LONG, "FS02")),
                 lambda: store.record(Pair("fileprint", "FS01", LONG)),
                 lambda: store.save_config(ProtectionConfig(app="fileprint", source=LONG,
                                                            target="FS02")),
                 lambda: store.save_record(PairRecord("fileprint", "FS01", LONG))):
        with pytest.raises(InvalidInput):
            call()


def test_file_names_stay_as_before_for_plain_keys_and_are_bounded_otherwise() -> None:
    assert pair_file_name(Pair("sql", "sql01", "sql02")) == "sql_SQL01_SQL02.json"
    odd = pair_file_name(Pair("fileprint", "a" * 253, "../../etc"))
    assert len(odd) < 100 and "/" not in odd and ".." not in odd
    assert odd != pair_file_name(Pair("fileprint", "a" * 253, "../../etd"))


def test_saved_pairs_round_trip_under_their_names(store: PairStore) -> None:
    name = ".".join(["s" * 63, "lab", "example", "com"])
    cfg = ProtectionConfig(app="fileprint", source=name, target="FS02")
    store.save_config(cfg)
    assert store.load_config(Pair("fileprint", name, "FS02")) == cfg


def test_cli_says_the_rule_for_a_long_name(world: FakeWorld, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    console = Console(world.ctx)
    monkeypatch.setattr("tui.cli.session.open_console", lambda _args: console)
    assert cli.main(["log", "dfo", LONG]) == 2
    err = capsys.readouterr().err
    assert "is not a server name" in err and "Traceback" not in err
