"""The console façade over port doubles: options, DNS credentials, drafts, selection rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.console import Console
from core.errors import InvalidInput, StateError
from core.model.pair import Pair
from core.model.state import PairState
from tests.core.doubles import make_world


@pytest.fixture()
def console(tmp_path: Path) -> Console:
    return Console(make_world(tmp_path).ctx)


def test_set_options_is_all_or_nothing(console: Console, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        console.options.set_options({"stats_in_bytes": "on", "refresh_interval": "0"})
    assert err.value.field == "refresh_interval"
    assert console.session.settings().stats_in_bytes is False
    assert not (tmp_path / "config" / "settings.json").exists()
    console.options.set_options({"stats_in_bytes": "on", "refresh_interval": "30"})
    reloaded = Console(console.ctx).session.settings()
    assert (reloaded.stats_in_bytes, reloaded.refresh_interval) == (True, 30)


def test_dns_password_goes_to_the_cache_never_the_config(console: Console) -> None:
    cfg = console.configure.load_config(Pair("fileprint", "FS01", "FS02"))
    new = console.dns_account.set_dns_credentials(cfg, "dnsadmin", "s3cret-pw")
    assert new.failover.dns.user == "dnsadmin@lab.example.com"
    assert "s3cret-pw" not in repr(new.to_dict())
    assert console.ctx.secrets.get("dns", console.domain).password == "s3cret-pw"
    with pytest.raises(InvalidInput):
        console.dns_account.set_dns_credentials(cfg, "dnsadmin", "")


def test_draft_survives_and_is_offered(console: Console) -> None:
    cfg = console.configure.apply(console.configure.load_config(Pair("fileprint", "FS01", "FS02")),
                        ["monitoring.missed=7"])
    console.configure.save_draft(cfg)
    again = Console(console.ctx)
    assert again.setup.select_pair(Pair("fileprint", "FS01", "FS02")).draft is True
    assert again.configure.load_draft(Pair("fileprint", "FS01", "FS02")).monitoring.missed == 7
    again.configure.save_config(cfg)
    assert again.configure.load_draft(Pair("fileprint", "FS01", "FS02")) is None
    assert again.setup.select_pair(Pair("fileprint", "FS01", "FS02")).reuse_offered is True


def test_selection_rules(console: Console) -> None:
    with pytest.raises(InvalidInput, match="different server"):
        console.setup.select_pair(Pair("fileprint", "FS01", "fs01"))
    rec = console.store.record(Pair("fileprint", "FS01", "FS02"))
    rec.state = PairState.PROTECTED.value
    console.store.save_record(rec)
    with pytest.raises(InvalidInput, match="already the target"):
        console.setup.select_pair(Pair("fileprint", "FS02", "FS03"))


def test_configuration_is_locked_while_protected(console: Console) -> None:
    cfg = console.configure.load_config(Pair("fileprint", "FS01", "FS02"))
    rec = console.store.record(Pair("fileprint", "FS01", "FS02"))
    rec.state = PairState.PROTECTED.value
    console.store.save_record(rec)
    with pytest.raises(StateError, match="disable protection"):
        console.configure.save_config(cfg)


def test_servers_of_known_pairs_are_on_the_list(console: Console) -> None:
    assert console.setup.server_list("fileprint") == []
    console.store.save_record(console.store.record(Pair("fileprint", "FS01", "FS02")))
    assert console.setup.server_list("fileprint") == ["FS01", "FS02"]
    assert console.setup.server_list("sql") == []
