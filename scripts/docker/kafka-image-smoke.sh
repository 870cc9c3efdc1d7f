#!/usr/bin/env bash
# Proves the Kafka image of `docker compose --profile streaming` on its own (the whole stack: compose-smoke.sh):
# builds it from streaming/broker/Dockerfile (stand-in base images when no registry is reachable), runs it
# hardened as compose does (read-only root, no capabilities, a volume), waits for its healthcheck, sends reviews
# from the host on 127.0.0.1:29092 and reads them back, restarts the container and reads them again from the
# volume. Not part of `npm test` (minutes: Debian packages and Maven inside the build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
check() { printf '\033[32m✔\033[0m %s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
die() { printf '\033[31m✘\033[0m %s\n' "$*" >&2; exit 1; }
NAME=allocine-kafka-smoke
VOLUME=allocine-kafka-smoke-data

step "Docker engine"
if ! docker info >/dev/null 2>&1; then
  (dockerd >/var/log/dockerd-smoke.log 2>&1 &)
  for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info >/dev/null && check "engine $(docker version --format '{{.Server.Version}}')"
for image in eclipse-temurin:17-jre maven:3.9-eclipse-temurin-17; do
  docker image inspect "$image" >/dev/null 2>&1 || timeout 60 docker pull -q "$image" >/dev/null 2>&1 || true
done
bash scripts/docker/standin-images.sh java maven

step "docker build -f streaming/broker/Dockerfile"
docker build -q -f streaming/broker/Dockerfile -t allocine-sentiment/kafka:local . >/dev/null
check "allocine-sentiment/kafka:local built"

cleanup() { docker rm -f "$NAME" >/dev/null 2>&1 || true; docker volume rm "$VOLUME" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
run() {
  docker run -d --name "$NAME" --init --cap-drop ALL --security-opt no-new-privileges:true --read-only --tmpfs /tmp \
    -v "$VOLUME:/var/lib/kafka" -p 127.0.0.1:29092:29092 -e KAFKA_ADVERTISED=PLAINTEXT://127.0.0.1:9092,EXTERNAL://127.0.0.1:29092 \
    allocine-sentiment/kafka:local >/dev/null
  for _ in $(seq 1 60); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$NAME")" = healthy ] && return
    sleep 2
  done
  docker logs --tail 40 "$NAME"; die "not healthy"
}
step "run it as compose does; wait for the healthcheck"
run
check "healthy; user $(docker exec "$NAME" id -un), read-only root $(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$NAME")"

step "topics, a review sent from the host and read back"
node --input-type=module -e "
  import { createRequire } from 'node:module';
  const { Admin } = createRequire(process.cwd() + '/package.json')('@platformatic/kafka');
  const admin = new Admin({ clientId: 'smoke', bootstrapBrokers: ['127.0.0.1:29092'] });
  await admin.createTopics({ topics: ['allocine.reviews.v1'], partitions: 3, replicas: 1 });
  await admin.close();"
sent="$(KAFKA_BROKERS=127.0.0.1:29092 STREAM_OUTPUT_TOPIC=allocine.reviews.v1 node streaming/reviews.mjs send "Un chef-d'œuvre.")"
id="${sent##*: }"
read_back() { KAFKA_BROKERS=127.0.0.1:29092 STREAM_OUTPUT_TOPIC=allocine.reviews.v1 timeout 30 node streaming/reviews.mjs read --from-beginning | grep -m1 -F "$id" || true; }
[ -n "$(read_back)" ] || die "review $id not read back"
check "review $id sent and read back through 127.0.0.1:29092"

step "restart: the volume keeps it"
docker rm -f "$NAME" >/dev/null
run
[ -n "$(read_back)" ] || die "review $id lost across a restart"
check "review $id still there after the container was replaced"
