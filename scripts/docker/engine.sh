#!/usr/bin/env bash
# Sourced by the Docker smoke tests: a running Docker engine (installed and started if needed), the base images
# the Dockerfiles name (official ones when they can be pulled, else stand-ins built from Debian packages), and
# the PyTorch CPU wheel in model-server/wheels/ when this machine has one (spares a download).
step "Docker engine"
if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null; then
  apt-get update -qq && apt-get install -y -qq docker.io docker-compose >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  (dockerd >/var/log/dockerd-smoke.log 2>&1 &)
  for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info >/dev/null
check "engine $(docker version --format '{{.Server.Version}}')"

step "Base images (official ones when they can be pulled, else stand-ins from Debian packages)"
for image in python:3.11-slim-bookworm node:24-bookworm-slim nginx:1.30 redis:7-bookworm postgres:15-bookworm \
  eclipse-temurin:17-jre maven:3.9-eclipse-temurin-17; do
  docker image inspect "$image" >/dev/null 2>&1 || timeout 60 docker pull -q "$image" >/dev/null 2>&1 || true
done
bash "$(dirname "${BASH_SOURCE[0]}")/standin-images.sh"
check "base images present"

for wheel in ${PIP_FIND_LINKS:-/opt/wheels}/torch-2.13.0+cpu-*.whl; do
  [ -f "$wheel" ] && cp -n "$wheel" model-server/wheels/
done
