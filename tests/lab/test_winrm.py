"""The real WinrmHost (pywinrm over HTTP) against the lab's WinRM endpoint.

Addresses 127.0.43.x only; every test has its own lab directory.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import winrm

from core.errors import AuthFailed, InvalidInput, NotFound, ProtocolError, Refused, Unreachable
from core.hosts.clixml import readable_stderr
from core.hosts.ops import encode_command, render_script
from core.hosts.winrm_host import WinrmHost
from core.lab.estate import Estate, load_estate, volume_dir
from core.lab.host_state import state_path
from core.lab.winrm_server import LabWinrmServer
from core.model.server import EngineInfo
from core.ports import Credential

NET = "127.0.43"
pytestmark = pytest.mark.lab


@pytest.fixture(scope="module")
def estate() -> Estate:
    return load_estate(net=NET)


@pytest.fixture
def serve(estate: Estate, tmp_path: Path) -> Iterator[Callable[..., LabWinrmServer]]:
    started: list[LabWinrmServer] = []

    def start(name: str = "FS01", **kw: object) -> LabWinrmServer:
        s = estate.server(name)
        w = LabWinrmServer(estate, name, tmp_path, s.ip, **kw)  # type: ignore[arg-type]
        w.start()
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


def host(estate: Estate, name: str = "FS01", user: str | None = None,
         password: str | None = None, timeout: float = 5, **kw: object) -> WinrmHost:
    cred = Credential(user or estate.admin_user, password or estate.admin_password)
    return WinrmHost(estate.server(name).ip, cred, transport="basic", name=name,
                     timeout=timeout, **kw)  # type: ignore[arg-type]


@pytest.fixture
def listener(estate: Estate) -> Iterator[socket.socket]:
    """Something accepting TCP on FS01's engine port (the engine "running")."""
    sock = socket.create_server((estate.server("FS01").ip, 6320))
    yield sock
    sock.close()


def test_inventory_of_fs01_matches_the_estate(estate: Estate, serve: Callable) -> None:
    serve("FS01")
    got = host(estate).inventory()
    want = estate.as_server(estate.server("FS01"), engine_running=False)
    for field in ("name", "fqdn", "ips", "os_name", "os_version", "nics", "shares", "roles",
                  "domain", "dns_servers", "admin_group_members"):
        assert getattr(got, field) == getattr(want, field), field
    assert [(v.letter, v.label) for v in got.volumes] == [("C", "C drive"), ("E", "E drive")]
    assert all(v.size_bytes > 0 and 0 <= v.free_bytes <= v.size_bytes for v in got.volumes)
    engine_svc = {s.name: s for s in got.services}["AppMgrEngine"]
    assert engine_svc.state == "stopped"
    assert [s for s in got.services if s.name != "AppMgrEngine"] == \
        [s for s in want.services if s.name != "AppMgrEngine"]
    assert got.engine == EngineInfo(True, False, "0.1.0", 6320)


def test_engine_runs_when_its_port_answers(estate: Estate, serve: Callable,
                                           listener: socket.socket) -> None:
    serve("FS01")
    h = host(estate)
    inv = h.inventory()
    assert inv.engine == EngineInfo(True, True, "0.1.0", 6320)
    assert {s.name: s.state for s in inv.services}["AppMgrEngine"] == "running"
    assert h.engine_status() == EngineInfo(True, True, "0.1.0", 6320)


def test_fs03_has_no_e_volume(estate: Estate, serve: Callable, tmp_path: Path) -> None:
    serve("FS03")
    volume_dir(tmp_path, "FS03", "C").mkdir(parents=True)
    h = host(estate, "FS03")
    assert h.inventory().volume_letters == {"C"}
    assert h.paths_exist(["E:\\", "C:\\"]) == {"E:\\": False, "C:\\": True}


