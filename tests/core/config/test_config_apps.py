"""Configurations of every application: saving and loading, text round trips,
fields that belong to some applications only, parsers of the new fields."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import apply_assignments, config_keys, default_config, field_help
from core.config.edit import as_assignments
from core.config.field_parsers import dc_name, drive_letters, subnet_mask
from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from tests.core.apps.app_estate import app_servers

S = app_servers()
PAIRS = {"exchange": ("EXCH01", "EXCH02"), "sql": ("SQL01", "SQL02"),
         "fileprint": ("FS01", "FS02"), "sharepoint": ("SP01", "SP02"),
         "blackberry": ("BES01", "BES02")}


def _cfg(app: str) -> ProtectionConfig:
    src, tgt = PAIRS[app]
    return default_config(app, S[src], S[tgt], dns_ttl=300)


@pytest.mark.parametrize("app", list(PAIRS))
def test_configs_survive_json_and_their_own_text(app: str) -> None:
    cfg = _cfg(app)
    assert ProtectionConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    assert apply_assignments(cfg, as_assignments(cfg)) == cfg
    assert all(field_help(k) for k in config_keys(cfg))


def test_a_configuration_saved_before_the_new_sections_still_loads() -> None:
    old = {"app": "fileprint", "source": "FS01", "target": "FS02",
           "connection": {"route": "127.0.10.12", "shares": ["Data"], "compression": 3},
           "monitoring": {"interval": 2}, "advanced": {"set_name": "fileprint_FS01_FS02"}}
    cfg = ProtectionConfig.from_dict(old)
    assert (cfg.connection.compression, cfg.monitoring.interval) == (3, 2)
    assert cfg.connection.sql_mode == "instance" and cfg.cluster.like_named is False
    assert cfg.monitoring.application.enabled is False
    assert cfg.advanced.items_shares is True  # File server shares kept publishing


@pytest.mark.parametrize(("app", "present", "absent"), [
    ("exchange", {"connection.storage_groups", "advanced.targeted_dc", "cluster.ip"},
     {"connection.databases", "connection.shares", "connection.sql_mode"}),
    ("sql", {"connection.databases", "connection.sql_mode", "connection.target_paths"},
     {"advanced.force_ad_replication", "connection.storage_groups", "cluster.storage"}),
    ("sharepoint", {"connection.databases"}, {"connection.sql_mode", "connection.target_paths"}),
    ("fileprint", {"connection.shares"}, {"connection.databases", "advanced.ad_max_wait_min"}),
])
def test_fields_belong_to_their_applications(app: str, present: set[str],
                                             absent: set[str]) -> None:
    keys = set(config_keys(_cfg(app)))
    assert present <= keys and not absent & keys


@pytest.mark.parametrize(("text", "mask"), [
    ("255.255.255.0", "255.255.255.0"), ("/24", "255.255.255.0"), ("16", "255.255.0.0"),
    ("255.255.255.252", "255.255.255.252"), ("", "")])
def test_subnet_masks(text: str, mask: str) -> None:
    assert subnet_mask(text, "cluster.subnet_mask") == mask


@pytest.mark.parametrize("bad", ["255.0.255.0", "0.0.0.0", "/33", "255.255.255.256"])
def test_bad_subnet_masks(bad: str) -> None:
    with pytest.raises(InvalidInput) as info:
        subnet_mask(bad, "cluster.subnet_mask")
    assert info.value.field == "cluster.subnet_mask"


@settings(max_examples=40, deadline=None)
@given(st.tuples(*[st.integers(0, 255)] * 4))
def test_a_domain_controller_is_never_an_ip(quad: tuple[int, ...]) -> None:
    with pytest.raises(InvalidInput, match="IP address"):
        dc_name(".".join(map(str, quad)), "advanced.targeted_dc")


@pytest.mark.parametrize(("text", "name"), [("DC01", "DC01"), ("dc01.lab.example.com",
                                                               "dc01.lab.example.com"), ("", "")])
def test_domain_controller_names(text: str, name: str) -> None:
    assert dc_name(text, "advanced.targeted_dc") == name
    with pytest.raises(InvalidInput, match="IP address"):
        dc_name("fe80::1", "advanced.targeted_dc")


def test_drive_letters() -> None:
    assert drive_letters("e, S:, s:\\", "cluster.storage") == ["E", "S"]
    with pytest.raises(InvalidInput, match="not a drive letter"):
        drive_letters("E,1", "cluster.storage")


def test_setting_databases_in_instance_mode_brings_the_system_ones() -> None:
    cfg = apply_assignments(_cfg("sql"), ["connection.databases=inst1/crm"])
    assert cfg.connection.databases == ["INST1/crm", "INST1/master", "INST1/model", "INST1/msdb"]
