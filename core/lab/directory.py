"""The lab's directory: ldap3's in-process mock, filled from the estate.

The DIT mirrors a small AD domain: the domain object, ``CN=Configuration``,
``OU=Domain Controllers``, ``CN=Computers`` and ``CN=Users``, one computer per
lab server (``HOST/`` SPNs, OS and version as AD stores them), the admin and
DNS-admin users with their groups. The console's :class:`LdapDirectory`
reads it exactly as it reads a real AD, with two lab-only helps:

- ldap3's mock cannot serve the rootDSE, so its answers are handed to the
  adapter from the estate (``root_dse=``);
- the mock only binds by DN, so a ``LAB\\user`` / ``user@domain`` name is
  looked up first (an unknown name still fails the bind, as on AD).

Lab roles ``cluster-node`` / ``cluster-virtual`` on a server add the cluster
SPNs of the convention in :mod:`core.directory.entries` (a virtual server's
computer object carries no operating system, as on AD). SQL Server instances
register ``MSSQLSvc/<fqdn>:<port>`` and ``MSSQLSvc/<fqdn>`` (default instance)
or ``MSSQLSvc/<fqdn>:<INSTANCE>`` (named); a clustered instance registers on
its virtual server. Exchange servers get their objects in the configuration
NC (:mod:`core.lab.directory_exchange`) and users with mailboxes on their stores
(:mod:`core.lab.directory_mailboxes`); ``member_of`` of the estate makes
groups under ``CN=Users`` (``member`` and the computers' ``memberOf``). A server's
``sql_account`` makes that domain user and puts its SQL SPNs there instead of on the
computer (how SQL Server under a domain service account shows up in AD).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ldap3 import MOCK_SYNC, NONE, SUBTREE, Connection, Server
from ldap3.protocol.rfc4512 import DsaInfo, SchemaInfo
from ldap3.protocol.schemas.ad2012R2 import ad_2012_r2_dsa_info, ad_2012_r2_schema
from ldap3.utils.conv import escape_filter_chars

from core.credentials.usernames import parse_user
from core.directory.entries import ad_os_version, dns_to_dn
from core.directory.ldap_directory import LdapDirectory
from core.directory.ldap_errors import check, ldap_errors
from core.errors import AuthFailed, InvalidInput
from core.lab.directory_changes import KeptLabDirectory, replay
from core.lab.directory_exchange import add_exchange_tree, extend_schema, security_groups
from core.lab.directory_mailboxes import add_mailboxes
from core.lab.estate import NODE, VIRTUAL, Estate, LabServer
from core.ports import Credential, RootDse

_PERSON = ["top", "person", "organizationalPerson", "user"]
_WORKSTATION_TRUST = 0x1000
_NORMAL_USER = 0x10200  # NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
_SERVER_TRUST = 0x82000  # DC: SERVER_TRUST_ACCOUNT | TRUSTED_FOR_DELEGATION


def lab_root_dse(estate: Estate) -> RootDse:
    """What the lab DC's rootDSE would say."""
    base = dns_to_dn(estate.domain)
    return RootDse(base, f"CN=Configuration,{base}", base, estate.domain)


def lab_directory(
    estate: Estate, credential: Credential | None = None, *, page_size: int = 500,
    read_only: bool = True, changes: Path | None = None,
) -> LdapDirectory:
    """A directory over the lab's mock DIT, bound as ``credential`` (default: the lab admin).

    A wrong password raises AuthFailed, as a real domain controller would.
    ``read_only=False`` allows changes (moving SPNs) for the life of this object:
    every call builds the DIT afresh from the estate. ``changes`` is the lab's record of
    what plans changed (:mod:`core.lab.directory_changes`): replayed into the DIT and,
    when writable, kept up to date by the directory's changes.
    """
    conn = lab_connection(estate, credential, read_only=read_only, changes=changes)
    if changes is not None and not read_only:
        return KeptLabDirectory(conn, changes, page_size=page_size,
                                root_dse=lab_root_dse(estate))
    return LdapDirectory(conn, page_size=page_size, root_dse=lab_root_dse(estate))


