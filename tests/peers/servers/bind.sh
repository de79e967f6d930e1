#!/bin/bash
# Throw-away BIND 9 primary for lab.example.com + 10.0.127.in-addr.arpa on $BIND_IP:$BIND_PORT.
# Adapted from the shared recipe lab-bind.sh. Dynamic updates only with TSIG key 'failover-key'
# (hmac-sha256); 'other-key' is known to the server but may not update. Start ~0.1 s.
#   bind.sh start | stop | restart        Env: LAB, BIND_IP (127.0.10.2), BIND_PORT (53)
# 'restart' keeps the keys and config, rewrites the zones from the templates (journals dropped)
# and starts named again: the tests use it for a known zone content (~0.1 s).
set -euo pipefail
# a process that exited but is not reaped yet (a zombie) counts as gone
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $st != Z* ]]; }
LAB=${LAB:?set LAB to a scratch directory}; IP=${BIND_IP:-127.0.10.2}; PORT=${BIND_PORT:-53}; D=$LAB/bind

zones() {
  cat > "$D/db.lab" <<'EOF'
$TTL 300
@     IN SOA ns1.lab.example.com. hostmaster.lab.example.com. ( 1 3600 600 86400 300 )
      IN NS  ns1.lab.example.com.
      IN MX  10 app01.lab.example.com.
      IN MX  20 mail2.lab.example.com.
ns1   IN A   127.0.10.2
app01 IN A   127.0.10.50
app01 IN A   127.0.10.51
app01 IN MX  10 app01.lab.example.com.
app02 IN A   127.0.10.60
app02 IN A   127.0.10.61
mail2 IN A   127.0.10.71
EOF
  cat > "$D/db.rev" <<'EOF'
$TTL 300
@     IN SOA ns1.lab.example.com. hostmaster.lab.example.com. ( 1 3600 600 86400 300 )
      IN NS  ns1.lab.example.com.
2     IN PTR ns1.lab.example.com.
50    IN PTR app01.lab.example.com.
51    IN PTR app01.lab.example.com.
60    IN PTR app02.lab.example.com.
61    IN PTR app02.lab.example.com.
EOF
  rm -f "$D"/db.*.jnl
}

run() {
  named-checkconf "$D/named.conf"
  t0=$(date +%s.%N)
  named -g -c "$D/named.conf" < /dev/null > "$D/named.log" 2>&1 &     # -g: foreground, log to stderr, runs as root
  echo $! > "$D/named.pid.mine"
  ready=0
  for _ in $(seq 1 200); do
    if dig +short +time=1 +tries=1 -p "$PORT" @"$IP" lab.example.com SOA 2>/dev/null | grep -q ns1; then ready=1; break; fi
    sleep 0.05
  done
  [ $ready = 1 ] || { echo "named did not become ready; see $D/named.log" >&2; exit 1; }
  python3 -c "import sys,time; print(f'bind: start->ready {time.time()-float(sys.argv[1]):.2f}s (pid {sys.argv[2]})')" "$t0" "$(cat "$D/named.pid.mine")"
}

stop() {  # $1: the signal (TERM: a clean shutdown, ~1.4 s; KILL for restart: zones are rewritten)
  if [ -f "$D/named.pid.mine" ]; then
    P=$(cat "$D/named.pid.mine"); kill -"${1:-TERM}" "$P" 2>/dev/null || true
    for _ in $(seq 1 100); do alive "$P" || break; sleep 0.05; done
    if alive "$P"; then kill -KILL "$P" 2>/dev/null || true; fi
    rm -f "$D/named.pid.mine"
  fi
}

case "${1:-}" in
start)
  ip link set lo up
  [ "$IP" = 127.0.0.1 ] || ip -4 addr show dev lo | grep -q " $IP/32" || ip addr add "$IP/32" dev lo
  rm -rf "$D"; mkdir -p "$D"
  tsig-keygen -a hmac-sha256 failover-key > "$D/failover.key"
  tsig-keygen -a hmac-sha256 other-key    > "$D/other.key"      # valid key, but not allowed to update
  zones
  cat > "$D/named.conf" <<EOF
include "$D/failover.key";
include "$D/other.key";
options {
    directory "$D"; pid-file "$D/named.pid"; session-keyfile "$D/session.key"; managed-keys-directory "$D";
    listen-on port $PORT { $IP; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; notify no;
    allow-transfer { key failover-key; };
};
controls { };   // otherwise named opens an rndc listener on 127.0.0.1:953 if /etc/bind/rndc.key exists
zone "lab.example.com"       { type primary; file "$D/db.lab";  allow-update { key failover-key; }; };
zone "10.0.127.in-addr.arpa" { type primary; file "$D/db.rev";  allow-update { key failover-key; }; };
EOF
  run
  ;;
restart)
  stop KILL; zones; run
  ;;
stop)
  stop
  ;;
*) echo "usage: $0 start|stop|restart"; exit 2;;
esac
