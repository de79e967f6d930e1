"""How the lab DNS server checks a DNS user's credentials on the wire.

A real AD DNS server authenticates updates with GSS-TSIG (Kerberos). The lab
has no KDC, so it uses a stand-in with the same effect: an account's TSIG key
is named after the account and its secret is derived from the password. The
server knows the keys of the DnsAdmins members; a wrong password therefore
fails with BADSIG and an unknown user with BADKEY — checked by the server,
not by the client.
"""

from __future__ import annotations

import base64
import hashlib

from core.credentials.usernames import parse_user
from core.dns.tsig_key import TsigKey
from core.lab.estate import Estate


def account_key(user: str, password: str, domain: str, algorithm: str = "hmac-sha256") -> TsigKey:
    """The TSIG key the lab derives for ``user`` / ``password``."""
    dom, name = parse_user(user, domain)
    realm = dom.lower() if "." in dom else domain.lower()
    secret = base64.b64encode(hashlib.sha256(f"appmgr-lab:{password}".encode()).digest()).decode()
    return TsigKey(f"{name.lower()}.{realm}.", algorithm, secret)


def dns_admin_keys(estate: Estate) -> list[TsigKey]:
    """Keys of the accounts the lab lets update its zones (DnsAdmins)."""
    return [
        account_key(estate.admin_user, estate.admin_password, estate.domain, estate.tsig_algorithm),
        account_key(estate.dns_admin_user, estate.dns_admin_password, estate.domain,
                    estate.tsig_algorithm),
    ]
