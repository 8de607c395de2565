#!/usr/bin/env bash
# A throwaway PostgreSQL server for Parkland's tests and development: a cluster of its own in
# a temporary folder, on a local port, never the system's default cluster.
#
#   tools/pg-dev.sh start   # prints the `export PARKLAND_TEST_PG=...` line to use
#   tools/pg-dev.sh stop
#   tools/pg-dev.sh kill    # stop at once, as a crash would (pg_ctl stop -m immediate)
#   tools/pg-dev.sh freeze  # the server stops answering (SIGSTOP), as over a broken network
#   tools/pg-dev.sh thaw    # and answers again (SIGCONT)
#   tools/pg-dev.sh url     # the URL again
#
# As root it runs the server as the unprivileged `postgres` account. Its superuser is
# `postgres` with password `parkland-test` over TCP (scram-sha-256); the socket trusts. TLS is
# on, with a self-signed certificate for localhost and 127.0.0.1 made here (openssl); `start`
# also prints `export PARKLAND_TEST_PG_CA=…`, the certificate to verify it with.
# Settings: PARKLAND_PG_PORT (25432, below the ephemeral ports client connections take), PARKLAND_PG_DIR (/tmp/parkland-pg).
set -euo pipefail

PORT=${PARKLAND_PG_PORT:-25432}
DIR=${PARKLAND_PG_DIR:-/tmp/parkland-pg}
PASSWORD=parkland-test
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$BIN" ]]; then
    echo "pg-dev: no PostgreSQL server is installed (apt-get install postgresql)" >&2
    exit 1
fi
URL="postgresql://postgres:$PASSWORD@127.0.0.1:$PORT/postgres"

as_server() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-start}" in
start)
    mkdir -p "$DIR"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$DIR"; fi
    if [[ ! -f "$DIR/data/PG_VERSION" ]]; then
        as_server bash -c "echo '$PASSWORD' > '$DIR/pwfile'"
        as_server "$BIN/initdb" -D "$DIR/data" -U postgres --pwfile="$DIR/pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    fi
    if [[ ! -f "$DIR/server.crt" ]]; then
        # A test root, and the server's certificate signed by it for localhost and 127.0.0.1.
        as_server openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
            -subj "/CN=Parkland test root" -keyout "$DIR/root.key" -out "$DIR/root.crt" 2>/dev/null
        as_server openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
            -keyout "$DIR/server.key" -out "$DIR/server.csr" 2>/dev/null
        as_server bash -c "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > '$DIR/server.ext'"
        as_server openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/root.crt" -CAkey "$DIR/root.key" \
            -CAcreateserial -days 3650 -extfile "$DIR/server.ext" -out "$DIR/server.crt" 2>/dev/null
        as_server chmod 600 "$DIR/server.key" "$DIR/root.key"
    fi
    if ! as_server "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
        as_server "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
            -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c ssl=on -c ssl_cert_file=$DIR/server.crt -c ssl_key_file=$DIR/server.key" start >/dev/null
    fi
    echo "export PARKLAND_TEST_PG=$URL"
    echo "export PARKLAND_TEST_PG_CA=$DIR/root.crt"
    ;;
stop)
    as_server "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null
    ;;
kill)
    as_server "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null
    ;;
freeze | thaw)
    # The postmaster and its children (found in /proc: no procps needed), signalled with the
    # shell's own kill (as root, or as the account that runs the server).
    SIGNAL=$([[ $1 == freeze ]] && echo STOP || echo CONT)
    PID=$(head -n 1 "$DIR/data/postmaster.pid")
    PIDS=("$PID")
    for stat in /proc/[0-9]*/stat; do
        read -r child _ _ parent _ <"$stat" 2>/dev/null || continue
        if [[ $parent == "$PID" ]]; then PIDS+=("$child"); fi
    done
    kill "-$SIGNAL" "${PIDS[@]}" 2>/dev/null || true
    ;;
url)
    echo "$URL"
    ;;
*)
    echo "usage: $0 start|stop|kill|url" >&2
    exit 2
    ;;
esac
