#!/usr/bin/env bash
# The whole test suite: Python (lint, unit, real TorchServe), TypeScript (types, unit),
# backend integration (real Redis + real TorchServe), browser tests against the running product, and
# schema fuzzing of the running API.
# `npm test` runs this.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { printf '\n==> %s\n' "$*"; }

[ -d node_modules ] || { step "installing npm dependencies"; npm ci --no-audit --no-fund; }
bash model-server/scripts/setup-python.sh

step "model-server: ruff; import-linter (sub-packages by role, no import loop: model-server/.importlinter)"
.venv/bin/ruff check model-server && .venv/bin/ruff check --config model-server/pyproject.toml bench deploy scripts
.venv/bin/ruff format --check model-server && .venv/bin/ruff format --check --config model-server/pyproject.toml deploy scripts
(cd model-server && ../.venv/bin/lint-imports --no-cache)

step "model-server: pytest (unit, CamemBERT path, real TorchServe)"
.venv/bin/python -m pytest model-server/tests

step "deploy: Kubernetes manifests (kubectl kustomize, kubernetes-validate, policies); Prometheus config and alert rules (promtool), dashboard"
.venv/bin/python -m pytest deploy/tests

step "TypeScript: npm run lint (ESLint with module boundaries; no import loop between files or folders)"
npm run lint

step "TypeScript: type checks"
npx tsc -p libs/contracts/tsconfig.json --noEmit
npx tsc -p backend/tsconfig.spec.json --noEmit

step "backend: unit tests"
npx jest -c backend/jest.config.ts

step "frontend: unit tests (vitest)"
npx ng test frontend --watch=false

step "npm start's UI server and supervisor, the compose UI's nginx (node --test)"
node --test scripts/ui-server.test.mjs scripts/supervisor.test.mjs scripts/ui-nginx.test.mjs scripts/node-version.test.mjs

# Integration tests need a real Redis: REDIS_URL, else the local one, else a throwaway redis-server.
if [ -z "${REDIS_URL:-}" ]; then
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    export REDIS_URL=redis://127.0.0.1:6379
  elif command -v redis-server >/dev/null; then
    REDIS_DIR="$(mktemp -d)"
    redis-server --port 6390 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid"
    trap 'kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true' EXIT
    export REDIS_URL=redis://127.0.0.1:6390
  fi
fi
step "npm run history:dead (set-aside history events: list, replay, drop) against Redis"
node --test scripts/history-dead.test.mjs

# Fault tests stop real worker processes: they run the built backend, as npm start and the images do.
step "backend: build (dist/backend)"
npx tsc -p backend/tsconfig.app.json

step "API contract: libs/contracts/openapi.json and the types generated from it are what the zod schemas give"
node scripts/api-contract.mjs --check

step "backend: integration tests (Redis at ${REDIS_URL:-testcontainers}, PostgreSQL on 127.0.0.1:5432, real TorchServe)"
# PGlite (the embedded history) imports modules dynamically, which Jest's VM allows only with this flag.
NODE_OPTIONS=--experimental-vm-modules npx jest -c backend/jest.integration.config.ts

# The stream connector against a real Kafka broker (jars fetched once with Maven), a real model server and the
# built backend: order, the DLQ, history and readiness, a connector, the broker, the model server or one of two
# connectors killed, exactly once; and Spark Structured Streaming killed and restarted from its checkpoint.
step "stream connector and stream:spark against a real Kafka broker (scripts/stream.test.mjs)"
node --test --test-concurrency=1 scripts/stream.test.mjs

# The images run the current LTS (scripts/node-version.mjs): the backend's suites run on it too, from npm's `node`.
step "backend: unit and integration tests again on the Node.js LTS the images run (scripts/lts-node.sh)"
LTS_BIN="$(bash scripts/lts-node.sh)"
PATH="$LTS_BIN:$PATH" npx jest -c backend/jest.config.ts
PATH="$LTS_BIN:$PATH" NODE_OPTIONS=--experimental-vm-modules npx jest -c backend/jest.integration.config.ts

# Benchmarks that cannot rot: each command the README shows, on a tiny model and a few reviews.
step "bench:transformer and bench:spark in quick mode (tiny random CamemBERT, a few reviews: the commands still run)"
npm run bench:transformer -- --quick --json test-artifacts/bench/transformer-quick.json
npm run bench:transformer-tuning -- --quick --json test-artifacts/bench/transformer-tuning-quick.json
npm run bench:spark -- --quick --json test-artifacts/bench/spark-quick.json

# End to end: `npm start` brings up the real stack, headless Chromium drives the UI, Ctrl+C stops it.
step "frontend: production build and browser tests (Chromium, real stack)"
npx ng build frontend
node --test --test-concurrency=1 frontend/e2e/ui.e2e.mjs

step "npm start stopped with SIGTERM (as systemd, Docker and kill do) and started again at once, twice"
node --test scripts/restart.test.mjs

step "benchmarks in quick mode against the real stack (bench/quick.test.mjs: every embedded-stack bench command still runs)"
node --test bench/quick.test.mjs

step "hostile clients against the real stack (npm run test:hostile: refusals, memory, liveness, fair share)"
npm run test:hostile

step "API schema fuzzing (schemathesis, every phase and check, against the real stack: 0 failures)"
node --test scripts/api-fuzz.test.mjs

step "the original app's client against COMPAT_API=true npm start (its Python client, unchanged)"
node --test scripts/compat.test.mjs

step "model lifecycle with real processes: corrections, model:train --with-feedback, shadow, promotion under load with a 2,000-review job, rollback (scripts/lifecycle.test.mjs)"
node --test --test-concurrency=1 scripts/lifecycle.test.mjs