def test_dc_reports_no_engine(estate: Estate, serve: Callable) -> None:
    serve("DC01")
    inv = host(estate, "DC01").inventory()
    assert inv.engine == EngineInfo(False, False)
    assert inv.roles == ("dc", "dns", "gc") and inv.is_dc


def test_stop_and_start_a_service(estate: Estate, serve: Callable) -> None:
    serve("FS01")
    h = host(estate)
    h.set_service("Spooler", False)
    assert {s.name: s.state for s in h.inventory().services}["Spooler"] == "stopped"
    h.set_service("spooler", True)
    assert {s.name: s.state for s in h.inventory().services}["Spooler"] == "running"
    with pytest.raises(NotFound, match=r"^FS01 \(127\.0\.43\.11\) could not start or stop a "
                                       r"service: Cannot find any service .*'Nope'"):
        h.set_service("Nope", True)


def test_engine_service_is_controlled_through_the_supervisor_hook(
        estate: Estate, serve: Callable) -> None:
    socks: list[socket.socket] = []

    def on_service(name: str, start: bool) -> None:
        if start:
            # slower than the client's read timeout (2 s): only works because the lab
            # answers Receive with an OperationTimeout fault and pywinrm asks again
            threading.Timer(2.3, lambda: socks.append(
                socket.create_server((estate.server("FS01").ip, 6320)))).start()
        else:
            socks.pop().close()

    serve("FS01", on_service=on_service)
    h = host(estate, timeout=2)
    h.set_service("AppMgrEngine", True)
    assert h.engine_status().running
    h.set_service("AppMgrEngine", False)
    assert not h.engine_status().running


def test_operation_deadline_uses_the_injected_clock(estate: Estate, serve: Callable) -> None:
    serve("FS01", on_service=lambda name, start: time.sleep(1.0))
    ticks = iter([0.0, 1000.0])  # start, then "much later" at the first check
    h = host(estate, timeout=2, clock=lambda: next(ticks, 1000.0))
    with pytest.raises(Unreachable, match="did not finish when asked to start or stop a service"):
        h.set_service("AppMgrEngine", True)


def test_a_service_that_never_starts_is_bounded(estate: Estate, serve: Callable) -> None:
    serve("FS01", on_service=lambda name, start: None)
    with pytest.raises(Refused, match="did not reach the Running state within 1 seconds"):
        host(estate, service_wait=1).set_service("AppMgrEngine", True)


def test_engine_service_without_a_supervisor_is_refused(estate: Estate, serve: Callable) -> None:
    serve("FS01")
    with pytest.raises(Refused, match="Cannot start service AppMgrEngine"):
        host(estate).set_service("AppMgrEngine", True)


def test_shares_persist_across_a_restart(estate: Estate, serve: Callable, tmp_path: Path) -> None:
    w = serve("FS01")
    h = host(estate)
    with pytest.raises(NotFound, match="cannot find the path specified: E:\\\\Shares\\\\New"):
        h.add_share("New", "E:\\Shares\\New")
    (volume_dir(tmp_path, "FS01", "E") / "Shares" / "New").mkdir(parents=True)
    h.add_share("New", "E:\\Shares\\New", "made by a test")
    h.add_share("New", "E:\\Shares\\New", "made by a test")  # the same share again: no change
    with pytest.raises(Refused, match="already in use for E:\\\\Shares\\\\New"):
        h.add_share("New", "E:\\Shares")
    assert state_path(tmp_path, "FS01").exists()
    w.stop()
    w.start()
    shares = {s.name: s for s in h.inventory().shares}
    assert shares["New"].path == "E:\\Shares\\New" and shares["New"].description == "made by a test"
    h.remove_share("New")
    w.stop()
    w.start()
    assert "New" not in {s.name for s in h.inventory().shares}
    with pytest.raises(NotFound, match="This shared resource does not exist: New"):
        h.remove_share("New")


