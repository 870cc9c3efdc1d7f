#!/usr/bin/env bash
# Start TorchServe with allocine-sentiment and return only once the model's workers are READY.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
STORE="${MODEL_STORE:-$HERE/model-store}"
MANAGEMENT="${TS_MANAGEMENT_ADDRESS:-http://127.0.0.1:8081}"
TIMEOUT="${MODEL_SERVER_START_TIMEOUT:-180}"
export LOG_LOCATION="${LOG_LOCATION:-$HERE/logs}" METRICS_LOCATION="${METRICS_LOCATION:-$HERE/logs}"

bash "$HERE/scripts/setup-python.sh"
[ -f "$STORE/allocine-sentiment.mar" ] && [ -f "$STORE/config.properties" ] || bash "$HERE/scripts/build-mar.sh"
mkdir -p "$LOG_LOCATION"

# Both lanes (bulk and interactive) are registrations of the same archive; ready means both have READY workers.
lanes_ready() {
  for lane in allocine-sentiment allocine-sentiment-interactive; do
    curl -sf "$MANAGEMENT/models/$lane" 2>/dev/null | grep -q '"status": "READY"' || return 1
  done
}
if curl -sf "$MANAGEMENT/models/allocine-sentiment" >/dev/null 2>&1; then
  echo "TorchServe already running with allocine-sentiment"
  exit 0
fi
# A TorchServe that no longer answers but whose JVM is alive is a previous one still shutting down: starting now
# would fail ("TorchServe is already running"), so wait for it to finish (stop.sh kills it after 30 s).
previous="$(cat "${TMPDIR:-/tmp}/.model_server.pid" 2>/dev/null || true)"
# (Only if that pid is still TorchServe's JVM: a stale file's pid may belong to anything by now.)
if [ -n "$previous" ] && [[ "$(ps -o args= -p "$previous" 2>/dev/null)" == *org.pytorch.serve.ModelServer* ]]; then
  echo "==> waiting for the previous TorchServe (pid $previous) to finish stopping"
  for _ in $(seq 1 60); do kill -0 "$previous" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$previous" 2>/dev/null && bash "$HERE/scripts/stop.sh"
fi
echo "==> starting TorchServe (inference ${TS_INFERENCE_ADDRESS:-http://127.0.0.1:8080}, logs in $LOG_LOCATION)"
# worker-startup/sitecustomize.py: the workers import PyTorch only when the model needs it (not the embedded one).
PYTHONPATH="$HERE/worker-startup${PYTHONPATH:+:$PYTHONPATH}" PATH="$ROOT/.venv/bin:$PATH" torchserve --start --ncs --disable-token-auth \
  --ts-config "$STORE/config.properties" --model-store "$STORE" >"$LOG_LOCATION/start.log" 2>&1

# Ready means the model's workers are loaded, not merely that the JVM answers /ping.
for _ in $(seq 1 "$TIMEOUT"); do
  if lanes_ready; then
    echo "TorchServe ready: allocine-sentiment loaded from $(cat "$STORE/model-dir.txt" 2>/dev/null || echo "$STORE")"
    exit 0
  fi
  sleep 1
done
echo "TorchServe did not become ready in ${TIMEOUT}s; last log lines:" >&2
tail -n 40 "$LOG_LOCATION/model_log.log" "$LOG_LOCATION/ts_log.log" >&2 2>/dev/null || true
exit 1