def lab_connection(estate: Estate, credential: Credential | None = None, *,
                   read_only: bool = True, changes: Path | None = None) -> Connection:
    """A bound ldap3 connection (mock strategy) to a fresh lab DIT built from ``estate``."""
    dc = estate.server(estate.dns_server)
    server = Server(dc.fqdn(estate.domain), get_info=NONE)
    schema, dsa = _offline_ad()
    server.attach_schema_info(schema)
    server.attach_dsa_info(dsa)
    seed = Connection(server, client_strategy=MOCK_SYNC)
    seed.bind()  # anonymous: the seeding connection only adds entries and finds bind DNs
    _populate(seed, estate)
    replay(seed, changes)
    cred = credential or Credential(estate.admin_user, estate.admin_password)
    bind_dn = _bind_dn(seed, estate, cred.user)
    conn = Connection(
        server, user=bind_dn, password=cred.password, client_strategy=MOCK_SYNC,
        read_only=read_only, raise_exceptions=False,
    )
    where = f"directory server {server.host}"
    with ldap_errors(where):
        if not conn.bind():
            check(conn.result, where)
            raise AuthFailed(f"{where} rejected the login")
    return conn


@cache
def _offline_ad() -> tuple[SchemaInfo, DsaInfo]:
    """ldap3's offline AD 2012 R2 schema with the Exchange classes, parsed once: parsing
    costs more than building the lab's whole DIT, and no connection changes it."""
    schema = SchemaInfo.from_json(ad_2012_r2_schema)
    extend_schema(schema)
    return schema, DsaInfo.from_json(ad_2012_r2_dsa_info)


def _bind_dn(seed: Connection, estate: Estate, user: str) -> str:
    if "=" in user:  # already a DN
        return user
    base = dns_to_dn(estate.domain)
    try:
        domain, name = parse_user(user, estate.domain)
    except InvalidInput as exc:
        raise AuthFailed(f"the lab directory rejected the user name: {exc.message}") from None
    if domain.lower() not in (estate.domain, estate.netbios.lower()):
        # Another domain: a DN outside the lab's tree, so the bind fails as on AD.
        return f"CN={name},CN=Users,{dns_to_dn(domain) if '.' in domain else 'DC=' + domain}"
    seed.search(base, f"(sAMAccountName={escape_filter_chars(name)})", SUBTREE, attributes=["cn"])
    found = [r["dn"] for r in seed.response or () if r.get("type") == "searchResEntry"]
    # Unknown account: a DN that does not exist fails the bind like AD.
    return found[0] if found else f"CN={name},OU=Unknown Accounts,{base}"


def _populate(seed: Connection, estate: Estate) -> None:
    base = dns_to_dn(estate.domain)
    add = seed.strategy.add_entry
    add(base, {"objectClass": ["top", "domain", "domainDNS"], "name": estate.netbios,
               "distinguishedName": base})
    add(f"CN=Configuration,{base}", {"objectClass": ["top", "configuration"]})
    add(f"OU=Domain Controllers,{base}", {"objectClass": ["top", "organizationalUnit"]})
    add(f"CN=Computers,{base}", {"objectClass": ["top", "container"]})
    add(f"CN=Users,{base}", {"objectClass": ["top", "container"]})
    groups = _groups(estate, base)
    for s in estate.servers:
        dn, attrs = _computer(s, estate, base)
        member_of = sorted(g for g, members in groups.items() if dn in members)
        if member_of:
            attrs["memberOf"] = member_of
        if not add(dn, attrs):
            raise InvalidInput("estate", f"cannot add {s.name} to the lab directory")
    admin = _user(seed, estate, base, estate.admin_user, estate.admin_password)
    dns_admin = _user(seed, estate, base, estate.dns_admin_user, estate.dns_admin_password)
    _service_accounts(seed, estate, base)
    groups.setdefault(f"CN=Domain Admins,CN=Users,{base}", set()).add(admin)
    groups.setdefault(f"CN=DnsAdmins,CN=Users,{base}", set()).update({admin, dns_admin})
    if security_groups(estate):  # Exchange setup's groups, the installing admin a member
        add(f"OU=Microsoft Exchange Security Groups,{base}",
            {"objectClass": ["top", "organizationalUnit"]})
    for name in security_groups(estate):
        groups[f"CN={name},OU=Microsoft Exchange Security Groups,{base}"] = {admin}
    for dn, members in groups.items():
        add(dn, {"objectClass": ["top", "group"], "sAMAccountName": dn[3:].split(",", 1)[0],
                 "member": sorted(members)})
    try:
        add_exchange_tree(add, estate)
        add_mailboxes(add, estate)
    except ValueError as exc:
        raise InvalidInput("estate", str(exc)) from None