def test_paths_are_checked_in_batches(estate: Estate, serve: Callable, tmp_path: Path) -> None:
    serve("FS01")
    (volume_dir(tmp_path, "FS01", "E") / "Shares" / "Data").mkdir(parents=True)
    long_missing = ["E:\\" + "\\".join(["x" * 50] * 5) + f"\\{i}" for i in range(30)]
    paths = ["E:\\Shares\\Data", "E:\\Shares\\..\\..\\..\\..", "Q:\\", *long_missing]
    got = host(estate).paths_exist(paths)
    assert got == {p: p == "E:\\Shares\\Data" for p in paths}


@pytest.mark.parametrize("user", ["LAB\\Administrator", "lab.example.com\\administrator",
                                  "Administrator@lab.example.com", "Administrator"])
def test_accepted_user_forms(estate: Estate, serve: Callable, user: str) -> None:
    serve("FS01")
    assert host(estate, user=user).engine_status().installed


def test_wrong_password_is_auth_failed(estate: Estate, serve: Callable) -> None:
    serve("FS01")
    secret = "Not-The-Passw0rd!"
    with pytest.raises(AuthFailed) as info:
        host(estate, password=secret).inventory()
    assert str(info.value) == ("FS01 (127.0.43.11) refused the password or the account "
                               "LAB\\Administrator (a wrong password, or an unknown, "
                               "disabled or locked account)")
    assert secret not in repr(info.value) and info.value.__cause__ is None
    with pytest.raises(AuthFailed, match="the password or the account OTHER\\\\Administrator"):
        host(estate, user="OTHER\\Administrator").inventory()


def test_nothing_listening_is_unreachable(estate: Estate) -> None:
    with pytest.raises(Unreachable, match=r"FS02 \(127\.0\.43\.12\) refused the connection"):
        host(estate, "FS02").inventory()


def test_silent_server_is_unreachable_after_the_timeout(estate: Estate) -> None:
    # accepts connections (the kernel does) but never answers a request
    h = WinrmHost(f"{NET}.14", Credential("LAB\\Administrator", "x"), transport="basic",
                  timeout=2)
    with socket.create_server((f"{NET}.14", 5985)), \
            pytest.raises(Unreachable, match="did not answer on WinRM port 5985 within 2 s"):
        h.engine_status()


def test_stopped_endpoint_is_unreachable(estate: Estate, serve: Callable) -> None:
    w = serve("FS01")
    h = host(estate)
    h.engine_status()
    w.stop()
    with pytest.raises(Unreachable):
        h.engine_status()


def test_unknown_op_is_a_readable_error(estate: Estate, serve: Callable) -> None:
    serve("FS01")
    h = host(estate)
    with pytest.raises(ProtocolError, match="The operation 'frobnicate' is not implemented by FS01"):
        h.run_script(render_script("frobnicate", {}, body="'{}'\n"))
    with pytest.raises(InvalidInput, match="no host operation named 'frobnicate'"):
        h.run_op("frobnicate", {})
    with pytest.raises(ProtocolError, match="parameter 'Name'"):
        h.run_op("service_set", {"running": True})


def test_other_commands_answer_like_windows(estate: Estate, serve: Callable) -> None:
    w = serve("FS01")
    session = winrm.Session(w.url, auth=(estate.admin_user, estate.admin_password),
                            transport="basic", ca_trust_path=None)
    r = session.run_cmd("ipconfig", ["/all"])  # pywinrm asserts RelatesTo on Signal and Delete
    assert r.status_code == 1 and b"is not recognized" in r.std_err
    r = session.run_ps("Get-Process")  # pywinrm's own run_ps: no appmgr header
    assert r.status_code == 1 and b"only appmgr host operations" in r.std_err


