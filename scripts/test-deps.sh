#!/usr/bin/env bash
# System packages the tests (and, with --bench, the benchmarks) need.
# Installs only what is missing, as root (CI and the dev machines run as root).
# Without root: a missing tool the main suite needs is an error; missing peer-test
# packages only a note (scripts/peers.sh then skips the peer tests and says why,
# except in CI, where it fails).
set -euo pipefail
need=()
command -v tmux >/dev/null || need+=(tmux)
# the peer tests (tests/peers) and benchmarks: a Samba AD DC, BIND9, Kerberos and LDAP
# clients, and the headers the 'gssapi' pip extra compiles against
peer_pkgs=(samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-vfs-modules winbind
           python3-samba krb5-user smbclient ldb-tools bind9 bind9-utils bind9-dnsutils
           ldap-utils libkrb5-dev gcc iproute2 util-linux procps)
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }
peer_need=()
for p in "${peer_pkgs[@]}"; do installed "$p" || peer_need+=("$p"); done
if [[ "${1:-}" == "--bench" ]]; then
  command -v rsync >/dev/null || need+=(rsync)
fi
if [[ $(id -u) -ne 0 ]]; then
  if ((${#peer_need[@]})); then
    echo "test-deps: the peer tests need (as root): apt-get install ${peer_need[*]}" >&2
  fi
  if ((${#need[@]})); then
    echo "test-deps: please install: ${need[*]} (needs root)" >&2
    exit 1
  fi
  exit 0
fi
need+=("${peer_need[@]}")
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must start no daemon (samba, named would bind 0.0.0.0:53/389/...):
  # a policy-rc.d that says 101 ("action forbidden"); keep one that is there.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
  fi
  echo "test-deps: installing ${need[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
