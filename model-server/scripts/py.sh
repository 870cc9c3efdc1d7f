#!/usr/bin/env bash
# Run Python from the project's virtual environment with the model-server package importable,
# in the directory the user ran npm from (so relative --data paths mean what they expect).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -x "$ROOT/.venv/bin/python" ] || bash "$ROOT/model-server/scripts/setup-python.sh"
cd "${INIT_CWD:-$PWD}"
export PYTHONPATH="$ROOT/model-server${PYTHONPATH:+:$PYTHONPATH}"
exec "$ROOT/.venv/bin/python" "$@"