def test_command_line_forms(estate: Estate, serve: Callable) -> None:
    w = serve("FS01")
    b64 = encode_command(render_script("engine_status"))
    for line in (f"powershell -enc {b64}", f"C:\\Windows\\PowerShell.exe -NoProfile -e {b64}"):
        out, err, code = w.execute(line)
        assert code == 0 and err == b"" and json.loads(out)["installed"] is True
    out, err, code = w.execute("powershell -EncodedCommand !!!")
    assert code == 1 and "not properly encoded" in readable_stderr(err)
    out, err, code = w.execute("powershell -Command Get-Date")
    assert code == 1 and "only encoded appmgr operations" in readable_stderr(err)
    assert w.execute("") == (b"", b"", 0)


def test_soap_faults(estate: Estate, serve: Callable) -> None:
    w = serve("FS01")
    auth = (estate.admin_user, estate.admin_password)
    assert requests.post(w.url, data=b"<not xml", auth=auth, timeout=5).status_code == 500
    proto = winrm.Session(w.url, auth=auth, transport="basic", ca_trust_path=None).protocol
    with pytest.raises(winrm.exceptions.WSManFaultError, match="shell was not found"):
        proto.run_command("NO-SUCH-SHELL", "powershell")
    assert requests.get(w.url, auth=auth, timeout=5).status_code == 405
    assert requests.post(w.url, data=b"", timeout=5).status_code == 401


def test_second_endpoint_on_the_same_address_is_refused(estate: Estate, serve: Callable) -> None:
    serve("FS01")
    with pytest.raises(Refused, match="cannot serve WinRM for FS01 on 127.0.43.11:5985"):
        serve("FS01")


def test_invalid_arguments_are_refused_before_any_call(estate: Estate) -> None:
    cred = Credential("LAB\\Administrator", "pw")
    with pytest.raises(InvalidInput):
        WinrmHost("x", cred, transport="telnet")
    with pytest.raises(InvalidInput):
        WinrmHost("x", Credential("LAB\\Administrator", ""))
    h = WinrmHost(f"{NET}.99", cred)
    with pytest.raises(InvalidInput, match="share"):
        h.add_share("bad/name", "E:\\x")
    with pytest.raises(InvalidInput, match="path"):
        h.add_share("ok", "\\\\server\\share")
    with pytest.raises(InvalidInput, match="not a service name"):
        h.set_service("Spool*", True)


def _count_actions(w: LabWinrmServer) -> list[str]:
    from core.lab import wsman_soap as soap

    seen: list[str] = []
    handle = w.handle

    def counting(body: bytes) -> tuple[int, bytes]:
        seen.append(soap.parse_request(body).action.rsplit("/", 1)[-1])
        return handle(body)

    w.handle = counting  # type: ignore[method-assign]
    return seen


def test_an_inventory_reads_the_host_and_its_applications_in_one_shell(
        estate: Estate, serve: Callable) -> None:
    w = serve("SQL01")
    seen = _count_actions(w)
    inv = host(estate, "SQL01").inventory()
    assert inv.apps.sql  # the application read ran
    # one shell for the base read and the SQL read; finished commands are not signalled
    assert seen.count("Create") == 1 and seen.count("Delete") == 1
    assert seen.count("Command") == 2 and "Signal" not in seen


def test_a_command_past_its_deadline_is_terminated(estate: Estate, serve: Callable,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    w = serve("FS01", latency=1.5)
    seen = _count_actions(w)
    h = host(estate, timeout=1)
    monkeypatch.setitem(__import__("core.hosts.winrm_shell", fromlist=["x"]).OP_BUDGET,
                        "engine_status", 0.0)
    with pytest.raises(Unreachable, match="did not finish"):
        h.engine_status()
    assert "Signal" in seen and seen[-1] == "Delete"


def test_host_latency_delays_every_command(estate: Estate, serve: Callable,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import core.lab.winrm_server as ws

    slept: list[float] = []
    monkeypatch.setattr(ws.time, "sleep", slept.append)
    serve("SQL01", latency=0.25)
    host(estate, "SQL01").inventory()
    assert slept.count(0.25) == 2  # base read and SQL read
