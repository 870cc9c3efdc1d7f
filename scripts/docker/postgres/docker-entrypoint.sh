#!/bin/sh
# The stand-in postgres image's entrypoint: what the official image does that compose relies on. A first
# start initialises $PGDATA with POSTGRES_USER / POSTGRES_PASSWORD (password auth from other hosts) and
# creates POSTGRES_DB; then PostgreSQL runs in the foreground, listening on every interface of the container.
set -eu
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
user="${POSTGRES_USER:-postgres}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "POSTGRES_PASSWORD is required" >&2; exit 1; }
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    "$bin/postgres" --single -D "$PGDATA" postgres <<SQL >/dev/null
CREATE DATABASE "$POSTGRES_DB" OWNER "$user";
SQL
  fi
fi
# As the official image: `postgres` as the first argument names the server, the rest are its options.
[ "${1:-}" = postgres ] && shift
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
