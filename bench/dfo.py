"""One DNS failover (A + PTR + MX) by ``appmgr dfo`` vs ``nsupdate -k`` doing the same records.

Against BIND9 (TSIG hmac-sha256) in a private network namespace. Before every timed run
BIND is restarted with the zones of ``tests/peers/servers/bind.sh`` (not timed), so both
tools start from the same records: app01 (two addresses) -> 127.0.10.60, its PTRs moved,
the MX records naming app01 retargeted to app02, TTL 60. appmgr reads the records first
(it plans from what the server holds); the nsupdate script is written knowing them. Both
send one UPDATE per zone with prerequisites. Whole processes; target: ratio <= 2.0.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.common import (
    BIND_IP,
    PY,
    SERVERS,
    Lab,
    compare,
    run_benchmark,
    sh,
    time_process,
)

TARGET = 2.0
NSUPDATE = f"""server {BIND_IP} 53
zone lab.example.com
prereq yxrrset app01.lab.example.com A 127.0.10.50
prereq yxrrset app01.lab.example.com A 127.0.10.51
update delete app01.lab.example.com A
update add app01.lab.example.com 60 A 127.0.10.60
update delete lab.example.com MX
update add lab.example.com 60 MX 10 app02.lab.example.com.
update add lab.example.com 60 MX 20 mail2.lab.example.com.
update delete app01.lab.example.com MX
update add app01.lab.example.com 60 MX 10 app02.lab.example.com.
send
zone 10.0.127.in-addr.arpa
prereq yxrrset 50.10.0.127.in-addr.arpa PTR app01.lab.example.com.
prereq yxrrset 51.10.0.127.in-addr.arpa PTR app01.lab.example.com.
update delete 50.10.0.127.in-addr.arpa PTR
update delete 51.10.0.127.in-addr.arpa PTR
update delete 60.10.0.127.in-addr.arpa PTR
update add 60.10.0.127.in-addr.arpa 60 PTR app02.lab.example.com.
update add 60.10.0.127.in-addr.arpa 60 PTR app01.lab.example.com.
send
"""


def _check(lab: Lab) -> None:
    """Both tools must leave the same answers: the failover really happened."""
    a = sh("dig", "+short", f"@{BIND_IP}", "app01.lab.example.com", "A").split()
    ptr = sh("dig", "+short", f"@{BIND_IP}", "-x", "127.0.10.60").split()
    mx = sh("dig", "+short", f"@{BIND_IP}", "lab.example.com", "MX")
    assert a == ["127.0.10.60"], a
    assert sorted(ptr) == ["app01.lab.example.com.", "app02.lab.example.com."], ptr
    assert "app02.lab.example.com." in mx and "app01" not in mx, mx


def measure(lab: Lab) -> dict[str, object]:
    key = str(lab.lab / "bind" / "failover.key")
    script = lab.lab / "nsupdate.txt"
    script.write_text(NSUPDATE)
    home = lab.lab / "home"
    env = {**os.environ, "APPMGR_HOME": str(home)}
    appmgr = str(Path(PY).parent / "appmgr")
    ours = [appmgr, "dfo", "--server", BIND_IP, "--zone", "lab.example.com", "--source", "app01",
            "--target-ip", "127.0.10.60", "--ttl", "60", "--tsig-key", key]

    def fresh() -> None:
        sh(str(SERVERS / "bind.sh"), "restart", env=lab.env)
        (home / "state" / "dfo" / "APP01.json").unlink(missing_ok=True)

    def run(cmd: list[str]) -> float:
        fresh()
        took = time_process(cmd, env)
        _check(lab)
        return took

    res = compare(lambda: run(ours), lambda: run(["nsupdate", "-k", key, str(script)]))
    return {"vs_nsupdate": {**res, "anchor": "nsupdate -k", "target": TARGET}}


def main(argv: list[str] | None = None) -> int:
    return run_benchmark("dfo", argv, lambda lab: lab.start_bind(), measure)


if __name__ == "__main__":
    sys.exit(main())
