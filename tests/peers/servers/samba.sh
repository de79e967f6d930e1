#!/bin/bash
# Throw-away Samba AD DC (realm LAB.EXAMPLE.COM, internal DNS) bound ONLY to $SAMBA_IP.
# Adapted from the shared recipe lab-samba.sh. Run as root inside a private network namespace.
#   samba.sh start   -> provision (~4 s), optional offline seed (ldbadd), start, wait ready, kinit
#   samba.sh stop    -> SIGTERM to the samba master PID we started (children exit with it)
# Env: LAB (scratch dir), SAMBA_IP (127.0.10.1), ADMIN_PASS,
#      DNS_UPDATES ('secure only' default: unsigned updates REFUSED, GSS-TSIG allowed),
#      STRONG_AUTH ('allow_sasl_over_tls' default: simple and SASL binds need TLS, unless SASL signs),
#      SEED_LDIF (optional LDIF added offline with ldbadd before the start),
#      SAMBA_CACHE (optional dir: reuse/keep a provisioned+seeded copy keyed by SEED_KEY)
set -euo pipefail
# a process that exited but is not reaped yet (a zombie) counts as gone
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $st != Z* ]]; }
LAB=${LAB:?set LAB to a scratch directory}; IP=${SAMBA_IP:-127.0.10.1}; S=$LAB/samba
REALM=LAB.EXAMPLE.COM; DOM=LAB; PASS=${ADMIN_PASS:-'Passw0rd!Lab'}
DNS_UPDATES=${DNS_UPDATES:-secure only}; STRONG_AUTH=${STRONG_AUTH:-allow_sasl_over_tls}
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f}')" "$1" "$2"; }

provision() {
  rm -rf "$S"; mkdir -p "$S/log" "$S/run"; : > "$LAB/empty.conf"
  # -s empty.conf: don't inherit Debian's /etc/samba/smb.conf ([homes], [printers], /var/log/samba, ...)
  samba-tool domain provision -s "$LAB/empty.conf" --targetdir="$S" \
    --realm=$REALM --domain=$DOM --server-role=dc --dns-backend=SAMBA_INTERNAL --use-rfc2307 \
    --adminpass="$PASS" --host-name=dc1 --host-ip="$IP" \
    --option="interfaces = $IP" --option="bind interfaces only = yes" --option="disable netbios = yes" \
    --option="dns forwarder = " \
    --option="pid directory = $S/run" --option="ncalrpc dir = $S/run/ncalrpc" \
    --option="winbindd socket directory = $S/run/winbindd" --option="ntp signd socket directory = $S/run/ntp_signd" \
    --option="log file = $S/log/%m.log" \
    --option="allow dns updates = $DNS_UPDATES" \
    --option="dsdb:schema update allowed = true" > "$S/provision.log" 2>&1
  # provision silently drops 'ldap server require strong auth' from the generated smb.conf -> add it here
  sed -i "s/^\[global\]/[global]\n\tldap server require strong auth = $STRONG_AUTH/" "$S/etc/smb.conf"
  samba-tool user setexpiry Administrator --noexpiry -H "$S/private/sam.ldb" >/dev/null
  if [ -n "${SEED_LDIF:-}" ]; then
    # offline: ldbadd straight into sam.ldb while samba is stopped (much faster than over LDAP)
    for f in $SEED_LDIF; do
      t=$(now); ldbadd -H "$S/private/sam.ldb" "$f" > /dev/null
      echo "samba: seeded $(basename "$f") in $(secs "$t" "$(now)")s" >&2
    done
  fi
}

case "${1:-}" in
start)
  # Samba only listens on addresses that exist on an interface
  ip link set lo up
  ip -4 addr show dev lo | grep -q " $IP/32" || ip addr add "$IP/32" dev lo
  t0=$(now)
  if [ -n "${SAMBA_CACHE:-}" ] && [ -f "$SAMBA_CACHE/origin" ]; then
    # a provisioned (and seeded) copy: smb.conf names the directory it was made in
    rm -rf "$S"; cp -a "$SAMBA_CACHE/samba" "$S"; rm -f "$S/samba.pid"
    sed -i "s#$(cat "$SAMBA_CACHE/origin")#$S#g" "$S/etc/smb.conf"
  else
    provision
    if [ -n "${SAMBA_CACHE:-}" ]; then
      rm -rf "$SAMBA_CACHE"; mkdir -p "$SAMBA_CACHE"; cp -a "$S" "$SAMBA_CACHE/samba"
      echo "$S" > "$SAMBA_CACHE/origin"   # written last: a half-made cache is never used
    fi
  fi
  t1=$(now)
  samba -i -s "$S/etc/smb.conf" < /dev/null > "$S/samba.out" 2>&1 &
  echo $! > "$S/samba.pid"
  ready=0
  for _ in $(seq 1 600); do
    if dig +short +time=1 +tries=1 @"$IP" lab.example.com SOA 2>/dev/null | grep -q dc1 \
      && (echo > /dev/tcp/$IP/389) 2>/dev/null && (echo > /dev/tcp/$IP/636) 2>/dev/null \
      && (echo > /dev/tcp/$IP/88) 2>/dev/null; then ready=1; break; fi
    sleep 0.1
  done
  [ $ready = 1 ] || { echo "samba did not become ready; see $S/samba.out" >&2; exit 1; }
  t2=$(now)
  # Kerberos client config for this lab only (no DNS lookups, no rDNS canonicalisation)
  cat > "$LAB/krb5.conf" <<EOF
[libdefaults]
    default_realm = $REALM
    dns_lookup_realm = false
    dns_lookup_kdc = false
    rdns = false
    dns_canonicalize_hostname = false
[realms]
    $REALM = {
        kdc = $IP
        admin_server = $IP
    }
[domain_realm]
    .lab.example.com = $REALM
    lab.example.com = $REALM
EOF
  samba-tool dns zonecreate "$IP" 10.0.127.in-addr.arpa -U"Administrator%$PASS" >/dev/null 2>&1 || true
  echo "$PASS" | KRB5_CONFIG=$LAB/krb5.conf KRB5CCNAME=FILE:$LAB/krb5cc_admin kinit Administrator@$REALM >/dev/null
  t3=$(now)
  echo "samba: provision/copy $(secs $t0 $t1)s, start->ready $(secs $t1 $t2)s, zone+kinit $(secs $t2 $t3)s (pid $(cat "$S/samba.pid"))"
  ;;
stop)
  if [ -f "$S/samba.pid" ]; then
    P=$(cat "$S/samba.pid")
    # the master's descendants (prefork workers, dns, kdc, ...) are ours too: wait for all of them
    tree() { local c; for c in $(pgrep -P "$1" 2>/dev/null); do echo "$c"; tree "$c"; done; }
    ALL="$P $(tree "$P")"
    kill -TERM "$P" 2>/dev/null || true
    for _ in $(seq 1 100); do
      left=0; for p in $ALL; do alive "$p" && left=1; done
      [ $left = 0 ] && break; sleep 0.1
    done
    for p in $ALL; do if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi; done
    rm -f "$S/samba.pid"
  fi
  ;;
*) echo "usage: $0 start|stop"; exit 2;;
esac
