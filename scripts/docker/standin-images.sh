#!/usr/bin/env bash
# Build local stand-ins for the official base images the Dockerfiles default to, from Debian packages,
# when no registry is reachable. Each is tagged with the official name, so the Dockerfiles need no change.
# Only images missing locally are built. Needs root (debootstrap, chroot).
set -euo pipefail
# The Debian mirror this machine's apt uses (deb822 or one-line sources), unless DEBIAN_MIRROR names one.
apt_mirror() {
  { awk '/^URIs:/ {print $2}' /etc/apt/sources.list.d/*.sources 2>/dev/null
    awk '/^deb / {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; break}}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
  } | grep -v -- '-security' | head -1 || true  # a missing sources file is not an error
}
MIRROR="${DEBIAN_MIRROR:-$(apt_mirror)}"
[ -n "$MIRROR" ] || { echo "no Debian mirror found in apt's sources: set DEBIAN_MIRROR" >&2; exit 1; }
WORK="${STANDIN_WORK:-/var/tmp/allocine-standins}"
ROOTFS="$WORK/bookworm"
mkdir -p "$WORK"

have() { docker image inspect "$1" >/dev/null 2>&1; }
log() { printf '[standins] %s\n' "$*"; }

base_rootfs() {
  [ -x "$ROOTFS/bin/bash" ] && return
  log "debootstrap bookworm (minbase) from $MIRROR"
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  debootstrap --variant=minbase bookworm "$ROOTFS.partial" "$MIRROR" >"$WORK/debootstrap.log" 2>&1
  mv "$ROOTFS.partial" "$ROOTFS"
}

# import NAME SETUP_SCRIPT [docker import --change ...]: copy the base, run SETUP in a chroot, import.
import_image() {
  local name="$1" setup="$2"
  shift 2
  local dir="$WORK/$(echo "$name" | tr ':/' '__')"
  rm -rf "$dir"
  cp -a "$ROOTFS" "$dir"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  # Files a setup needs from this machine travel in $EXTRA, seen as /tmp/extra in the chroot.
  if [ -n "${EXTRA:-}" ]; then mkdir -p "$dir/tmp/extra" && cp -a "$EXTRA/." "$dir/tmp/extra/"; fi
  mount --bind /proc "$dir/proc"
  chroot "$dir" /bin/bash -euc "export DEBIAN_FRONTEND=noninteractive; $setup" >"$dir.log" 2>&1 || {
    umount "$dir/proc"
    log "setup of $name failed; see $dir.log"
    exit 1
  }
  umount "$dir/proc"
  # This machine's trust store: registries may be reached through a TLS-inspecting proxy whose CA only it has.
  mkdir -p "$dir/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  # Java reads its own store (Maven in the Kafka image's build): this machine's, with the same authorities.
  if [ -d "$dir/etc/ssl/certs/java" ] && [ -f /etc/ssl/certs/java/cacerts ]; then cp /etc/ssl/certs/java/cacerts "$dir/etc/ssl/certs/java/cacerts"; fi
  rm -rf "$dir/var/lib/apt/lists/"* "$dir/var/cache/apt/archives/"*.deb "$dir/tmp/extra"
  local trust=/etc/ssl/certs/ca-certificates.crt
  tar -C "$dir" -c . | docker import "$@" \
    --change "ENV SSL_CERT_FILE=$trust PIP_CERT=$trust REQUESTS_CA_BUNDLE=$trust NODE_EXTRA_CA_CERTS=$trust" \
    - "$name" >/dev/null
  rm -rf "$dir"
  log "built $name"
}

APT_INSTALL='apt-get update -qq && apt-get install -y -qq --no-install-recommends'

python_image() {
  have "$1" && return
  base_rootfs
  import_image "$1" "$APT_INSTALL python3 python3-venv python-is-python3 ca-certificates" \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]'
}

node_image() {
  have "$1" && return
  base_rootfs
  # Debian's Node.js is too old (18): carry the LTS the images name (scripts/lts-node.sh, from npm's `node`
  # package) and this machine's npm into the image.
  local files="$WORK/node-files" lts
  lts="$(bash "$(dirname "${BASH_SOURCE[0]}")/../lts-node.sh")"
  rm -rf "$files" && mkdir -p "$files/bin" "$files/lib/node_modules"
  cp "$(readlink -f "$lts/node")" "$files/bin/node"
  cp -a "$(npm root -g)/npm" "$files/lib/node_modules/npm"
  EXTRA="$files" import_image "$1" "$APT_INSTALL ca-certificates curl; \
    cp -a /tmp/extra/. /usr/local/; \
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    useradd --create-home --uid 1000 node" \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["node"]'
}

nginx_image() {
  have "$1" && return
  base_rootfs
  import_image "$1" "$APT_INSTALL nginx-light curl ca-certificates; \
    rm -f /etc/nginx/sites-enabled/default; useradd --system --no-create-home nginx; \
    mkdir -p /var/cache/nginx /usr/share/nginx/html /etc/nginx/conf.d; \
    ln -sf /dev/stdout /var/log/nginx/access.log; ln -sf /dev/stderr /var/log/nginx/error.log; \
    chown -R nginx:nginx /var/cache/nginx /var/log/nginx /var/lib/nginx" \
    --change 'CMD ["nginx", "-g", "daemon off;"]'
}

redis_image() {
  have "$1" && return
  base_rootfs
  import_image "$1" "$APT_INSTALL redis-server; mkdir -p /data; chown redis:redis /data" \
    --change 'WORKDIR /data' --change 'USER redis' --change 'CMD ["redis-server"]'
}

# PostgreSQL from Debian (15 on bookworm) with an entrypoint that does what compose needs of the official one.
postgres_image() {
  have "$1" && return
  base_rootfs
  local files="$WORK/postgres-files"
  rm -rf "$files" && mkdir -p "$files/bin"
  cp "$(dirname "${BASH_SOURCE[0]}")/postgres/docker-entrypoint.sh" "$files/bin/docker-entrypoint.sh"
  EXTRA="$files" import_image "$1" "$APT_INSTALL postgresql; cp -a /tmp/extra/. /usr/local/; \
    mkdir -p /var/lib/postgresql/data /var/run/postgresql; chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql" \
    --change 'ENV PGDATA=/var/lib/postgresql/data LANG=C.UTF-8' --change 'USER postgres' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change 'CMD []'
}

# Java 17 for the Kafka broker of `--profile streaming`, and Maven to fetch its jars (streaming/broker/Dockerfile).
java_image() {
  have "$1" && return
  base_rootfs
  import_image "$1" "$APT_INSTALL openjdk-17-jre-headless ca-certificates" --change 'ENV LANG=C.UTF-8'
}

maven_image() {
  have "$1" && return
  base_rootfs
  import_image "$1" "$APT_INSTALL maven openjdk-17-jdk-headless ca-certificates" --change 'ENV LANG=C.UTF-8' --change 'CMD ["mvn"]'
}

# Every stand-in by default; or only those named: standin-images.sh java maven (the Kafka image's two).
for kind in ${*:-python node nginx redis postgres java maven}; do
  case "$kind" in
    python) python_image "${PYTHON_IMAGE:-python:3.11-slim-bookworm}" ;;
    node) node_image "${NODE_IMAGE:-node:24-bookworm-slim}" ;;
    nginx) nginx_image "${NGINX_IMAGE:-nginx:1.30}" ;;
    redis) redis_image "${REDIS_IMAGE:-redis:7-bookworm}" ;;
    postgres) postgres_image "${POSTGRES_IMAGE:-postgres:15-bookworm}" ;;
    java) java_image "${JAVA_IMAGE:-eclipse-temurin:17-jre}" ;;
    maven) maven_image "${MAVEN_IMAGE:-maven:3.9-eclipse-temurin-17}" ;;
    *) echo "unknown stand-in: $kind (python, node, nginx, redis, postgres, java, maven)" >&2; exit 2 ;;
  esac
done
