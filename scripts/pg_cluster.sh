#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for objcoach's tests and for trying a team set-up.
#   scripts/pg_cluster.sh start [DIR] [PORT]   prints the admin URL (trust auth, loopback only)
#   scripts/pg_cluster.sh stop  [DIR]
# Installs Debian's postgresql when no server is on the machine. PostgreSQL refuses to run as root, so
# under root the cluster belongs to the 'postgres' user.
set -euo pipefail
action=${1:-start}
dir=${2:-/tmp/objcoach-pg}
port=${3:-54329}

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bindir=$candidate
done
if [ -z "$bindir" ] && [ "$action" = start ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir=$candidate
  done
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    [ -n "$bindir" ] || { echo "no PostgreSQL server found" >&2; exit 1; }
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/data" -U objcoach_admin --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off" start >/dev/null
    as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U objcoach_admin -d postgres -qAtc \
      "SELECT 1 FROM pg_database WHERE datname = 'objcoach'" | grep -q 1 \
      || as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U objcoach_admin objcoach
    echo "postgresql://objcoach_admin@127.0.0.1:$port/objcoach"
    ;;
  stop)
    [ -n "$bindir" ] && [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
    ;;
  *)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2; exit 2
    ;;
esac
