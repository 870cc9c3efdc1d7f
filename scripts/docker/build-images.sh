#!/usr/bin/env bash
# Build the three images as compose does, with the base images from the environment (build arguments):
# PYTHON_IMAGE, NODE_IMAGE, NGINX_IMAGE (defaults: the official images), TORCH_INDEX_URL, MODEL.
# Used by the CI workflow (.github/workflows/ci.yml); compose-smoke.sh builds the same through docker-compose.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
docker build -f backend/Dockerfile --build-arg NODE_IMAGE="${NODE_IMAGE:-node:24-bookworm-slim}" -t allocine-sentiment/backend:local .
docker build -f model-server/Dockerfile --build-arg PYTHON_IMAGE="${PYTHON_IMAGE:-python:3.11-slim-bookworm}" \
  --build-arg TORCH_INDEX_URL="${TORCH_INDEX_URL:-}" --build-arg MODEL="${MODEL:-embedded}" -t allocine-sentiment/model-server:local .
docker build -f frontend/Dockerfile --build-arg NODE_IMAGE="${NODE_IMAGE:-node:24-bookworm-slim}" \
  --build-arg NGINX_IMAGE="${NGINX_IMAGE:-nginx:1.30}" -t allocine-sentiment/frontend:local .
