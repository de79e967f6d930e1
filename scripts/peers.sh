#!/usr/bin/env bash
# The peer tests (tests/peers) against real servers nobody here wrote: a fresh Samba AD DC
# (LDAP, Kerberos, AD DNS with GSS-TSIG) on 127.0.10.1 and BIND9 (RFC 2136 + TSIG) on
# 127.0.10.2, both inside ONE private network namespace (and a private mount namespace, only
# so that /etc/resolv.conf names the DC as the DNS server: "connect by name" works as on a
# domain member). Nothing is visible on the host; both servers are stopped at the end.
#
#   scripts/peers.sh [pytest args...]     e.g. scripts/peers.sh -v -k gss
#
# When the machine cannot run them (not root, packages missing) it says why and exits 0,
# except in CI (CI=true), where it exits 1: CI never skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
[[ $PY == /* ]] || PY=$ROOT/$PY
SERVERS=$ROOT/tests/peers/servers
export SAMBA_IP=${SAMBA_IP:-127.0.10.1} BIND_IP=${BIND_IP:-127.0.10.2} ADMIN_PASS=${ADMIN_PASS:-'Passw0rd!Lab'}
PEER_COUNT=${PEER_COUNT:-2000}

if [[ "${1:-}" != "--inside" ]]; then
  why=()
  [[ $(id -u) -eq 0 ]] || why+=("not root (the servers need a network namespace)")
  missing=()
  for c in samba samba-tool named named-checkconf tsig-keygen ldbadd kinit dig nsupdate ldapsearch unshare ip; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  "$PY" -c "import gssapi, ldap3, dns" 2>/dev/null || missing+=("python gssapi (pip extra 'gssapi')")
  ((${#missing[@]})) && why+=("missing: ${missing[*]} (scripts/test-deps.sh installs them as root)")
  if [[ $(id -u) -eq 0 ]] && ! unshare --net --mount --fork -- true 2>/dev/null; then
    why+=("this machine does not allow private namespaces (unshare --net --mount)")
  fi
  if ((${#why[@]})); then
    reason=$(IFS=';'; echo "${why[*]}" | sed 's/;/; /g')
    if [[ "${CI:-}" == "true" ]]; then
      echo "peers: CANNOT RUN the peer tests in CI: $reason" >&2
      exit 1
    fi
    echo "peers: SKIPPED the peer tests (real Samba AD and BIND9): $reason" >&2
    exit 0
  fi
  LAB=$(mktemp -d /tmp/appmgr-peers.XXXXXX)
  export LAB
  # the seed LDIF is made outside the namespace (plain Python, no servers needed)
  "$PY" -m tests.peers.servers.seed --count "$PEER_COUNT" --chunk 100000 --out "$LAB/seed" >/dev/null
  rc=0
  unshare --net --mount --fork -- "$ROOT/scripts/peers.sh" --inside "$@" || rc=$?
  if [[ $rc -eq 0 && -z "${PEERS_KEEP:-}" ]]; then rm -rf "$LAB"; else echo "peers: lab kept in $LAB"; fi
  exit $rc
fi

# --- inside the namespaces ---------------------------------------------------------------
shift
ip link set lo up
echo "nameserver $SAMBA_IP" > "$LAB/resolv.conf"
mount --bind "$LAB/resolv.conf" /etc/resolv.conf
stop() { "$SERVERS/bind.sh" stop || true; "$SERVERS/samba.sh" stop || true; }
trap stop EXIT
t0=$(date +%s.%N)
SEED_LDIF="$LAB/seed/seed-000.ldif" "$SERVERS/samba.sh" start
"$PY" -m tests.peers.servers.exch_schema "dc1.lab.example.com" "$ADMIN_PASS" "$LAB/samba/private/tls/ca.pem"
"$SERVERS/bind.sh" start
"$PY" -c "import sys,time; print(f'peers: servers ready in {time.time()-float(sys.argv[1]):.1f}s')" "$t0"
export PEERS_LAB=$LAB PEERS_COUNT=$PEER_COUNT KRB5_CONFIG=$LAB/krb5.conf
"$PY" -m pytest tests/peers -p no:cacheprovider "$@"
