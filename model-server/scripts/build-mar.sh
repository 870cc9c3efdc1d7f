#!/usr/bin/env bash
# Package a model directory and the handler code into model-store/allocine-sentiment.mar, and write
# TorchServe's configuration for it (model-store/config.properties) from the model's serving profile.
# Usage: build-mar.sh [MODEL_DIR]   (default: $MODEL_DIR, else the committed embedded model)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
MODEL_DIR="$(cd "${1:-${MODEL_DIR:-$HERE/model/embedded}}" && pwd)"
STORE="${MODEL_STORE:-$HERE/model-store}"
VENV="${VENV:-$ROOT/.venv}"
[ -x "$VENV/bin/python" ] || bash "$HERE/scripts/setup-python.sh"
profile() { PYTHONPATH="$HERE" "$VENV/bin/python" -m allocine_sentiment.serving_profile "$@"; }

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/archive/allocine_sentiment" "$STORE"
# The profile is checked, and TorchServe's configuration written, before anything is packaged.
profile config "$MODEL_DIR" "$HERE/config/config.properties" > "$STAGE/config.properties"
# Only what serving imports goes into the archive (no training code, no scikit-learn).
for module in __init__ contract handler predictor request_parsing scoring serving explain ngram_model text hf_model runtimes serving_profile; do
  cp "$HERE/allocine_sentiment/$module.py" "$STAGE/archive/allocine_sentiment/"
done
# The seam's one file (names, headers, the embedded profile), read by contract.py beside it in the archive.
cp "$ROOT/libs/contracts/src/model-server-contract.json" "$STAGE/archive/allocine_sentiment/"
# The model's files, less the ONNX exports the profile does not serve (large and unused).
profile files "$MODEL_DIR" | (cd "$MODEL_DIR" && tar -cf - -T -) | tar -C "$STAGE/archive" -xf -
"$VENV/bin/torch-model-archiver" \
  --model-name allocine-sentiment --version 1.0 \
  --handler "$HERE/allocine_sentiment/handler.py" \
  --extra-files "$STAGE/archive" \
  --export-path "$STORE" --force
mv "$STAGE/config.properties" "$STORE/config.properties"
echo "$MODEL_DIR" > "$STORE/model-dir.txt"
echo "built $STORE/allocine-sentiment.mar from $MODEL_DIR"
