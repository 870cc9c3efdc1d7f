#!/usr/bin/env bash
# Package a model directory and the handler code into model-store/allocine-sentiment.mar.
# Usage: build-mar.sh [MODEL_DIR]   (default: the committed embedded model)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
MODEL_DIR="$(cd "${1:-$HERE/model/embedded}" && pwd)"
STORE="${MODEL_STORE:-$HERE/model-store}"
VENV="${VENV:-$ROOT/.venv}"
[ -x "$VENV/bin/python" ] || bash "$HERE/scripts/setup-python.sh"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/allocine_sentiment" "$STORE"
# Only what serving imports goes into the archive (no training code, no scikit-learn).
for module in __init__ handler predictor request_parsing ngram_model text hf_model; do
  cp "$HERE/allocine_sentiment/$module.py" "$STAGE/allocine_sentiment/"
done
cp -r "$MODEL_DIR"/. "$STAGE/"
"$VENV/bin/torch-model-archiver" \
  --model-name allocine-sentiment --version 1.0 \
  --handler "$HERE/allocine_sentiment/handler.py" \
  --extra-files "$STAGE" \
  --export-path "$STORE" --force
echo "built $STORE/allocine-sentiment.mar from $MODEL_DIR"
