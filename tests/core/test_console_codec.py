"""The compression method (zlib or zstd) of a pair: read from files saved before it
existed, set like any field, one setting per target with the level, and handed to
the source's engine at Enable Protection."""

from __future__ import annotations

import json

import pytest

from core.console import Console
from core.errors import InvalidInput
from core.model.pair import Pair
from core.store import pair_file_name
from tests.core.doubles import FakeWorld
from tests.present import present

#: the connection section of a pair saved before there was a method (zlib it meant)
OLD_CONNECTION = {"route": "127.0.10.12", "shares": ["Data"], "volume_paths": [],
                  "mirror_type": "checksum", "compression": 6, "storage_groups": [],
                  "sql_mode": "instance", "databases": [], "target_paths": {}}


def test_a_pair_saved_before_the_method_existed_reads_as_zlib(world: FakeWorld,
                                                              console: Console) -> None:
    pair = Pair("fileprint", "FS01", "FS02")
    console.configure.save_config(console.configure.load_config(pair))
    path = world.ctx.paths.config / "pairs" / pair_file_name(pair)
    saved = json.loads(path.read_text())
    saved["connection"] = OLD_CONNECTION  # the file as an older build wrote it
    path.write_text(json.dumps(saved))
    cfg = present(console.store.load_config(pair))
    assert (cfg.connection.compression, cfg.connection.codec) == (6, "zlib")


def test_the_method_is_a_field_with_a_plain_refusal(console: Console) -> None:
    pair = Pair("fileprint", "FS01", "FS02")
    cfg = console.configure.apply(console.configure.load_config(pair),
                                  ["connection.codec=zstd", "connection.compression=1"])
    assert (cfg.connection.codec, cfg.connection.compression) == ("zstd", 1)
    with pytest.raises(InvalidInput) as info:
        console.configure.apply(cfg, ["connection.codec=lz4"])
    assert info.value.field == "connection.codec" and "zstd" in info.value.message


def test_the_method_goes_with_the_level_to_every_pair_of_the_target(console: Console) -> None:
    console.configure.save_config(console.configure.load_config(Pair("sql", "SQL01", "SQL02")))
    change = console.configure.config_set(Pair("sql", "SQL03", "SQL02"),
                                          ["connection.codec=zstd", "connection.compression=3"])
    assert change.notices == [
        "Compression is one setting per target: every pair to SQL02 now uses zstd level 3 "
        "(SQL01 → SQL02 (sql)); protected pairs take it when enabled again."]
    other = present(console.store.load_config(Pair("sql", "SQL01", "SQL02")))
    assert (other.connection.codec, other.connection.compression) == ("zstd", 3)
    assert console.configure.load_config(Pair("exchange", "EXCH01", "SQL02")).connection.codec \
        == "zstd"  # a new pair to SQL02 starts with the target's method


def test_enable_hands_the_method_to_the_source_engine(world: FakeWorld,
                                                      console: Console) -> None:
    pair = Pair("fileprint", "FS01", "FS02")
    cfg = console.configure.apply(console.configure.load_config(pair),
                                  ["connection.codec=zstd", "connection.compression=2"])
    console.protection.enable(cfg)
    (conn,) = world.engines["FS01"].connections.values()
    assert (conn["codec"], conn["compression"]) == ("zstd", 2)
