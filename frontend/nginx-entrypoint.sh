#!/bin/sh
# Lends the UI's own API key to proxied API calls that carry none (see nginx.conf), names the hosts nginx
# answers to, then runs nginx. With API_KEYS set, UI_API_KEY is required and must not be one of them: whoever
# reaches the UI acts with it, so an integrator's key never sits here. Without keys, calls go through as they are.
set -eu
key="${UI_API_KEY:-}"
case "$key" in
  *[!A-Za-z0-9._~+/=-]*) echo "UI_API_KEY: use only letters, digits and . _ ~ + / = -" >&2; exit 78 ;;
esac
if [ -n "${API_KEYS:-}" ] && [ -z "$key" ]; then
  echo "UI_API_KEY is required with API_KEYS: a key of its own for the UI (e.g. openssl rand -hex 16), given to the api service too" >&2
  exit 78
fi
old_ifs="$IFS"; IFS=','
for integrator in ${API_KEYS:-}; do
  if [ -n "$key" ] && [ "$(echo "$integrator" | tr -d ' ')" = "$key" ]; then
    echo "UI_API_KEY must be a key of its own, not one of API_KEYS" >&2
    exit 78
  fi
done
hosts="localhost 127.0.0.1 [::1]"
for host in ${UI_HOSTS:-}; do
  case "$host" in
    *[!A-Za-z0-9.*:\[\]-]*) echo "UI_HOSTS: host names only, separated by commas" >&2; exit 78 ;;
  esac
  hosts="$hosts $host"
done
IFS="$old_ifs"
# nginx.conf includes these from /tmp/nginx (a tmpfs in compose); NGINX_RUNTIME_DIR moves them for tests.
dir="${NGINX_RUNTIME_DIR:-/tmp/nginx}"
mkdir -p "$dir"
# Nothing of the client's is replaced: its own X-API-Key or Authorization header wins.
printf 'map "$http_x_api_key$http_authorization" $ui_api_key {\n  "" "%s";\n  default $http_x_api_key;\n}\n' "$key" \
  > "$dir/ui-api-key.conf"
printf 'server_name %s;\n' "$hosts" > "$dir/ui-hosts.conf"
exec nginx -g 'daemon off;'
