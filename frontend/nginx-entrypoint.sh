#!/bin/sh
# Lends the UI's API key to proxied API calls that carry none (see nginx.conf), then runs nginx.
# The key is UI_API_KEY, else the first of API_KEYS; with neither, calls go through without a key.
set -eu
key="${UI_API_KEY:-${API_KEYS:-}}"
key="${key%%,*}"
case "$key" in
  *[!A-Za-z0-9._~+/=-]*) echo "UI_API_KEY: use only letters, digits and . _ ~ + / = -" >&2; exit 78 ;;
esac
mkdir -p /tmp/nginx
# Nothing of the client's is replaced: its own X-API-Key or Authorization header wins.
printf 'map "$http_x_api_key$http_authorization" $ui_api_key {\n  "" "%s";\n  default $http_x_api_key;\n}\n' "$key" \
  > /tmp/nginx/ui-api-key.conf
exec nginx -g 'daemon off;'
