#!/usr/bin/env bash
# Stop TorchServe (JVM and its Python workers) and wait until the process has exited.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# TorchServe keeps its pid file in the temp directory (TMPDIR selects one instance).
PIDFILE="${TMPDIR:-/tmp}/.model_server.pid"
pid="$(cat "$PIDFILE" 2>/dev/null || true)"
PATH="$ROOT/.venv/bin:$PATH" torchserve --stop >/dev/null 2>&1 || true
[ -n "$pid" ] || { echo "TorchServe was not running"; exit 0; }
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || { echo "TorchServe stopped"; exit 0; }
  sleep 0.5
done
echo "TorchServe (pid $pid) still running after 30s; killing it" >&2
kill -9 "$pid" 2>/dev/null || true
