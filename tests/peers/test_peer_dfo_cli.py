"""``appmgr dfo`` end to end, as a script would run it: BIND with a key file, Samba with --gss.

Exit codes are F-15's: 0 done, 1 failed, 2 usage, 3 unreachable or authentication.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from core.dns.gss_tsig import GssTsigDns
from core.ports import RRSet, ZoneChange
from tests.peers.conftest import ROOT, Peers

APP01 = "app01.lab.example.com"


def dfo(home: Path, *args: str, ccache: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "APPMGR_HOME": str(home), "PYTHONPATH": str(ROOT)}
    if ccache:
        env["KRB5CCNAME"] = ccache
    return subprocess.run([sys.executable, "-m", "tui.cli.main", "dfo", *args], env=env,
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_dfo_fails_over_and_back_against_bind(fresh_bind: Peers, tmp_path: Path) -> None:
    p = fresh_bind
    key = str(p.key_file("failover"))
    before = p.axfr("lab.example.com")
    run = dfo(tmp_path, "--server", f"{p.bind_ip}:53", "--zone", "lab.example.com",
              "--source", "app01", "--target-ip", "127.0.10.60", "--ttl", "60", "--tsig-key", key)
    assert run.returncode == 0, run.stderr
    assert p.dig(APP01) == ["127.0.10.60"]  # both addresses of app01 -> the one target IP
    assert p.ttl(APP01, "A") == 60
    assert p.dig("lab.example.com", "MX") == ["10 app02.lab.example.com.", "20 mail2.lab.example.com."]
    assert p.dig("50.10.0.127.in-addr.arpa", "PTR") == []
    assert p.dig("60.10.0.127.in-addr.arpa", "PTR") == [f"{APP01}.", "app02.lab.example.com."]
    state = json.loads((tmp_path / "state" / "dfo" / "APP01.json").read_text())
    assert state["status"] == "failed_over"
    log = (tmp_path / "logs" / "dfo" / "APP01.log").read_text()
    assert "DNS failover of app01.lab.example.com. finished" in log
    assert (tmp_path / "logs" / "dfo" / "APP02.log").exists()

    back = dfo(tmp_path, "--server", p.bind_ip, "--zone", "lab.example.com", "--source", "app01",
               "--failback", "--tsig-key", key)
    assert back.returncode == 0, back.stderr
    assert p.dig(APP01) == ["127.0.10.50", "127.0.10.51"]
    assert [r for r in p.axfr("lab.example.com") if " SOA " not in r] == \
        [r for r in before if " SOA " not in r]
    assert "DNS failback of app01.lab.example.com. finished" in \
        (tmp_path / "logs" / "dfo" / "APP01.log").read_text()


def test_dfo_one_to_one_map_and_json(fresh_bind: Peers, tmp_path: Path) -> None:
    p = fresh_bind
    run = dfo(tmp_path, "--server", p.bind_ip, "--zone", "lab.example.com", "--source", APP01,
              "--target-ip", "127.0.10.51=127.0.10.61", "--target", "app02",
              "--tsig-key", str(p.key_file("failover")), "--json")
    assert run.returncode == 0, run.stderr
    assert [s["status"] for s in json.loads(run.stdout)] == ["done", "done"]
    assert p.dig(APP01) == ["127.0.10.50", "127.0.10.61"]


def test_dfo_exit_codes(fresh_bind: Peers, tmp_path: Path) -> None:
    p = fresh_bind
    before = p.axfr("lab.example.com")
    base = ["--server", p.bind_ip, "--zone", "lab.example.com", "--source", "app01",
            "--target-ip", "127.0.10.60"]
    bad = tmp_path / "bad.key"
    secret = base64.b64encode(b"\x02" * 32).decode()
    bad.write_text(f'key "failover-key" {{ algorithm hmac-sha256; secret "{secret}"; }};\n')
    unsigned = dfo(tmp_path, *base)
    assert unsigned.returncode == 1 and "unsigned updates are not allowed" in unsigned.stdout
    wrong = dfo(tmp_path, *base, "--tsig-key", str(bad))
    assert wrong.returncode == 3 and "BADSIG" in wrong.stdout
    down = dfo(tmp_path, "--server", "127.0.10.9", *base[2:], "--timeout", "1")
    assert down.returncode == 3 and "did not answer" in down.stderr + down.stdout
    usage = dfo(tmp_path, "--zone", "lab.example.com")
    assert usage.returncode == 2
    both = dfo(tmp_path, *base, "--gss", "--tsig-key", str(bad))
    assert both.returncode == 2
    assert p.axfr("lab.example.com") == before


def test_dfo_gss_against_samba(peers: Peers, ticket: str, tmp_path: Path) -> None:
    p = peers
    missing = dfo(tmp_path, "--server", p.samba_ip, "--zone", "lab.example.com",
                  "--source", "nosuch", "--target-ip", "127.0.10.1", "--gss", ccache=p.ccache)
    assert missing.returncode == 1 and "no A record" in missing.stderr  # nothing to fail over
    # the source and target records, made with the GSS-TSIG code the command uses
    GssTsigDns(p.samba_ip, server_name="dc1.lab.example.com").apply(ZoneChange(
        "lab.example.com", replace=(RRSet("cli01.lab.example.com.", "A", 300, ("127.0.10.95",)),
                                    RRSet("cli02.lab.example.com.", "A", 300, ("127.0.10.96",)))))
    args = ["--server", p.samba_ip, "--zone", "lab.example.com", "--source", "cli01", "--gss"]
    run = dfo(tmp_path, *args, "--target-ip", "127.0.10.96", "--target", "cli02", "--ttl", "45",
              ccache=p.ccache)
    assert run.returncode == 0, run.stdout + run.stderr
    assert p.dig("cli01.lab.example.com", server=p.samba_ip) == ["127.0.10.96"]
    assert p.ttl("cli01.lab.example.com", "A", server=p.samba_ip) == 45
    back = dfo(tmp_path, *args, "--failback", ccache=p.ccache)
    assert back.returncode == 0, back.stdout + back.stderr
    assert p.dig("cli01.lab.example.com", server=p.samba_ip) == ["127.0.10.95"]
    no_ticket = dfo(tmp_path, *args, "--target-ip", "127.0.10.96", "--target", "cli02",
                    ccache=f"FILE:{tmp_path / 'none'}")
    assert no_ticket.returncode == 3 and "kinit" in no_ticket.stdout + no_ticket.stderr
    assert p.dig("cli01.lab.example.com", server=p.samba_ip) == ["127.0.10.95"]
