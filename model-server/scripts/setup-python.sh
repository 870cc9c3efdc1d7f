#!/usr/bin/env bash
# Create .venv and install the pinned requirements; a second run does nothing unless they changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
REQS="$ROOT/model-server/requirements-dev.txt"
STAMP="$VENV/.requirements.sha256"
CONSTRAINTS="$ROOT/model-server/constraints.txt"
want="$(cat "$ROOT/model-server/requirements.txt" "$ROOT/model-server/requirements-spark.txt" "$REQS" "$CONSTRAINTS" | sha256sum | cut -d' ' -f1)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi
command -v java >/dev/null || { echo "TorchServe needs Java 17+: apt-get install -y openjdk-17-jre-headless" >&2; exit 1; }
echo "==> Python environment: installing pinned requirements into .venv (about 1 minute; torch is the CPU build)"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS" -c "$CONSTRAINTS"
echo "$want" > "$STAMP"
