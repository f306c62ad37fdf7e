#!/bin/bash
# nicflow-dbd over real TLS: the real ovs-vsctl 3.1 connects with ssl:
# using certificates made here by the openssl tool; a client whose
# certificate no trusted CA signed is refused; and the SSL files and a
# pssl: remote can come from the database, as ovs-ctl starts ovsdb-server
# (--private-key=db:Open_vSwitch,SSL,private_key ... with set-ssl and
# set-manager).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl openssl ss
make_tmpdir
pki=$NF_TMP/pki
mkdir -p "$pki"

mkcert() { # NAME CA-PREFIX
    openssl req -newkey rsa:2048 -nodes -keyout "$pki/$1-key.pem" \
        -out "$pki/$1.csr" -subj "/CN=$1" 2>/dev/null \
    && openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" \
        -CAkey "$pki/$2-key.pem" -CAcreateserial -out "$pki/$1-cert.pem" \
        -days 2 2>/dev/null
}
mkca() { # NAME
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/$1-key.pem" \
        -out "$pki/$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null
}
check "make a CA and server/client certificates" \
    bash -c "$(declare -f mkca mkcert); pki=$pki; mkca ca && mkca rogue-ca \
             && mkcert server ca && mkcert client ca && mkcert rogue rogue-ca"

# The TCP port of nicflow-dbd's pssl:0 listener.
ssl_port() {
    ss -ltnp 2>/dev/null | awk -v pid="$(cat "$NICFLOW_RUNDIR/nicflow-dbd.pid")" \
        'index($0, "pid=" pid ",") { n = split($4, a, ":"); print a[n]; exit }'
}
vsctl_ssl() { # PORT KEY-NAME CA ARGS...
    local port=$1 who=$2 ca=$3; shift 3
    ovs-vsctl --timeout=5 --db="ssl:127.0.0.1:$port" \
        -p "$pki/$who-key.pem" -c "$pki/$who-cert.pem" -C "$pki/$ca.pem" "$@"
}

# 1. SSL files given directly.
check "create the database" "$NF_BIN/nicflow-dbtool" create "$NF_TMP/conf.db"
check "nicflow-dbd starts with pssl:0" start_daemon nicflow-dbd "$NF_TMP/conf.db" \
    --remote=pssl:0:127.0.0.1 --remote="punix:$NICFLOW_RUNDIR/db.sock" \
    --private-key="$pki/server-key.pem" --certificate="$pki/server-cert.pem" \
    --ca-cert="$pki/ca.pem" -vconsole:off
port=$(ssl_port)
check "pssl listener has a port" test -n "$port"
check "ovs-vsctl over ssl: init and add-br" \
    vsctl_ssl "$port" client ca --no-wait -- init -- add-br brs
check_output "the change is in the database" '^brs$' \
    ovs-vsctl --db="unix:$NICFLOW_RUNDIR/db.sock" list-br
check_fails "a client with an untrusted certificate is refused" \
    vsctl_ssl "$port" rogue rogue-ca --no-wait list-br
check_fails "a client that does not trust the server refuses it" \
    vsctl_ssl "$port" client rogue-ca --no-wait list-br
check_output "the refusal is logged" 'ssl:127\.0\.0\.1:[0-9]+: disconnecting' \
    cat "$NICFLOW_LOGDIR/nicflow-dbd.log"
stop_daemon nicflow-dbd

# 2. SSL files and the pssl: remote taken from the database.
check "create the second database" "$NF_BIN/nicflow-dbtool" create "$NF_TMP/conf2.db"
check "nicflow-dbd starts with db: SSL references" start_daemon nicflow-dbd \
    "$NF_TMP/conf2.db" --remote="punix:$NICFLOW_RUNDIR/db.sock" \
    --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
    --private-key=db:Open_vSwitch,SSL,private_key \
    --certificate=db:Open_vSwitch,SSL,certificate \
    --ca-cert=db:Open_vSwitch,SSL,ca_cert -vconsole:off
vsctl_unix="ovs-vsctl --db=unix:$NICFLOW_RUNDIR/db.sock --no-wait"
check "set-ssl and set-manager pssl:0 in one transaction" \
    $vsctl_unix -- init -- set-ssl "$pki/server-key.pem" "$pki/server-cert.pem" \
    "$pki/ca.pem" -- set-manager pssl:0:127.0.0.1
for i in $(seq 20); do port=$(ssl_port); [ -n "$port" ] && break; sleep 0.1; done
check "the manager's pssl: listener is open" test -n "$port"
check "ovs-vsctl over the database-configured ssl" \
    vsctl_ssl "$port" client ca --no-wait add-br brdb
check_output "the change is in the database" '^brdb$' $vsctl_unix list-br
check "del-manager" $vsctl_unix del-manager
for i in $(seq 20); do [ -z "$(ssl_port)" ] && break; sleep 0.1; done
check "the listener closes with the Manager row" test -z "$(ssl_port)"
finish
