"""Domain login (issue 14): checked against the DC before anything is cached; settings
per domain in a versioned file (no secret in it); old domain.txt / APPMGR_LDAP_CA read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.console import Console
from core.domains import DomainConnection, DomainSettings
from core.errors import AuthFailed, InvalidInput
from core.ports import Credential
from tests.core.doubles import FakeDirectory, make_world

CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture
def real(tmp_path: Path):  # noqa: ANN201 - (console, attempts)
    """A console over a non-lab context whose DC accepts only the password 'right'."""
    world = make_world(tmp_path)
    world.ctx.lab = False
    attempts: list[tuple[DomainConnection, Credential]] = []

    def directory_as(conn: DomainConnection, cred: Credential) -> FakeDirectory:
        attempts.append((conn, cred))
        if cred.password != "right":
            raise AuthFailed("directory server dc1 rejected the login: the password or "
                             "the user name is not correct (AD code 52e)")
        return FakeDirectory([])

    world.ctx.directory_as = directory_as
    return Console(world.ctx), attempts


def test_a_refused_login_caches_nothing(real, tmp_path: Path) -> None:  # noqa: ANN001
    console, attempts = real
    with pytest.raises(AuthFailed, match="52e"):
        console.domains.domain_login("corp.example.com", "CORP\\admin", "wrong", dc="dc7.corp.example.com",
                             tls="ldaps")
    assert attempts[0][0].dc == "dc7.corp.example.com" and attempts[0][0].tls == "ldaps"
    assert console.ctx.secrets.get("domain", "corp.example.com") is None
    assert not (tmp_path / "config" / "domains.json").exists()


def test_an_accepted_login_is_cached_and_becomes_the_domain(real, tmp_path: Path) -> None:  # noqa: ANN001
    console, _ = real
    ca = tmp_path / "ca.pem"
    ca.write_text(CA)
    assert console.domains.domain_login("Corp.Example.com", "admin@corp.example.com", "right",
                                dc="DC7.corp.example.com:636", tls="LDAPS",
                                ca_file=str(ca), timeout=3) == "corp.example.com"
    assert console.ctx.secrets.get("domain", "corp.example.com") == \
        Credential("admin@corp.example.com", "right")
    assert console.domain == console.ctx.domain == "corp.example.com"
    raw = (tmp_path / "config" / "domains.json").read_text()
    assert "right" not in raw
    doc = json.loads(raw)
    assert doc["version"] == 1 and doc["current"] == "corp.example.com"
    assert doc["domains"]["corp.example.com"] == {
        "user": "admin@corp.example.com", "dc": "dc7.corp.example.com:636", "tls": "ldaps",
        "ca_file": str(ca), "timeout": 3.0}
    assert oct((tmp_path / "config" / "domains.json").stat().st_mode & 0o777) == "0o600"
    [row] = [r for r in console.domains.domain_status()
             if r.connection.domain == "corp.example.com"]
    assert row.current and row.connection.dc == "dc7.corp.example.com:636"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"dc": "dc1.corp.example.com:99999"}, "dc"),
    ({"dc": "bad name!"}, "dc"),
    ({"tls": "ssl3"}, "tls"),
    ({"ca_file": "/no/such/ca.pem"}, "ca"),
    ({"timeout": 0.0}, "timeout"),
])
def test_bad_settings_are_refused_at_their_field(real, kwargs: dict, field: str) -> None:  # noqa: ANN001
    console, attempts = real
    with pytest.raises(InvalidInput) as err:
        console.domains.domain_login("corp.example.com", "CORP\\admin", "right", **kwargs)
    assert err.value.field == field
    assert attempts == []  # nothing tried, nothing cached
    assert console.ctx.secrets.get("domain", "corp.example.com") is None


def test_logout_forgets_the_password_and_keeps_the_dc(real, tmp_path: Path) -> None:  # noqa: ANN001
    console, _ = real
    console.domains.domain_login("corp.example.com", "CORP\\admin", "right", dc="dc7.corp.example.com")
    assert console.domains.domain_logout("corp.example.com") == "corp.example.com"
    assert console.ctx.secrets.get("domain", "corp.example.com") is None
    conn = DomainSettings(tmp_path / "config").connection("corp.example.com")
    assert conn.dc == "dc7.corp.example.com" and conn.user == ""


def test_old_sources_are_still_read(tmp_path: Path) -> None:
    (tmp_path / "domain.txt").write_text("Old.Example.com\n")
    settings = DomainSettings(tmp_path, env={"APPMGR_LDAP_CA": "/etc/ca.pem"})
    assert settings.exists() and settings.current() == "old.example.com"
    assert settings.connection("old.example.com") == DomainConnection(
        "old.example.com", ca_file="/etc/ca.pem", tls="starttls")
    settings.save(DomainConnection("new.example.com", dc="dc1.new.example.com"))
    assert settings.current() == "new.example.com"  # the file wins once written
    assert settings.connection("new.example.com").ca_file == ""


def test_a_file_from_a_newer_version_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "domains.json").write_text(json.dumps(
        {"version": 9, "current": "a.example.com", "future": 1,
         "domains": {"a.example.com": {"dc": "dc1.a.example.com", "tls": "ldaps", "x": 1}}}))
    conn = DomainSettings(tmp_path).connection("a.example.com")
    assert conn.dc == "dc1.a.example.com" and conn.tls == "ldaps"


def test_the_setup_domain_is_the_one_queried(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Real wiring: after Setup's Domain field says other.example.com, the directory is
    opened for it, with its own settings and account (not the first domain's)."""
    from core import wiring
    from core.paths import AppPaths
    from core.settings import Settings

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "core.credentials.memory.MemoryKeyring")
    paths = AppPaths(*(tmp_path / n for n in ("config", "state", "logs", "lab"))).ensure()
    opened: list[tuple[str, str, dict]] = []
    monkeypatch.setattr(wiring, "open_directory",
                        lambda server, cred, **kw: opened.append((server, cred.user, kw)))
    ctx = wiring.real_context(paths, Settings(), "lab.example.com")
    console = Console(ctx)
    console.setup.set_domain("other.example.com")
    with pytest.raises(AuthFailed, match="not logged in to the domain other.example.com"):
        ctx.directory()
    ctx.secrets.put("domain", "other.example.com", Credential("admin@other.example.com", "pw"))
    DomainSettings(paths.config).save(DomainConnection("other.example.com",
                                                       dc="dc9.other.example.com:636",
                                                       tls="ldaps"), current=False)
    ctx.directory()
    server, user, kw = opened[-1]
    assert (server, user, kw["port"], kw["use_ssl"]) == \
        ("dc9.other.example.com", "admin@other.example.com", 636, True)