def _groups(estate: Estate, base: str) -> dict[str, set[str]]:
    """Group DN -> member DNs, from the servers' ``member_of``."""
    out: dict[str, set[str]] = {}
    for s in estate.servers:
        for g in s.member_of:
            out.setdefault(f"CN={g},CN=Users,{base}", set()).add(_computer_dn(s, base))
    return out


def _computer_dn(s: LabServer, base: str) -> str:
    return f"CN={s.name},{'OU=Domain Controllers' if 'dc' in s.roles else 'CN=Computers'},{base}"


def sql_spns(s: LabServer, fqdn: str) -> list[str]:
    """The ``MSSQLSvc`` SPNs the server's SQL Server instances register."""
    spns = []
    for inst in s.apps.sql:
        spns.append(f"MSSQLSvc/{fqdn}:{s.sql_ports[inst.name]}")
        spns.append(f"MSSQLSvc/{fqdn}" if inst.default else f"MSSQLSvc/{fqdn}:{inst.name}")
    return spns


def _computer(s: LabServer, estate: Estate, base: str) -> tuple[str, dict[str, object]]:
    fqdn = s.fqdn(estate.domain)
    is_dc = "dc" in s.roles
    dn = _computer_dn(s, base)
    spns = [f"HOST/{s.name}", f"HOST/{fqdn}"]
    if VIRTUAL in s.roles:
        spns += [f"MSClusterVirtualServer/{s.name}", f"MSClusterVirtualServer/{fqdn}"]
    if NODE in s.roles:
        spns += [f"MSServerClusterMgmtAPI/{s.name}", f"MSServerClusterMgmtAPI/{fqdn}"]
    if not s.sql_account:  # else on the service account (_service_accounts)
        spns += sql_spns(s, fqdn)
    attrs: dict[str, object] = {
        "objectClass": _PERSON + ["computer"],
        "sAMAccountName": f"{s.name}$",
        "dNSHostName": fqdn,
        "servicePrincipalName": spns,
        "distinguishedName": dn,
        "userAccountControl": str(_SERVER_TRUST if is_dc else _WORKSTATION_TRUST),
    }
    if not s.virtual:  # a cluster network name's computer object has no operating system
        attrs["operatingSystem"] = s.os
        attrs["operatingSystemVersion"] = ad_os_version(s.os_version)
    return dn, attrs


def _service_accounts(seed: Connection, estate: Estate, base: str) -> None:
    """The users SQL Server runs as (``sql_account``), each with its servers' SPNs."""
    spns: dict[str, list[str]] = {}
    for s in estate.servers:
        if s.sql_account:
            spns.setdefault(s.sql_account, []).extend(sql_spns(s, s.fqdn(estate.domain)))
    for name, held in spns.items():
        dn = f"CN={name},CN=Users,{base}"
        if not seed.strategy.add_entry(dn, {
                "objectClass": _PERSON, "sAMAccountName": name, "distinguishedName": dn,
                "userAccountControl": str(_NORMAL_USER), "servicePrincipalName": held}):
            raise InvalidInput("estate", f"cannot add the SQL service account {name}")


def _user(seed: Connection, estate: Estate, base: str, user: str, password: str) -> str:
    _, name = parse_user(user, estate.domain)
    dn = f"CN={name},CN=Users,{base}"
    seed.strategy.add_entry(dn, {
        "objectClass": _PERSON,
        "sAMAccountName": name,
        "userPrincipalName": f"{name}@{estate.domain}",
        "userPassword": password,
        "distinguishedName": dn,
    })
    return dn
