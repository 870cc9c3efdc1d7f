#!/usr/bin/env bash
# Offline test of the TensorFlow → PyTorch conversion that model:fetch-camembert runs for tblard/tf-allocine:
# a tiny random TensorFlow CamemBERT is made in the conversion environment, converted by convert.sh, then
# loaded by the serving environment (transformers 5), whose logits must equal TensorFlow's.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${CONVERT_VENV:-$ROOT/.venv-convert}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
bash "$HERE/convert.sh" --install-only
"$VENV/bin/python" "$HERE/make_tiny_tf.py" "$WORK/model"
bash "$HERE/convert.sh" "$WORK/model"
"$ROOT/.venv/bin/python" "$HERE/check_converted.py" "$WORK/model"
