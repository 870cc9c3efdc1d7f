#!/usr/bin/env bash
# Convert DIR/tf_model.h5 or DIR/pytorch_model.bin (a pickle, read with weights_only) to DIR/model.safetensors
# in a separate, pinned environment (.venv-convert): serving never reads what it was given.
# Usage: convert.sh DIR   (or --install-only: just make sure the environment exists)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${CONVERT_VENV:-$HERE/../../.venv-convert}"
STAMP="$VENV/.requirements.sha256"
want="$(cat "$HERE/requirements.txt" "$HERE/constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  echo "==> conversion environment: installing TensorFlow and transformers 4.46 into $VENV (once, a few minutes)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt" -c "$HERE/constraints.txt"
  echo "$want" > "$STAMP"
fi
[ "$1" = --install-only ] && exit 0
if [ -f "$1/tf_model.h5" ]; then
  "$VENV/bin/python" "$HERE/convert.py" "$1"
else
  "$VENV/bin/python" "$HERE/bin_to_safetensors.py" "$1"
fi
